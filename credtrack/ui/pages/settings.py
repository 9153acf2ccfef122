"""Settings page: this workstation's preferences and your own password; mail for staff; institution details for
admins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from credtrack.services import settings as institution
from credtrack.services.accounts import users as accounts
from credtrack.services.changes import Change
from credtrack.ui import messages, style
from credtrack.ui.pages.base import Page
from credtrack.ui.widgets.backup_panel import BackupPanel
from credtrack.ui.widgets.institution_form import InstitutionForm
from credtrack.ui.widgets.key_panel import KeyPanel
from credtrack.ui.widgets.mail_panel import MailPanel

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class SettingsPage(Page):
    title = "Settings"
    watches = Change.SETTINGS | Change.KEYS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.paper = QComboBox()
        self.paper.addItems(["A4", "Letter"])
        self.paper.setAccessibleName("Paper size")
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(0, 240)
        self.idle_minutes.setSuffix(" min")
        self.idle_minutes.setSpecialValueText("Never")
        self.idle_minutes.setAccessibleName("Lock after minutes without use")
        self.save_local_button = QPushButton("Save workstation settings")
        self.save_local_button.clicked.connect(self.save)
        local = QGroupBox("This workstation")
        local_form = QFormLayout(local)
        local_form.addRow("Paper size for certificates", self.paper)
        local_form.addRow("Lock after no use for", self.idle_minutes)
        local_form.addRow("", self.save_local_button)

        self.old_password = QLineEdit()
        self.new_password = QLineEdit()
        self.repeat_password = QLineEdit()
        for field, name in (
            (self.old_password, "Current password"),
            (self.new_password, "New password"),
            (self.repeat_password, "Repeat new password"),
        ):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(name)
        self.password_button = QPushButton("Change password")
        self.password_button.clicked.connect(self.change_password)
        mine = QGroupBox(f"Your account ({ctx.actor.username})")
        mine_form = QFormLayout(mine)
        mine_form.addRow("Current password", self.old_password)
        mine_form.addRow("New password", self.new_password)
        mine_form.addRow("Repeat new password", self.repeat_password)
        mine_form.addRow("", self.password_button)

        self.columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(local)
        left.addWidget(mine)
        self.mail = MailPanel(ctx)
        self.mail.setVisible(ctx.can("mail.settings"))
        left.addWidget(self.mail)
        left.addStretch(1)
        self.columns.addLayout(left, 1)
        self.institution = InstitutionForm(ctx.can("settings.edit"))
        self.institution.save_requested.connect(self.save_institution)
        self.backups = BackupPanel(ctx)
        self.backups.setVisible(ctx.can("backup.manage"))
        self.right = QVBoxLayout()
        self.right.addWidget(self.institution)
        self.key_panel = KeyPanel(ctx)
        self.right.addWidget(self.key_panel)
        self.right.addWidget(self.backups)
        self.right.addStretch(1)
        self.set_tab_order(
            self.paper,
            self.idle_minutes,
            self.save_local_button,
            self.old_password,
            self.new_password,
            self.repeat_password,
            self.password_button,
            *(self.mail.tab_stops if ctx.can("mail.settings") else []),
            *self.institution.tab_stops,
            self.key_panel.export_button,
            self.backups.backup_button,
            self.backups.restore_button,
        )
        self.columns.addLayout(self.right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(style.title(self.title))
        layout.addLayout(self.columns, 1)

    def reload(self) -> None:
        settings = self.ctx.settings
        self.paper.setCurrentText(settings.paper_size)
        self.idle_minutes.setValue(settings.idle_lock_minutes)
        ctx = self.ctx

        def work(_c: Any) -> Any:
            return institution.get_institution(ctx.uow())

        ctx.run(work, self.institution.set_values, parent=self)
        self.key_panel.reload()
        self.backups.reload()
        if ctx.can("mail.settings"):
            self.mail.reload()

    def save_institution(self, values: dict[str, str]) -> None:
        ctx = self.ctx
        ctx.mutate(
            lambda: institution.update_institution(ctx.uow(), ctx.actor, **values),
            lambda _v: messages.show_info(self, "Saved", "The institution details were saved."),
            parent=self,
        )

    def save(self) -> None:
        settings = self.ctx.settings
        settings.paper_size = self.paper.currentText()
        settings.idle_lock_minutes = self.idle_minutes.value()
        settings.save()
        window = self.window()
        idle = getattr(window, "idle", None)
        if idle is not None:
            idle.set_minutes(settings.idle_lock_minutes)
        messages.show_info(self, "Settings saved", "This workstation's settings were saved.")

    def change_password(self) -> None:
        old, new = self.old_password.text(), self.new_password.text()
        if new != self.repeat_password.text():
            messages.show_error(self, "Change password", "The two new passwords are not the same.")
            return
        ctx = self.ctx

        def done(_value: Any) -> None:
            for field in (self.old_password, self.new_password, self.repeat_password):
                field.clear()
            messages.show_info(self, "Password changed", "Your password was changed.")

        ctx.mutate(lambda: accounts.change_password(ctx.uow(), ctx.actor, old, new), done, parent=self)

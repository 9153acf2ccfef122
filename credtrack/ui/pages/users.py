"""Users page (administrators): accounts, roles, unlocking and password resets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from credtrack.models.enums import ROLES
from credtrack.services import people_index
from credtrack.services.accounts import users as accounts
from credtrack.services.changes import Change
from credtrack.ui import messages, style
from credtrack.ui.dialogs.link_person_dialog import LinkPersonDialog
from credtrack.ui.keyboard import set_dialog_order
from credtrack.ui.models.admin import UsersTableModel
from credtrack.ui.pages.base import Page
from credtrack.ui.table import TableProxy, make_table, selected_row

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New user account")
        self.setMinimumWidth(420)
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName("Full name")
        self.role = QComboBox()
        self.role.addItems([r.capitalize() for r in ROLES])
        self.role.setCurrentText("Preceptor")
        self.role.setAccessibleName("Role")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("First password")
        self.password.setPlaceholderText("At least 10 characters; they change it later")
        form = QFormLayout()
        form.addRow("User &name", self.username)
        form.addRow("&Full name", self.display_name)
        form.addRow("&Role", self.role)
        form.addRow("First &password", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        set_dialog_order(self, self.username, self.display_name, self.role, self.password, buttons=buttons)

    def values(self) -> dict[str, str]:
        return {
            "username": self.username.text().strip(),
            "display_name": self.display_name.text().strip(),
            "role": self.role.currentText().lower(),
            "password": self.password.text(),
        }


class UsersPage(Page):
    title = "Users"
    action = "users.manage"
    watches = Change.USERS

    def table_to_export(self) -> tuple[TableProxy, str]:
        return self.proxy, "User accounts"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = UsersTableModel(self)
        self.proxy = TableProxy(self.model, self)
        self.table = make_table(self.proxy, "User accounts")
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter accounts…")
        self.search.setAccessibleName("Filter accounts")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)

        self.new_button = QPushButton("New user…")
        self.new_button.clicked.connect(self.new_item)
        self.role_box = QComboBox()
        self.role_box.addItems([r.capitalize() for r in ROLES])
        self.role_box.setAccessibleName("Role for the selected account")
        self.role_button = QPushButton("Set role")
        self.role_button.clicked.connect(self.set_role)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button = QPushButton("Reset password…")
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button = QPushButton("Switch off")
        self.active_button.clicked.connect(self.toggle_active)
        self.link_button = QPushButton("Link to person…")
        self.link_button.setToolTip("The person this account belongs to: their own page and precepting record")
        self.link_button.clicked.connect(self.link_person)
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.clicked.connect(self.unlink_person)

        top = QHBoxLayout()
        top.addWidget(style.title(self.title))
        top.addStretch(1)
        top.addWidget(self.search)
        top.addWidget(self.new_button)
        actions = QHBoxLayout()
        actions.addWidget(self.role_box)
        actions.addWidget(self.role_button)
        actions.addSpacing(16)
        actions.addWidget(self.unlock_button)
        actions.addWidget(self.reset_button)
        actions.addWidget(self.active_button)
        actions.addSpacing(16)
        actions.addWidget(self.link_button)
        actions.addWidget(self.unlink_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(
            style.subtitle(
                "Accounts sign in to this database. Preceptors record sign-offs, educators also manage people, "
                "the catalog and certificates, viewers only read. Five wrong passwords lock an account for 15 minutes."
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.set_tab_order(
            self.search,
            self.new_button,
            self.table,
            self.role_box,
            self.role_button,
            self.unlock_button,
            self.reset_button,
            self.active_button,
            self.link_button,
            self.unlink_button,
        )
        self._update_buttons()

    def focus_search(self) -> None:
        self.search.setFocus()

    def reload(self) -> None:
        ctx = self.ctx
        ctx.run(lambda _c: accounts.list_users(ctx.uow(), ctx.actor), self.model.set_rows, parent=self)

    def selected(self) -> Any:
        return selected_row(self.table)

    def _update_buttons(self) -> None:
        row = self.selected()
        for button in (self.role_button, self.unlock_button, self.reset_button, self.active_button, self.link_button):
            button.setEnabled(row is not None)
        self.unlink_button.setEnabled(row is not None and row.person_id is not None)
        if row is not None:
            self.unlock_button.setEnabled(row.locked)
            self.active_button.setText("Switch off" if row.active else "Switch on")
            self.role_box.setCurrentText(row.role.capitalize())

    def _after(self, _value: Any = None) -> None:
        self._update_buttons()

    def new_item(self) -> None:
        dialog = NewUserDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        ctx = self.ctx
        ctx.mutate(lambda: accounts.create_user(ctx.uow(), ctx.actor, **values), self._after, parent=self)

    def set_role(self) -> None:
        row, ctx, role = self.selected(), self.ctx, self.role_box.currentText().lower()
        if row is not None:
            ctx.mutate(lambda: accounts.update_user(ctx.uow(), ctx.actor, row.id, role=role), self._after, parent=self)

    def unlock(self) -> None:
        row, ctx = self.selected(), self.ctx
        if row is not None:
            ctx.mutate(lambda: accounts.unlock(ctx.uow(), ctx.actor, row.id), self._after, parent=self)

    def toggle_active(self) -> None:
        row, ctx = self.selected(), self.ctx
        if row is None:
            return
        ctx.mutate(
            lambda: accounts.update_user(ctx.uow(), ctx.actor, row.id, active=not row.active), self._after, parent=self
        )

    def reset_password(self) -> None:
        row, ctx = self.selected(), self.ctx
        if row is None:
            return
        password = messages.ask_text(self, "Reset password", f"New password for {row.username}:", secret=True)
        if password:
            ctx.mutate(
                lambda: accounts.reset_password(ctx.uow(), ctx.actor, row.id, password),
                lambda _v: messages.show_info(
                    self, "Password reset", f"{row.username} can now sign in with the new password."
                ),
                parent=self,
            )

    def link_person(self) -> None:
        row, ctx = self.selected(), self.ctx
        if row is None:
            return
        dialog = LinkPersonDialog(row, people_index.all_people(ctx.uow(), ctx.actor), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or (person_id := dialog.person_id()) is None:
            return
        ctx.mutate(
            lambda: accounts.update_user(ctx.uow(), ctx.actor, row.id, person_id=person_id), self._after, parent=self
        )

    def unlink_person(self) -> None:
        row, ctx = self.selected(), self.ctx
        if row is None or row.person_id is None:
            return
        if messages.confirm(self, "Unlink", f"Unlink {row.username} from {row.person}?"):
            ctx.mutate(
                lambda: accounts.update_user(ctx.uow(), ctx.actor, row.id, person_id=None), self._after, parent=self
            )

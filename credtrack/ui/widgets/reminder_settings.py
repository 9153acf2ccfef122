"""The Reminders page's settings: the wording of each kind of reminder, and the rules of when to send them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from credtrack.services.catalog import list_credentials, list_modules
from credtrack.services.reminders import rules, wording
from credtrack.ui import messages, style
from credtrack.ui.table import Column, RowTableModel, TableProxy, make_table, selected_row

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

DEFAULT_TARGET = "default:"  # "scope:code": a plain string survives a combo box's item data as it is


class ReminderRulesTableModel(RowTableModel[Any]):
    columns = (
        Column("For", lambda r: "Default" if r.scope == rules.DEFAULT else f"{r.code}", width=110),
        Column("Title", lambda r: r.title, width=260),
        Column("When", lambda r: r.describe()),
    )


class WordingEditor(QWidget):
    """One kind of reminder's subject and body; saving checks the placeholders."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.templates: dict[str, wording.Template] = {}
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of reminder")
        for kind in wording.KINDS:
            self.kind.addItem(wording.KIND_LABELS[kind], kind)
        self.kind.currentIndexChanged.connect(lambda _i: self._show())
        self.subject = QLineEdit()
        self.subject.setAccessibleName("Subject")
        self.body = QPlainTextEdit()
        self.body.setAccessibleName("Body")
        self.save_button = QPushButton("Save wording")
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton("Back to the shipped wording")
        self.reset_button.clicked.connect(self.reset)
        places = ", ".join(f"{{{k}}} {v}" for k, v in wording.PLACEHOLDERS.items())
        help_text = style.subtitle(f"Placeholders: {places}. Write a literal brace twice: {{{{.")
        help_text.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Reminder", self.kind)
        form.addRow("&Subject", self.subject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.body, 1)
        layout.addWidget(help_text)
        layout.addLayout(buttons)
        editable = ctx.can("reminders.edit")
        for w in (self.subject, self.body):
            w.setReadOnly(not editable)
        self.save_button.setVisible(editable)
        self.reset_button.setVisible(editable)

    def set_templates(self, templates: list[wording.Template]) -> None:
        self.templates = {t.kind: t for t in templates}
        self._show()

    def _show(self) -> None:
        t = self.templates.get(self.kind.currentData())
        if t is not None:
            self.subject.setText(t.subject)
            self.body.setPlainText(t.body)

    def save(self, *, reset: bool = False) -> None:
        ctx, kind, subject, body = self.ctx, self.kind.currentData(), self.subject.text(), self.body.toPlainText()
        ctx.mutate(
            lambda: wording.set_template(ctx.uow(), ctx.actor, kind, subject=subject, body=body, reset=reset),
            lambda t: messages.show_info(self, "Reminder wording", f"{t.label} reminders now read: {t.subject}"),
            parent=self,
        )

    def reset(self) -> None:
        self.save(reset=True)


class RulesEditor(QWidget):
    """The rules in force, and a form to set the default or a credential's or module's own."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ReminderRulesTableModel(self)
        self.table = make_table(TableProxy(self.model, self), "Reminder rules")
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._pick())
        self.target = QComboBox()
        self.target.setAccessibleName("Rule for")
        self.days = QLineEdit()
        self.days.setAccessibleName("Days before the expiry")
        self.days.setPlaceholderText("90, 60, 30, 7")
        self.on_expiry = QCheckBox("On the day it expires")
        self.overdue = QCheckBox("When an assigned credential is overdue")
        self.copy_educator = QCheckBox("Copy the learner's unit educator")
        self.enabled = QCheckBox("Send reminders under this rule")
        self.save_button = QPushButton("Save rule")
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow("Rule &for", self.target)
        form.addRow("&Days before", self.days)
        for box in (self.on_expiry, self.overdue, self.copy_educator, self.enabled):
            form.addRow("", box)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(form)
        editor_layout.addLayout(row)
        editor.setVisible(ctx.can("reminders.edit"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("A credential or module without a rule of its own follows the default."))
        layout.addWidget(editor)

    def set_data(self, rows: list[rules.RuleRow], credentials: list[Any], modules: list[Any]) -> None:
        self.model.set_rows(rows)
        self.target.clear()
        self.target.addItem("Default (every credential and module without a rule)", DEFAULT_TARGET)
        for c in credentials:
            self.target.addItem(f"Credential {c.code}: {c.title}", f"credential:{c.code}")
        for m in modules:
            if m.validity_months:  # only a recurring module has a date to remind about
                self.target.addItem(f"Module {m.code}: {m.title}", f"module:{m.code}")
        self._show(rows[0] if rows else None)

    def _pick(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            at = self.target.findData(DEFAULT_TARGET if row.scope == rules.DEFAULT else f"{row.scope}:{row.code}")
            self.target.setCurrentIndex(max(at, 0))
            self._show(row)

    def _show(self, row: rules.RuleRow | None) -> None:
        if row is None:
            return
        r = row.rule
        self.days.setText(", ".join(str(d) for d in r.days_before))
        self.on_expiry.setChecked(r.on_expiry)
        self.overdue.setChecked(r.overdue)
        self.copy_educator.setChecked(r.copy_educator)
        self.enabled.setChecked(r.enabled)

    def save(self) -> None:
        ctx = self.ctx
        scope, _sep, code = (self.target.currentData() or DEFAULT_TARGET).partition(":")
        values = {
            "credential_code": code if scope == "credential" else None,
            "module_code": code if scope == "module" else None,
            "days_before": self.days.text(),
            "on_expiry": self.on_expiry.isChecked(),
            "overdue": self.overdue.isChecked(),
            "copy_educator": self.copy_educator.isChecked(),
            "enabled": self.enabled.isChecked(),
        }
        ctx.mutate(lambda: rules.set_rule(ctx.uow(), ctx.actor, **values), parent=self)


def load_settings(ctx: AppContext) -> tuple[list[wording.Template], list[rules.RuleRow], list[Any], list[Any]]:
    """What the two editors show, read on a worker."""
    return (
        wording.list_templates(ctx.uow(), ctx.actor),
        rules.list_rules(ctx.uow(), ctx.actor),
        list_credentials(ctx.uow(), ctx.actor),
        list_modules(ctx.uow(), ctx.actor),
    )

"""The Reminders page's Unit educators tab: the address each unit's reminders may be copied to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from credtrack.services.reminders import rules
from credtrack.ui.table import Column, RowTableModel, TableProxy, make_table, selected_row

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class UnitEducatorsTableModel(RowTableModel[Any]):
    columns = (
        Column("Unit", lambda r: r.unit, width=220),
        Column("Educator's e-mail", lambda r: r.email or "— none —"),
    )


class UnitEducatorsEditor(QWidget):
    """Each unit with its educator's address; choose a unit, type the address (empty clears it) and save."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = UnitEducatorsTableModel(self)
        self.table = make_table(TableProxy(self.model, self), "Unit educators")
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._pick())
        self.unit = QLabel("Choose a unit above.")
        self.email = QLineEdit()
        self.email.setAccessibleName("Educator's e-mail address")
        self.email.setPlaceholderText("educator@hospital.org (leave empty for none)")
        self.email.returnPressed.connect(self.save)
        self.save_button = QPushButton("Save address")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(False)
        form = QFormLayout()
        form.addRow("Unit", self.unit)
        form.addRow("&Educator's e-mail", self.email)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(form)
        editor_layout.addLayout(row)
        editor.setVisible(ctx.can("units.edit"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            QLabel("A rule that copies the unit educator sends them a copy of each reminder to the unit's learners.")
        )
        layout.addWidget(editor)

    def set_rows(self, rows: list[rules.UnitEducator]) -> None:
        self.model.set_rows(rows)
        self.save_button.setEnabled(False)
        self.unit.setText("Choose a unit above.")

    def _pick(self) -> None:
        row = selected_row(self.table)
        self.save_button.setEnabled(row is not None)
        if row is not None:
            self.unit.setText(row.unit)
            self.email.setText(row.email or "")

    def save(self) -> None:
        row, ctx = selected_row(self.table), self.ctx
        if row is None:
            return
        address = self.email.text()
        ctx.mutate(lambda: rules.set_unit_educator(ctx.uow(), ctx.actor, row.unit, address or None), parent=self)

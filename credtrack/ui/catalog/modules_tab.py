"""Modules: the onboarding and learning units people complete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from credtrack.services import catalog
from credtrack.ui.catalog.editors import ModuleDialog
from credtrack.ui.models.catalog import ModulesTableModel
from credtrack.ui.table import TableProxy, make_table, selected_row

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class ModulesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ModulesTableModel(self)
        self.proxy = TableProxy(self.model, self)
        self.table = make_table(self.proxy, "Modules")
        self.table.doubleClicked.connect(lambda _ix: self.edit())
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter modules")
        self.filter.setAccessibleName("Filter modules")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.new_button = QPushButton("New module…")
        self.new_button.clicked.connect(self.new)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit)
        for button in (self.new_button, self.edit_button):
            button.setVisible(ctx.can("catalog.edit"))
        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        row.addWidget(self.new_button)
        row.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

    def new(self) -> None:
        self._open(None)

    def edit(self) -> None:
        module = selected_row(self.table)
        if module is not None and self.ctx.can("catalog.edit"):
            self._open(module)

    def _open(self, module: Any) -> None:
        dialog = ModuleDialog(module, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values, ctx = dialog.values(), self.ctx
        if module is None:
            ctx.mutate(lambda: catalog.create_module(ctx.uow(), ctx.actor, **values), parent=self)
        else:
            ctx.mutate(
                lambda: catalog.update_module(
                    ctx.uow(), ctx.actor, module.id, expected_version=module.version, **values
                ),
                parent=self,
            )

"""Credentials and their requirements, with an editor for both."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from credtrack.services import catalog
from credtrack.ui import style
from credtrack.ui.catalog.editors import CredentialDialog
from credtrack.ui.models.catalog import CredentialsTableModel, RequirementsTableModel
from credtrack.ui.table import TableProxy, make_table, selected_row

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class CredentialsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lookups: tuple[list[Any], list[Any], list[Any], list[Any]] = ([], [], [], [])
        self.model = CredentialsTableModel(self)
        self.table = make_table(TableProxy(self.model, self), "Credentials")
        self.table.selectionModel().selectionChanged.connect(self._show_requirements)
        self.table.doubleClicked.connect(lambda _ix: self.edit())
        self.requirements = RequirementsTableModel(self)
        self.requirements_view = make_table(TableProxy(self.requirements, self), "Requirements of the credential")
        self.criteria = QLabel()
        self.criteria.setWordWrap(True)
        style.set_role(self.criteria, "subtitle")
        self.new_button = QPushButton("New credential…")
        self.new_button.clicked.connect(self.new)
        self.edit_button = QPushButton("Edit credential and requirements…")
        self.edit_button.clicked.connect(self.edit)
        for button in (self.new_button, self.edit_button):
            button.setVisible(ctx.can("catalog.edit"))
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(style.bold(QLabel("Requirements")))
        lower_layout.addWidget(self.criteria)
        lower_layout.addWidget(self.requirements_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.new_button)
        row.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)

    def set_rows(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)

    def _show_requirements(self) -> None:
        credential = selected_row(self.table)
        self.requirements.set_rows(credential.requirements if credential else [])
        self.criteria.setText(credential.criteria or credential.description if credential else "")

    def new(self) -> None:
        self._open(None)

    def edit(self) -> None:
        credential = selected_row(self.table)
        if credential is not None and self.ctx.can("catalog.edit"):
            self._open(credential)

    def _open(self, credential: Any) -> None:
        modules, competencies, scales, sources = self.lookups
        dialog = CredentialDialog(modules, competencies, scales, credential, self, sources=sources)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values, specs, ctx = dialog.values(), dialog.specs(), self.ctx
        if credential is None:
            ctx.mutate(
                lambda: catalog.create_credential(ctx.uow(), ctx.actor, requirements=specs, **values), parent=self
            )
        else:
            ctx.mutate(
                lambda: catalog.update_credential(
                    ctx.uow(),
                    ctx.actor,
                    credential.id,
                    requirements=specs,
                    expected_version=credential.version,
                    **values,
                ),
                parent=self,
            )

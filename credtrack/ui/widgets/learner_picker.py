"""Find a learner by typing part of their name or ID; the matches list updates as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from credtrack.ui import style
from credtrack.ui.models.people import PeopleTableModel
from credtrack.ui.table import TableProxy, make_table, selected_row


class _SearchField(QLineEdit):
    """Down arrow moves into the matches; Enter takes the first match."""

    def __init__(self, picker: LearnerPicker) -> None:
        super().__init__()
        self._picker = picker

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self._picker.table.setFocus()
            if self._picker.proxy.rowCount():
                self._picker.table.selectRow(0)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._picker.proxy.rowCount():
                self._picker.table.selectRow(0)
                self._picker.chosen.emit()
            return
        super().keyPressEvent(event)


class LearnerPicker(QWidget):
    chosen = Signal()  # the user settled on a learner (Enter or double-click)
    changed = Signal()  # the selected learner changed

    def __init__(
        self,
        chosen_prefix: str = "Signing for",
        parent: QWidget | None = None,
        *,
        nobody: str = "No learner chosen yet.",
    ) -> None:
        super().__init__(parent)
        self._chosen_prefix = chosen_prefix  # what happens to the chosen learner, e.g. "Issuing to"
        self._nobody = nobody  # said while no one is chosen
        self.search = _SearchField(self)
        self.search.setPlaceholderText("Type the learner's name or ID, then Enter")
        self.search.setAccessibleName("Find learner")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.model = PeopleTableModel(self)
        self.proxy = TableProxy(self.model, self)
        self.table = make_table(self.proxy, "Matching learners")
        for column in (3, 4, 5):
            self.table.hideColumn(column)
        self.table.selectionModel().selectionChanged.connect(self._changed)
        self.table.activated.connect(lambda _ix: self.chosen.emit())
        self.chosen_label = QLabel(nobody)
        style.set_role(self.chosen_label, "subtitle")
        self.chosen_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.chosen_label)

    def set_people(self, rows: list[Any]) -> None:
        current = self.person()
        self.model.set_rows(rows)
        self._filter()
        if current is not None:
            self.select(current.id)

    def _filter(self) -> None:
        self.model.set_filter(self.search.text())

    def select(self, person_id: int) -> None:
        row = self.model.row_where(lambda r: r.id == person_id)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def person(self) -> Any:
        return selected_row(self.table)

    def _changed(self) -> None:
        person = self.person()
        if person is None:
            self.chosen_label.setText(self._nobody)
        else:
            self.chosen_label.setText(
                f"{self._chosen_prefix}: <b>{person.full_name}</b> · {person.external_id} · "
                f"{person.profession_name or ''}"
            )
        self.changed.emit()

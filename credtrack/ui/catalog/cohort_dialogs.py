"""Dialogs of the Cohorts tab: a new cohort, and finding a person to enrol in one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from credtrack.ui.catalog.editors import save_cancel_buttons
from credtrack.ui.keyboard import set_dialog_order
from credtrack.ui.widgets.learner_picker import LearnerPicker


class NewCohortDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New cohort")
        self.setMinimumWidth(420)
        self.code = QLineEdit()
        self.code.setPlaceholderText("e.g. 2026-SEPT-NURS")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. September 2026 nursing residents")
        self.start = QDateEdit(QDate.currentDate())
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        form = QFormLayout(self)
        form.addRow("&Code", self.code)
        form.addRow("&Name", self.name)
        form.addRow("&Starts", self.start)
        buttons = save_cancel_buttons(self)
        form.addRow(buttons)
        set_dialog_order(self, self.code, self.name, self.start, buttons=buttons)


class EnrolDialog(QDialog):
    """Type part of a name or ID; Enter (or a double-click) enrols the first match."""

    def __init__(self, cohort_name: str, people: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Enrol in {cohort_name}")
        self.resize(560, 480)
        self.picker = LearnerPicker("Enrolling")
        self.picker.set_people(people)
        self.picker.chosen.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Enrol")
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(buttons)
        set_dialog_order(self, self.picker.search, self.picker.table, buttons=buttons)

    def person(self) -> Any:
        return self.picker.person()

"""Add or edit a person: name in any script, external id, profession, unit and dates."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from credtrack.ui import style
from credtrack.ui.keyboard import set_dialog_order


class PersonDialog(QDialog):
    def __init__(self, professions: list[Any], person: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person = person
        self.setWindowTitle("Edit person" if person else "New person")
        self.setMinimumWidth(460)
        self.full_name = QLineEdit(person.full_name if person else "")
        self.full_name.setAccessibleName("Full name")
        self.external_id = QLineEdit(person.external_id if person else "")
        self.external_id.setAccessibleName("Employee or student number")
        self.email = QLineEdit((person.email or "") if person else "")
        self.email.setAccessibleName("Email")
        self.profession = QComboBox()
        self.profession.setAccessibleName("Profession")
        self.profession.addItem("—", None)
        for p in professions:
            self.profession.addItem(p.name, p.code)
        if person and person.profession_code:
            self.profession.setCurrentIndex(max(0, self.profession.findData(person.profession_code)))
        self.unit = QLineEdit((person.unit or "") if person else "")
        self.unit.setAccessibleName("Unit or department")
        self.start_date = QLineEdit(person.start_date.isoformat() if person and person.start_date else "")
        self.start_date.setPlaceholderText("YYYY-MM-DD")
        self.start_date.setAccessibleName("Start date")
        self.end_date = QLineEdit(person.end_date.isoformat() if person and person.end_date else "")
        self.end_date.setPlaceholderText("YYYY-MM-DD, when they left")
        self.end_date.setAccessibleName("End date")
        self.message = style.error_label()
        form = QFormLayout()
        form.addRow("Full &name", self.full_name)
        form.addRow("&ID (employee / student no.)", self.external_id)
        form.addRow("&Email", self.email)
        form.addRow("&Profession", self.profession)
        form.addRow("&Unit", self.unit)
        form.addRow("&Start date", self.start_date)
        form.addRow("En&d date", self.end_date)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        set_dialog_order(
            self,
            self.full_name,
            self.external_id,
            self.email,
            self.profession,
            self.unit,
            self.start_date,
            self.end_date,
            buttons=buttons,
        )

    def values(self) -> dict[str, Any]:
        return {
            "full_name": self.full_name.text(),
            "external_id": self.external_id.text(),
            "email": self.email.text().strip() or None,
            "profession_code": self.profession.currentData(),
            "unit": self.unit.text().strip() or None,
            "start_date": self.start_date.text().strip() or None,
            "end_date": self.end_date.text().strip() or None,
        }

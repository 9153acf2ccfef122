"""The institution's details printed on certificates: name, logo, signatory and signature image."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from credtrack.services.settings import REVOKED_COPIES

IMAGES = "Images (*.png *.jpg *.jpeg)"
# Shown in the empty fields here and in the first-run wizard, so both ask for the same things the same way.
EXAMPLES = {
    "institution_name": "e.g. Riverside Health — Centre for Interprofessional Education",
    "institution_url": "Optional https:// address; Open Badges exports name the issuer by it",
    "certificate_title": "e.g. Certificate of Achievement",
    "verifier_address": "Optional, e.g. https://www.riverbend.example/verify: where you publish the verifier page",
    "signatory_name": "e.g. Dr. Amina Okafor",
    "signatory_title": "e.g. Director of Interprofessional Education",
    "logo_path": "Optional PNG or JPEG",
    "signature_path": "Optional PNG or JPEG",
}


class InstitutionForm(QGroupBox):
    save_requested = Signal(dict)

    def __init__(self, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__("Institution (printed on every certificate)", parent)
        self.fields: dict[str, QLineEdit] = {}
        self.tab_stops: list[QWidget] = []  # in reading order, for the page that holds the form
        form = QFormLayout(self)
        for key, label, browse in (
            ("institution_name", "Institution name", False),
            ("institution_url", "Web address", False),
            ("certificate_title", "Certificate heading", False),
            ("signatory_name", "Signatory", False),
            ("signatory_title", "Signatory's title", False),
            ("logo_path", "Logo image", True),
            ("signature_path", "Signature image", True),
            ("verifier_address", "Verifier address", False),
        ):
            field = QLineEdit()
            field.setAccessibleName(label)
            field.setReadOnly(not editable)
            if editable:  # a read-only empty field says nothing was entered, not what to enter
                field.setPlaceholderText(EXAMPLES.get(key, ""))
            if key == "verifier_address":
                field.setToolTip(
                    "When set, new certificates' QR codes open this address with the code after '#', "
                    "so a phone camera opens the verifier page (Verify › Export offline verifier page) "
                    "and checks the certificate on the phone. Certificates already issued keep their QR."
                )
            self.fields[key] = field
            self.tab_stops.append(field)
            if browse and editable:
                row = QHBoxLayout()
                row.addWidget(field, 1)
                button = QPushButton("Choose…")
                button.setAccessibleName(f"Choose {label.lower()}")
                button.clicked.connect(lambda _=False, f=field, t=label: self._choose(f, t))
                self.tab_stops.append(button)
                row.addWidget(button)
                form.addRow(label, row)
            else:
                form.addRow(label, field)
        self.revoked_copies = QComboBox()
        self.revoked_copies.setAccessibleName("Revoked and superseded certificates")
        self.revoked_copies.setToolTip(
            "What Open PDF, Print and Save PDF as make of a certificate that was revoked "
            "or replaced. Its Open Badge is never exported. Every copy is audited."
        )
        for value, text in REVOKED_COPIES.items():
            self.revoked_copies.addItem(text, value)
        self.revoked_copies.setEnabled(editable)
        form.addRow("Revoked or superseded", self.revoked_copies)
        self.tab_stops.append(self.revoked_copies)
        self.save_button = QPushButton("Save institution details")
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.values()))
        self.save_button.setVisible(editable)
        form.addRow("", self.save_button)
        self.tab_stops.append(self.save_button)

    def _choose(self, field: QLineEdit, title: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Choose the {title.lower()}", field.text(), IMAGES)
        if path:
            field.setText(path)

    def set_values(self, settings: Any) -> None:
        for key, field in self.fields.items():
            field.setText(str(getattr(settings, key, "") or ""))
        index = self.revoked_copies.findData(getattr(settings, "revoked_copies", "marked"))
        self.revoked_copies.setCurrentIndex(max(0, index))

    def values(self) -> dict[str, str]:
        values = {key: field.text().strip() for key, field in self.fields.items()}
        values["revoked_copies"] = self.revoked_copies.currentData()
        return values

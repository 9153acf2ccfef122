"""What importing sign-offs asks of the importer: whether unknown assessors come in as historical, and a signature."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


class SignoffImportSigning(QWidget):
    changed = Signal()  # the historical choice changed: a new check is needed
    signature_changed = Signal()

    def __init__(self, attestation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.historical = QCheckBox(
            "Import sign-offs whose assessor is not on record as historical, unverified "
            "(not counted until an educator confirms each)"
        )
        self.historical.setAccessibleName("Import unknown assessors as historical, unverified")
        self.historical.setToolTip(
            "Otherwise such rows are refused: a sign-off counts only when its assessor is a "
            "person on record with a profession."
        )
        self.attest = QCheckBox()
        self.attest.setAccessibleName("Attestation for the imported sign-offs")
        self.attest_text = QLabel(attestation)
        self.attest_text.setWordWrap(True)
        self.attest_text.setBuddy(self.attest)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Your password, as your signature for the file")
        self.password.setAccessibleName("Password to sign the import")
        self.historical.toggled.connect(lambda _on: self.changed.emit())
        self.attest.toggled.connect(lambda _on: self.signature_changed.emit())
        self.password.textChanged.connect(lambda _t: self.signature_changed.emit())
        attest_row = QHBoxLayout()
        attest_row.addWidget(self.attest, 0, Qt.AlignmentFlag.AlignTop)
        attest_row.addWidget(self.attest_text, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.historical)
        layout.addLayout(attest_row)
        layout.addWidget(self.password)

    def signed(self) -> bool:
        return self.attest.isChecked() and bool(self.password.text())

    def signature(self) -> dict:
        return {"attestation_accepted": self.attest.isChecked(), "password": self.password.text()}

    def clear_signature(self) -> None:
        self.password.clear()
        self.attest.setChecked(False)

"""What importing sign-offs or ratings asks of the importer: a signature for the file, and for sign-offs whether
unknown assessors come in as historical."""

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
        self.attest.setAccessibleName("Attestation for the imported records")
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

    def set_form(self, attestation: str, *, historical: bool) -> None:
        """The attestation of the kind of file being imported (a signature given for another is withdrawn),
        and whether the historical choice applies to it (only sign-offs have one)."""
        if attestation != self.attest_text.text():
            self.clear_signature()
            self.attest_text.setText(attestation)
        self.historical.setVisible(historical)

    def signed(self) -> bool:
        return self.attest.isChecked() and bool(self.password.text())

    def signature(self) -> dict:
        return {"attestation_accepted": self.attest.isChecked(), "password": self.password.text()}

    def clear_signature(self) -> None:
        self.password.clear()
        self.attest.setChecked(False)

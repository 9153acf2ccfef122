"""'E-mail to learners': which certificates, the subject and message (with fields), and the Open Badges option."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from credtrack.services.certificates import learner_files
from credtrack.ui import style

Scope = tuple[str, list[str]]  # what the choice says, and the certificate codes it covers


class EmailDialog(QDialog):
    def __init__(self, scopes: list[Scope], mail_from: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("E-mail certificates to learners")
        self.setMinimumWidth(620)
        self.scopes = scopes
        self.scope = QComboBox()
        self.scope.setAccessibleName("Certificates to send")
        for label, _codes in scopes:
            self.scope.addItem(label)
        self.sender = QLabel(mail_from)
        self.subject = QLineEdit(learner_files.DEFAULT_SUBJECT)
        self.subject.setAccessibleName("Subject")
        self.body = QPlainTextEdit(learner_files.DEFAULT_BODY)
        self.body.setAccessibleName("Message")
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(180)
        fields = QLabel(
            "Each learner's own details replace "
            + ", ".join(f"{{{f}}}" for f in learner_files.FIELDS)
            + ". Their certificate is attached as a PDF named “Name – Credential – Code.pdf”."
        )
        fields.setWordWrap(True)
        style.set_role(fields, "subtitle")
        self.badge = QCheckBox("Also attach the Open Badges file (the signed digital credential)")
        self.badge.setAccessibleName("Attach the Open Badges file")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Send", self.scope)
        form.addRow("From", self.sender)
        form.addRow("Subject", self.subject)
        form.addRow("Message", self.body)
        form.addRow("", fields)
        form.addRow("", self.badge)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def codes(self) -> list[str]:
        return self.scopes[self.scope.currentIndex()][1] if self.scopes else []

    def letter(self) -> tuple[str, str, bool]:
        return self.subject.text(), self.body.toPlainText(), self.badge.isChecked()

"""A one-line question (a reason, a passphrase, a new password): type the answer, Enter confirms, Escape cancels."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from credtrack.ui.keyboard import set_dialog_order


class TextPrompt(QDialog):
    def __init__(self, title: str, question: str, *, secret: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.answer = QLineEdit()
        self.answer.setAccessibleName(title)
        self.answer.setAccessibleDescription(question)
        if secret:
            self.answer.setEchoMode(QLineEdit.EchoMode.Password)
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        self.question.setBuddy(self.answer)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)  # an empty answer is no answer: Enter does nothing until something is typed
        self.answer.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.answer)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        set_dialog_order(self, self.answer, buttons=self.buttons)

    def text(self) -> str:
        return self.answer.text()

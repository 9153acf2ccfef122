"""Voiding a wrong completion or sign-off: what will be voided, what rests on it, and a required reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from credtrack.ui import style
from credtrack.ui.keyboard import set_dialog_order


class VoidDialog(QDialog):
    def __init__(self, what: str, certificates: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Void record")
        self.setMinimumWidth(480)
        self.what = QLabel(what)
        self.what.setWordWrap(True)
        self.what.setObjectName("void_what")
        self.explain = style.subtitle(
            "A voided record stays in the person's history and the audit log, marked void with your reason; "
            "progress is judged again without it. Record the right one afterwards if needed."
        )
        self.explain.setWordWrap(True)
        self.certificates = QLabel()
        self.certificates.setWordWrap(True)
        self.certificates.setObjectName("void_certificates")
        if certificates:
            self.certificates.setText(
                f"Certificate{'s' if len(certificates) > 1 else ''} {', '.join(certificates)} "
                f"{'were' if len(certificates) > 1 else 'was'} issued on this record. Voiding does not revoke "
                "it: it stays valid, and its detail will say that its evidence was voided, so you can decide "
                "whether to revoke or reissue it."
            )
            style.colour(self.certificates, style.WARN)
        self.certificates.setVisible(bool(certificates))
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("e.g. Recorded for the wrong learner; the right record is EMP-0412's")
        self.reason.setAccessibleName("Reason for voiding")
        self.reason.setFixedHeight(70)
        caption = QLabel("&Why is this record wrong? (required)")
        caption.setBuddy(self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Void record")
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.text())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        layout.addWidget(self.explain)
        layout.addWidget(self.certificates)
        layout.addSpacing(6)
        layout.addWidget(caption)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        set_dialog_order(self, self.reason, buttons=self.buttons)

    def text(self) -> str:
        return self.reason.toPlainText().strip()

"""The screen that covers the window while it is locked; only the signed-in user's password opens it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from credtrack.errors import CredtrackError
from credtrack.services.accounts import users as accounts
from credtrack.ui import crash, style
from credtrack.ui.context import AppContext


class LockScreen(QWidget):
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.heading = style.title("Locked")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explain = style.subtitle(
            f"This workstation was locked after a period without use. {ctx.actor.label} "
            "can continue by entering their password; anyone else should sign out first."
        )
        self.explain.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"Password for {ctx.actor.username}")
        self.password.setAccessibleName("Password to unlock")
        self.password.returnPressed.connect(self.try_unlock)
        self.message = style.error_label()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.clicked.connect(self.sign_out_requested)

        box = QWidget()
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(self.heading)
        inner.addWidget(self.explain)
        inner.addSpacing(12)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_out_button)
        buttons.addWidget(self.unlock_button)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def try_unlock(self) -> None:
        password = self.password.text()
        if not password:
            self.message.setText("Enter your password.")
            return
        username = self.ctx.actor.username
        db = self.ctx.db

        def work(_control: Any) -> Any:
            return accounts.log_in(db.unit_of_work(), username, password)

        self.unlock_button.setEnabled(False)
        self.ctx.runner.run(work, on_done=self._ok, on_error=self._failed)

    def _ok(self, _actor: Any) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.message.clear()
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        if isinstance(exc, CredtrackError):
            self.message.setText(exc.message)
        else:
            crash.report(exc, self)

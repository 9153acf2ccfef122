"""The log-in dialog; shown before the database layer has finished loading."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from credtrack.errors import CredtrackError
from credtrack.ui import crash, style
from credtrack.ui.keyboard import set_dialog_order
from credtrack.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

    from credtrack.db import Database


class LoginDialog(QDialog):
    """Asks for a user name and password; emits ``signed_in(actor)`` on success."""

    signed_in = Signal(object)
    first_painted = Signal()
    restore_requested = Signal()

    def __init__(self, runner: TaskRunner, *, institution: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._db: Database | None = None
        self._painted = False
        self.setWindowTitle("Sign in — credtrack")
        self.setMinimumWidth(420)

        heading = style.title("credtrack")
        self.institution_label = style.subtitle(institution or "Interprofessional onboarding and credentials")
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setObjectName("password")
        form = QFormLayout()
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)

        self.message = style.error_label(selectable=False)  # made selectable when it has something to copy
        self.message.setObjectName("login_message")
        self.status = QLabel("Opening the database…")
        style.set_role(self.status, "subtitle")

        self.buttons = QDialogButtonBox()
        # setStandardButtons, not the constructor: resolving the constructor's overloads makes PySide6 build
        # every Qt enum, a sixth of a bare window's start-up.
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        self.sign_in_button.setEnabled(False)
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        # Offered only when the database cannot be used: a damaged file is mended from a backup before sign-in.
        self.restore_button = QPushButton("&Restore from backup…")
        self.restore_button.setObjectName("restore_from_backup")
        self.restore_button.setVisible(False)
        self.restore_button.clicked.connect(lambda: self.restore_requested.emit())
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.institution_label)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        set_dialog_order(self, self.username, self.password, buttons=self.buttons)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def set_database(self, db: Database, description: str) -> None:
        self._db = db
        self.status.setText(description)
        self.message.setText("")
        self.restore_button.setVisible(False)
        self.sign_in_button.setEnabled(True)

    def set_unavailable(self, message: str, *, can_restore: bool = False) -> None:
        """Say why the database cannot be used; with ``can_restore``, offer to restore it from a backup."""
        self._db = None
        self.sign_in_button.setEnabled(False)
        self.status.setText("")
        self.message.setText(message)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.restore_button.setVisible(can_restore)
        self.adjustSize()  # the whole message, however many lines

    def try_sign_in(self) -> None:
        if self._db is None:
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.setText("Enter your user name and password.")
            return
        self.sign_in_button.setEnabled(False)
        self.message.setText("")
        self.status.setText("Checking…")
        db = self._db

        def work(_control: Any) -> Any:
            # The services load on the worker, after the window is up (see credtrack.ui.app).
            from credtrack.services.accounts import users as accounts

            return accounts.log_in(db.unit_of_work(), username, password)

        self._runner.run(work, on_done=self._signed_in, on_error=self._failed)

    def _signed_in(self, actor: Any) -> None:
        self.status.setText("")
        self.password.clear()
        self.sign_in_button.setEnabled(True)
        self.signed_in.emit(actor)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        self.status.setText("")
        self.password.clear()
        self.password.setFocus()
        if isinstance(exc, CredtrackError):
            self.message.setText(exc.message)
            self.adjustSize()  # a message of several lines gets the room it needs
        else:
            crash.report(exc, self)

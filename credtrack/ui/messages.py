"""Message boxes and small prompts, in one place so tests can replace them.

Qt classes load on first use: this module is imported before the log-in window shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(parent, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.information(parent, title, text)


def show_apology(parent: QWidget | None, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(parent, "Something went wrong", text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes


def ask_text(parent: QWidget | None, title: str, label: str, *, secret: bool = False) -> str | None:
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    mode = QLineEdit.Password if secret else QLineEdit.Normal
    text, ok = QInputDialog.getText(parent, title, label, mode)
    return text if ok else None


def save_file_name(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    return save_file_and_type(parent, title, suggested, filters)[0]


def save_file_and_type(parent: QWidget | None, title: str, suggested: str, filters: str) -> tuple[str | None, str]:
    """A file name to save to, and the file type the user picked in the dialog."""
    from PySide6.QtWidgets import QFileDialog

    path, chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None, chosen


def open_file_name(parent: QWidget | None, title: str, filters: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path or None


def open_with_system(path: str) -> None:
    """Open a file (a certificate PDF) in the workstation's own viewer, where it can also be printed."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(path))

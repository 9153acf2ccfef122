"""Message boxes and small prompts, in one place so tests can replace them.

Qt classes load on first use: this module is imported before the log-in window shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

from credtrack.ui.dialogs.prompt import TextPrompt
from credtrack.ui.dialogs.void_dialog import VoidDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def show_apology(parent: QWidget | None, text: str) -> None:
    QMessageBox.critical(parent, "Something went wrong", text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes or No; No has the focus, so Enter or Escape alone never goes ahead."""

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.Yes | QMessageBox.No, parent)
    box.setDefaultButton(QMessageBox.No)
    box.setEscapeButton(QMessageBox.No)
    return box.exec() == QMessageBox.Yes


def ask_text(parent: QWidget | None, title: str, label: str, *, secret: bool = False) -> str | None:
    """The answer typed, or None if the person cancelled."""

    prompt = TextPrompt(title, label, secret=secret, parent=parent)
    return prompt.text() if prompt.exec() == QDialog.DialogCode.Accepted else None


def choose_item(parent: QWidget | None, title: str, label: str, items: list[str]) -> int | None:
    """The index of the item chosen from a list, or None if the person cancelled."""

    chosen, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return items.index(chosen) if ok and chosen in items else None


def ask_void_reason(parent: QWidget | None, what: str, certificates: list[str]) -> str | None:
    """The reason for voiding a record, or None if the person cancelled."""

    dialog = VoidDialog(what, certificates, parent)
    return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def save_file_name(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    return save_file_and_type(parent, title, suggested, filters)[0]


def save_file_and_type(parent: QWidget | None, title: str, suggested: str, filters: str) -> tuple[str | None, str]:
    """A file name to save to, and the file type the user picked in the dialog."""

    path, chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None, chosen


def choose_folder(parent: QWidget | None, title: str, start: str) -> str | None:
    """A folder chosen by the user (starting at ``start``), or None if they cancelled."""

    return QFileDialog.getExistingDirectory(parent, title, start) or None


def open_file_name(parent: QWidget | None, title: str, filters: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path or None


def open_with_system(path: str) -> None:
    """Open a file (a certificate PDF) in the workstation's own viewer, where it can also be printed."""

    QDesktopServices.openUrl(QUrl.fromLocalFile(path))

"""Message boxes and small prompts, in one place so tests can replace them."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def show_apology(parent: QWidget | None, text: str) -> None:
    QMessageBox.critical(parent, "Something went wrong", text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes


def ask_text(parent: QWidget | None, title: str, label: str, *, secret: bool = False) -> str | None:
    mode = QLineEdit.Password if secret else QLineEdit.Normal
    text, ok = QInputDialog.getText(parent, title, label, mode)
    return text if ok else None


def save_file_name(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None


def open_file_name(parent: QWidget | None, title: str, filters: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path or None


def open_with_system(path: str) -> None:
    """Open a file (a certificate PDF) in the workstation's own viewer, where it can also be printed."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(path))

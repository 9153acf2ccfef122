"""Keyboard order shared by pages and dialogs.

Tab follows reading order, and each dialog starts where the user types.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)


def chain_tab_order(*widgets: QWidget) -> list[QWidget]:
    """Tab visits ``widgets`` in this order; multi-line text fields pass Tab on instead of typing it."""
    for widget in widgets:
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            widget.setTabChangesFocus(True)
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)
    return list(widgets)


def laid_out_buttons(box: QDialogButtonBox) -> list[QPushButton]:
    """The box's buttons left to right, as this platform's button order places them."""
    layout = box.layout()
    items = (layout.itemAt(i).widget() for i in range(layout.count()))
    return [w for w in items if isinstance(w, QPushButton)]


def set_dialog_order(dialog: QDialog, *fields: QWidget, buttons: QDialogButtonBox) -> None:
    """Tab goes through ``fields`` in reading order, then the buttons; the first field has the focus on opening.

    The box's accepting button is the default, so Enter in a one-line field does what the dialog is for;
    Escape cancels, as in every QDialog.
    """
    accept = next(
        (b for b in laid_out_buttons(buttons) if buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole), None
    )
    if accept is not None:
        accept.setDefault(True)
    chain_tab_order(*fields, *laid_out_buttons(buttons))
    first = next((w for w in fields if w.isEnabled() and not w.isHidden()), None)
    if first is not None:
        first.setFocus()

"""What the keyboard tests of pages and dialogs share: which controls take Tab, what they are called, where they sit."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QWidget


def takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isVisible() and widget.isEnabled()


def inside_spin_box(widget: QWidget) -> bool:
    """A spin box's (or date edit's) inner editor: it is announced, and counted, as the spin box."""
    return isinstance(widget.parentWidget(), QAbstractSpinBox)


def spoken_name(widget: QWidget) -> str:
    """The name a screen reader announces: the accessible name, a button's text, or a buddy label's text."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def geometry(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def reads_after(a: QRect, b: QRect) -> bool:
    """Whether ``b`` comes after ``a`` reading row by row, or column by column.

    (A column to the right may start higher.)
    """
    back_up_same_or_earlier_column = b.bottom() < a.top() and b.left() < a.right()
    back_left_same_row = b.top() < a.bottom() and a.top() < b.bottom() and b.right() <= a.left()
    return not (back_up_same_or_earlier_column or back_left_same_row)

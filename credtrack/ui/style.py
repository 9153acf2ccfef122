"""Look and feel shared by every window: style, palette accents, and a few helpers for building forms.

Roles (title, subtitle, error, figure) are applied as fonts and palette colours on the
widget itself rather than through an application-wide style sheet: a global sheet makes
Qt re-polish every widget through its style-sheet engine, which cost a quarter of a
second each time the main window was built. Only the navigation list keeps a small sheet
of its own. Nothing here touches the ``Qt`` namespace at import time, not even to import it (PySide6
creates it, with its enums, on first access: ~25 ms, a sixth of a bare window's start-up),
so the log-in window appears sooner.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLayout, QSplitter, QVBoxLayout, QWidget

GOOD = "#1b7f3b"
BAD = "#b3261e"
WARN = "#a05a00"
INFO = "#1f5fa8"
MUTED = "#5f6368"

NAVIGATION_STYLE = """
QListWidget#navigation { border: none; background: palette(window); font-size: 11pt; padding-top: 6px; }
QListWidget#navigation::item { padding: 8px 14px; border-radius: 4px; margin: 1px 6px; }
QListWidget#navigation::item:selected { background: palette(highlight); color: palette(highlighted-text); }
"""

_ROLE_FONTS = {"title": 16, "figure": 20}  # point sizes, bold
_ROLE_COLOURS = {"subtitle": MUTED, "error": BAD}


def apply(app: QApplication) -> None:
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")


def _rgb(tone: str) -> QColor:
    # QColor(r, g, b), not QColor("#rrggbb"): resolving the string overload makes PySide6 build every Qt enum.
    value = int(tone.lstrip("#"), 16)
    return QColor(value >> 16, (value >> 8) & 0xFF, value & 0xFF)


def colour(widget: QWidget, tone: str | None) -> None:
    """Draw ``widget``'s text in ``tone`` ("#rrggbb"), or in the inherited colour when None."""
    if not tone:
        widget.setPalette(QPalette())
        return
    palette = widget.palette()  # not QApplication.palette(): its overloads are as costly as above
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            palette.setColor(group, role, _rgb(tone))
    widget.setPalette(palette)


def set_role(label: QWidget, role: str) -> QWidget:
    """Give ``label`` the look of ``role``: title, subtitle, error or figure."""
    label.setProperty("role", role)
    size = _ROLE_FONTS.get(role)
    if size:
        font = QFont(label.font())
        font.setPointSize(size)
        font.setWeight(QFont.Weight.DemiBold)
        label.setFont(font)
    if role in _ROLE_COLOURS:
        colour(label, _ROLE_COLOURS[role])
    return label


def title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    set_role(label, "title")
    return label


def subtitle(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    set_role(label, "subtitle")
    label.setWordWrap(True)
    return label


def error_label(parent: QWidget | None = None, *, selectable: bool = True) -> QLabel:
    label = QLabel(parent)
    set_role(label, "error")
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def card(parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setAutoFillBackground(True)
    palette = frame.palette()
    palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Base))
    frame.setPalette(palette)
    return frame


def monospace(widget: QWidget) -> QWidget:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    widget.setFont(font)
    return widget


def bold(label: QLabel, size_delta: int = 0) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    if size_delta:
        font.setPointSize(font.pointSize() + size_delta)
    label.setFont(font)
    return label


def column(*items: QWidget | QLayout | tuple[QWidget, int]) -> QWidget:
    """A borderless widget stacking ``items`` top to bottom; ``(widget, stretch)`` takes a share of spare height."""
    host = QWidget()
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    for item in items:
        if isinstance(item, tuple):
            layout.addWidget(*item)
        elif isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)
    return host


def side_by_side(*panes: QWidget, sizes: list[int]) -> QSplitter:
    """Panes next to each other, the divider draggable; ``sizes`` are the starting widths and stretch shares."""

    splitter = QSplitter(Qt.Orientation.Horizontal)
    for i, (pane, size) in enumerate(zip(panes, sizes, strict=True)):
        splitter.addWidget(pane)
        splitter.setStretchFactor(i, size)
    splitter.setSizes(sizes)
    return splitter

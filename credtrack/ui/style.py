"""Look and feel shared by every window: style, palette accents, and a few helpers for building forms."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLayout, QSplitter, QVBoxLayout, QWidget

GOOD = "#1b7f3b"
BAD = "#b3261e"
WARN = "#a05a00"
INFO = "#1f5fa8"
MUTED = "#5f6368"

APP_STYLE = """
QListWidget#navigation { border: none; background: palette(window); font-size: 11pt; padding-top: 6px; }
QListWidget#navigation::item { padding: 8px 14px; border-radius: 4px; margin: 1px 6px; }
QListWidget#navigation::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QLabel[role="title"] { font-size: 16pt; font-weight: 600; }
QLabel[role="subtitle"] { color: #5f6368; }
QLabel[role="error"] { color: #b3261e; }
QFrame[role="card"] { border: 1px solid palette(mid); border-radius: 6px; background: palette(base); }
QLabel[role="figure"] { font-size: 20pt; font-weight: 600; }
"""


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setStyleSheet(APP_STYLE)


def title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "title")
    return label


def subtitle(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "subtitle")
    label.setWordWrap(True)
    return label


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def card(parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    return frame


def bold(label: QLabel, size_delta: int = 0) -> QLabel:
    from PySide6.QtGui import QFont

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

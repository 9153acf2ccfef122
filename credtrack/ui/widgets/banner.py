"""A coloured banner that states a result in words and colour (never colour alone)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from credtrack.ui.style import BAD, GOOD, INFO, WARN

TONES = {"good": (GOOD, "#e8f5ec"), "bad": (BAD, "#fdecea"), "warn": (WARN, "#fff4e0"), "info": (INFO, "#e8f0fb")}


class Banner(QWidget):
    def __init__(self, parent: QWidget | None = None, *, big: bool = False) -> None:
        super().__init__(parent)
        self.tone = ""
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setObjectName("banner_headline")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setObjectName("banner_detail")
        self._big = big
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()

    def show_message(self, tone: str, headline: str, detail: str = "") -> None:
        fg, bg = TONES[tone]
        self.tone = tone
        size = "22pt" if self._big else "12pt"
        self.setStyleSheet(f"Banner {{ background: {bg}; border: 2px solid {fg}; border-radius: 6px; }}")
        self.headline.setStyleSheet(f"color: {fg}; font-size: {size}; font-weight: 700;")
        self.headline.setText(headline)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(f"{headline}. {detail}")
        self.show()

    def clear(self) -> None:
        self.tone = ""
        self.headline.clear()
        self.detail.clear()
        self.hide()

"""Choose a level on a scale with every level's description in view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QComboBox, QLabel, QRadioButton, QVBoxLayout, QWidget

from credtrack.ui.style import GOOD, MUTED, colour


class LevelPicker(QWidget):
    level_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = QComboBox()
        self.scale.setAccessibleName("Scale")
        self.scale.currentIndexChanged.connect(self._show_levels)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(lambda _id: self.level_chosen.emit())
        self.levels_box = QWidget()
        self.levels_layout = QVBoxLayout(self.levels_box)
        self.levels_layout.setContentsMargins(0, 4, 0, 0)
        self.levels_layout.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scale)
        layout.addWidget(self.levels_box)
        self._scales: list[Any] = []
        self.buttons: list[QRadioButton] = []

    def set_scales(self, scales: list[Any], preferred: str = "ENTRUST5") -> None:
        current = self.scale.currentData()
        self._scales = scales
        self.scale.blockSignals(True)
        self.scale.clear()
        for s in scales:
            self.scale.addItem(s.name, s.code)
        index = self.scale.findData(current or preferred)
        self.scale.setCurrentIndex(max(0, index))
        self.scale.blockSignals(False)
        self._show_levels()

    def _show_levels(self) -> None:
        for button in self.buttons:
            self.group.removeButton(button)
        while self.levels_layout.count():
            item = self.levels_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.buttons = []
        scale = self.current_scale()
        if scale is None:
            return
        for i, level in enumerate(scale.levels):
            text = f"{level.code} · {level.label}" + ("   ✔ passing" if level.passing else "")
            button = QRadioButton(text)
            button.setAccessibleName(f"Level {level.code}: {level.label}")
            button.setAccessibleDescription(level.description)
            button.setProperty("level_code", level.code)
            description = QLabel(level.description)
            description.setWordWrap(True)
            description.setIndent(24)
            colour(description, MUTED)
            if level.passing:
                colour(button, GOOD)
            self.group.addButton(button, i)
            self.buttons.append(button)
            self.levels_layout.addWidget(button)
            self.levels_layout.addWidget(description)
        # New buttons join the end of the window's focus chain; put them straight after the scale instead.
        previous: QWidget = self.scale
        for button in self.buttons:
            QWidget.setTabOrder(previous, button)
            previous = button

    def current_scale(self) -> Any:
        code = self.scale.currentData()
        return next((s for s in self._scales if s.code == code), None)

    def level_code(self) -> str | None:
        button = self.group.checkedButton()
        return None if button is None else str(button.property("level_code"))

    def choose(self, level_code: str) -> None:
        for button in self.buttons:
            if button.property("level_code") == level_code:
                button.setChecked(True)
                self.level_chosen.emit()

    def clear_choice(self) -> None:
        self.group.setExclusive(False)
        for button in self.buttons:
            button.setChecked(False)
        self.group.setExclusive(True)

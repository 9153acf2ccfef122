"""The mapping step of an import: each column of the file, its first values, and the field it fills."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from credtrack.ui import style
from credtrack.ui.table import show

LEAVE_OUT = "— not imported —"
SAMPLE_VALUES = 3


def sample_text(rows: list[list[Any]], column: int) -> str:
    values = [show(row[column]) for row in rows if column < len(row) and show(row[column]).strip()]
    return " · ".join(values[:SAMPLE_VALUES]) or "(empty)"


class ColumnMapping(QWidget):
    """Holds one combo per file column; choosing a field for a column takes it away from any other column."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: tuple[Any, ...] = ()
        self.headers: list[str] = []
        self.combos: list[QComboBox] = []
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setColumnStretch(2, 1)
        self._grid.setHorizontalSpacing(12)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        scroll.setAccessibleName("Columns of the file")
        self.missing = style.error_label()
        self.missing.setObjectName("mapping_missing")
        self.empty = style.subtitle("Choose a file to see its columns here.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.missing)
        self._scroll = scroll
        self.clear()

    def clear(self) -> None:
        self.set_columns((), [], [], {})

    def set_columns(
        self, fields: tuple[Any, ...], headers: list[str], sample: list[list[Any]], mapping: dict[str, str]
    ) -> None:
        """Show ``headers`` with their first values; pre-select ``mapping`` (field name -> header)."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.fields, self.headers, self.combos = tuple(fields), list(headers), []
        self.empty.setVisible(not headers)
        self._scroll.setVisible(bool(headers))
        if not headers:
            self.missing.clear()
            return
        for column, text in enumerate(("Column in the file", "Imports as", "First values")):
            self._grid.addWidget(style.bold(QLabel(text)), 0, column)
        by_header = {header: name for name, header in mapping.items()}
        for i, header in enumerate(headers, start=1):
            name = QLabel(header or f"(column {i} has no heading)")
            values = QLabel(sample_text(sample, i - 1))
            values.setProperty("role", "subtitle")
            values.setToolTip(values.text())
            # Long values are cut at the pane's edge rather than pushing the field choices out of view.
            values.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            combo = QComboBox()
            combo.setAccessibleName(f"Field for column {header or i}")
            combo.addItem(LEAVE_OUT, None)
            for spec in fields:
                combo.addItem(spec.label + (" (required)" if spec.required else ""), spec.name)
            field = by_header.get(header)
            combo.setCurrentIndex(0 if field is None else max(0, combo.findData(field)))
            combo.currentIndexChanged.connect(lambda _ix, c=combo: self._chosen(c))
            name.setBuddy(combo)
            self._grid.addWidget(name, i, 0)
            self._grid.addWidget(combo, i, 1)
            self._grid.addWidget(values, i, 2)
            self.combos.append(combo)
        self._show_missing()

    def _chosen(self, combo: QComboBox) -> None:
        field = combo.currentData()
        if field is not None:
            for other in self.combos:
                if other is not combo and other.currentData() == field:
                    other.blockSignals(True)
                    other.setCurrentIndex(0)
                    other.blockSignals(False)
        self._show_missing()
        self.changed.emit()

    def mapping(self) -> dict[str, str]:
        """Every field of the kind: the header chosen for it, or "" when it is deliberately not imported."""
        chosen = {
            combo.currentData(): header
            for combo, header in zip(self.combos, self.headers, strict=True)
            if combo.currentData() is not None
        }
        return {spec.name: chosen.get(spec.name, "") for spec in self.fields}

    def choose(self, header: str, field: str | None) -> None:
        """Map ``header`` to ``field`` (None: leave it out), as a person would with the combo."""
        combo = self.combos[self.headers.index(header)]
        combo.setCurrentIndex(0 if field is None else max(0, combo.findData(field)))

    def missing_required(self) -> list[str]:
        mapped = self.mapping()
        return [spec.label for spec in self.fields if spec.required and not mapped.get(spec.name)]

    def _show_missing(self) -> None:
        missing = self.missing_required()
        self.missing.setText(f"Required and not mapped yet: {', '.join(missing)}." if missing else "")
        self.missing.setVisible(bool(missing))

"""Table model for a report: its columns come with the report, so they are set with the rows."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from credtrack.ui.table import Column, RowTableModel

# Report columns holding a fraction of 1, shown (and exported from the screen) as a percentage.
FRACTION = re.compile(r"(share|coverage|retention)")
WORDS = {"id": "ID", "ve": "VE", "rr": "RR", "c": "C", "tt": "TT"}


def heading(name: str) -> str:
    """'mean_days_to_credential' -> 'Mean days to credential'; other headings are kept as they are."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or "_" not in name:
        return name[:1].upper() + name[1:]
    words = [WORDS.get(w.casefold(), w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def is_fraction(name: str, values: list[Any]) -> bool:
    numbers = [v for v in values if v is not None]
    return (
        bool(FRACTION.search(name.casefold()))
        and bool(numbers)
        and all(isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1 for v in numbers)
    )


def number_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def report_column(index: int, name: str, rows: list[tuple[Any, ...]]) -> Column[tuple[Any, ...]]:
    values = [row[index] for row in rows]
    numeric = any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    if is_fraction(name, values):
        return Column(
            f"{heading(name)} (%)", lambda row: None if row[index] is None else round(row[index] * 100, 1), right=True
        )
    return Column(heading(name), lambda row: row[index], right=numeric)


class ReportTableModel(RowTableModel[tuple[Any, ...]]):
    """Rows of a ``ReportTable``; fractions show as percentages, numbers right-aligned."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns: tuple[Column[tuple[Any, ...]], ...] = ()  # type: ignore[misc]
        self.title = ""

    def set_table(self, table: Any) -> None:
        self.beginResetModel()
        self.title = table.title
        self.columns = tuple(report_column(i, name, table.rows) for i, name in enumerate(table.columns))
        self._rows = list(table.rows)
        self.endResetModel()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid() and 0 <= index.row() < len(self._rows):
            value = self.columns[index.column()].value(self._rows[index.row()])
            if isinstance(value, float):
                return number_text(value)
        return super().data(index, role)

"""Table models: plain rows behind a QAbstractTableModel, shown through a sort/filter proxy.

Columns are declared once per model. Sorting happens in the source model with
Python keys (one sort of a list, fast even for 100,000 rows) and the proxy hands
``sort()`` down to it; the proxy's own fixed-string filter serves small tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

R = TypeVar("R")
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1
AnyIndex = QModelIndex | QPersistentModelIndex


def show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    value: Callable[[R], Any]
    sort_key: Callable[[R], Any] | None = None
    width: int = 0
    right: bool = False
    colour: Callable[[R], str | None] | None = None
    tooltip: Callable[[R], str] | None = None


def _none_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of one dataclass; subclasses only declare ``columns``."""

    columns: ClassVar[Sequence[Column[Any]]] = ()
    # What an export writes, when it should differ from what fits on screen (full texts, say).
    export_columns: ClassVar[Sequence[Column[Any]] | None] = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    # -- data in and out -------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    # -- Qt model contract -----------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return show(column.value(row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        if horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)):
            return
        col = self.columns[column]
        key = col.sort_key or col.value
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        tracked = [(ix, self._rows[ix.row()]) for ix in old if ix.isValid()]
        self._sort_rows(lambda r: _none_last(key(r)), order == Qt.SortOrder.DescendingOrder)
        position = {id(r): i for i, r in enumerate(self._rows)} if tracked else {}
        for ix, row in tracked:
            self.changePersistentIndex(ix, self.index(position[id(row)], ix.column()))
        self.layoutChanged.emit()

    def _sort_rows(self, key: Callable[[R], Any], reverse: bool) -> None:
        self._rows.sort(key=key, reverse=reverse)


class TableProxy(QSortFilterProxyModel):
    """Filters on every column's text; hands sorting down to the source model, which sorts its
    rows by each column's ``sort_key`` (so the proxy needs no sort role of its own)."""

    def __init__(self, source: RowTableModel[Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def row_at(self, proxy_row: int) -> Any:
        return self.index(proxy_row, 0).data(ROW_ROLE)


def make_table(proxy: TableProxy, name: str, parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting, sortable table view with sensible defaults."""
    view = QTableView(parent)
    view.setModel(proxy)
    view.setAccessibleName(name)
    view.setObjectName(name.replace(" ", "_").lower())
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    # No column is sorted until the user picks one: enabling sorting sorts by the header's indicator, which
    # Qt starts on the first column, descending, and would reorder rows a model already holds.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # rows are chosen with the arrow keys; Tab moves on to the next control
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    source = proxy.sourceModel()
    if isinstance(source, RowTableModel):
        for i, column in enumerate(source.columns):
            if column.width:
                view.setColumnWidth(i, column.width)
    return view


def selected_row(view: QTableView) -> Any:
    indexes = view.selectionModel().selectedRows() if view.selectionModel() else []
    return indexes[0].data(ROW_ROLE) if indexes else None

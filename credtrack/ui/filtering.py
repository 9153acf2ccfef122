"""A table model that holds every row and shows those matching a search; built for 100,000 people.

Filtering runs over precomputed, accent- and case-folded search keys with plain list
operations, and narrows the previous result when the new text extends the old, so
typing stays well under a frame per keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt

from credtrack.models.base import fold
from credtrack.ui.table import RowTableModel, _none_last

R = TypeVar("R")


class FilterableTableModel(RowTableModel[R], Generic[R]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[tuple[str, R]] = []
        self._words: list[str] = []
        self._predicate: Callable[[R], bool] | None = None
        self._visible: list[tuple[str, R]] = []
        self._base: list[tuple[str, R]] = []  # rows passing the predicate; text filters run over these

    def search_text(self, row: R) -> str:
        """The text a search matches against; override per model."""
        return " ".join(str(c.value(row) or "") for c in self.columns)

    def prepare(self, rows: Sequence[R]) -> list[tuple[str, R]]:
        """Fold every row's search text; pure, so a worker can do it (about 1 s for 100,000 people)."""
        return [(fold(self.search_text(r)), r) for r in rows]

    def set_rows(self, rows: Sequence[R]) -> None:
        self.set_prepared(self.prepare(rows))

    def set_prepared(self, pairs: list[tuple[str, R]]) -> None:
        self._all = pairs
        self._rebase()
        self._refilter(narrowing=False)

    def _rebase(self) -> None:
        keep = self._predicate
        self._base = self._all if keep is None else [p for p in self._all if keep(p[1])]

    def total(self) -> int:
        return len(self._all)

    def set_filter(self, text: str, predicate: Callable[[R], bool] | None = None) -> None:
        words = fold(text).split()
        narrowing = (
            predicate is self._predicate
            and len(words) >= len(self._words)
            and all(new.find(old) >= 0 for old, new in zip(self._words, words, strict=False))
        )
        self._words = words
        if predicate is not self._predicate:
            self._predicate = predicate
            self._rebase()  # the predicate runs once per change of filters, never per keystroke
        self._refilter(narrowing=narrowing)

    def _refilter(self, *, narrowing: bool) -> None:
        pairs = self._visible if narrowing else self._base
        for word in self._words:
            pairs = [p for p in pairs if word in p[0]]
        self._visible = pairs
        self.beginResetModel()
        self._rows = [p[1] for p in pairs]
        self.endResetModel()

    def row_where(self, predicate: Callable[[R], bool]) -> int:
        """The shown row number of the first row matching ``predicate``, or -1 (one pass, no Qt calls)."""
        return next((i for i, r in enumerate(self._rows) if predicate(r)), -1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)):
            return
        col = self.columns[column]
        key: Callable[[Any], Any] = col.sort_key or col.value
        reverse = order == Qt.SortOrder.DescendingOrder
        self._all.sort(key=lambda p: _none_last(key(p[1])), reverse=reverse)
        # The filtered lists keep their rows and take the full list's new order: no key or predicate runs again.
        self._base = self._all if self._predicate is None else _in_order(self._all, self._base)
        self._visible = _in_order(self._base, self._visible)
        self.layoutAboutToBeChanged.emit()
        old = [(ix, self._rows[ix.row()]) for ix in self.persistentIndexList() if ix.isValid()]
        self._rows = [p[1] for p in self._visible]
        if old:
            position = {id(r): i for i, r in enumerate(self._rows)}
            for ix, row in old:
                self.changePersistentIndex(ix, self.index(position[id(row)], ix.column()))
        self.layoutChanged.emit()


def _in_order(ordered: list[tuple[str, R]], subset: list[tuple[str, R]]) -> list[tuple[str, R]]:
    """The rows of ``subset`` (all of them found in ``ordered``) in the order of ``ordered``."""
    if len(subset) == len(ordered):
        return list(ordered)
    members = {id(p) for p in subset}
    return [p for p in ordered if id(p) in members]

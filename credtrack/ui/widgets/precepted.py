"""The person's Precepted tab: the sign-offs they gave as assessor, with counts by learner profession."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from credtrack.ui import style
from credtrack.ui.models.precepting import PreceptedCountsTableModel, PreceptedTableModel
from credtrack.ui.table import TableProxy, make_table

NOT_YOURS = "You may see only your own precepting record; educators and administrators see anyone's."


class PreceptedPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("")
        self.summary.setObjectName("precepted_summary")
        self.summary.setWordWrap(True)
        self.note = QLabel("")
        self.note.setObjectName("precepted_note")
        self.note.setWordWrap(True)
        style.set_role(self.note, "subtitle")
        self.counts = PreceptedCountsTableModel(self)
        self.sign_offs = PreceptedTableModel(self)
        self.counts_view = make_table(TableProxy(self.counts, self), "Sign-offs given by learner profession")
        self.sign_offs_view = make_table(TableProxy(self.sign_offs, self), "Sign-offs given")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.counts_view)
        split.addWidget(self.sign_offs_view)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addWidget(split, 1)
        self.record: Any = None

    def show_record(self, record: Any) -> None:
        """``record`` is a ``services.precepting.PreceptedRecord``, or None when the user may not see it."""
        self.record = record
        if record is None:
            self.summary.setText("")
            self.note.setText(NOT_YOURS)
            self.note.setVisible(True)
            self.counts.set_rows([])
            self.sign_offs.set_rows([])
            return
        self.note.setText(record.note)
        self.note.setVisible(bool(record.note))
        if record.sign_offs:
            own = record.profession or "no profession recorded"
            self.summary.setText(
                f"{record.counted} standing sign-off{'s' if record.counted != 1 else ''} given to learners of "
                f"{record.professions_counted} profession{'s' if record.professions_counted != 1 else ''} other "
                f"than their own ({own}); {len(record.sign_offs)} given in all, voided ones included."
            )
        else:
            self.summary.setText("")
        self.counts.set_rows(record.by_profession)
        self.sign_offs.set_rows(record.sign_offs)

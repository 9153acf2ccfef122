"""The Improvement work tab of a person's page: their QI projects, safety event reviews, huddles led and
teach-backs, with what may be done to the selected one (confirm, void, attach a file, open a file)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from credtrack.ui.models.improvement import ImprovementTableModel
from credtrack.ui.table import TableProxy, make_table, selected_row


class ImprovementTab(QWidget):
    record_requested = Signal()
    confirm_requested = Signal(object)  # the selected WorkRow
    void_requested = Signal(object)
    attach_requested = Signal(object)
    open_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ImprovementTableModel(self)
        self.view = make_table(TableProxy(self.model, self), "Improvement work")
        self.record_button = QPushButton("Record work…")
        self.record_button.setToolTip(
            "Record a QI project, safety event review, huddle led or teach-back with its team."
        )
        self.confirm_button = QPushButton("Confirm…")
        self.confirm_button.setToolTip("As the supervisor, confirm the selected work; you sign with your password.")
        self.void_button = QPushButton("Void…")
        self.void_button.setToolTip("Void wrong work with a reason; it stays in history.")
        self.attach_button = QPushButton("Attach file…")
        self.attach_button.setToolTip("Attach a poster, report or action plan; it is kept in the data folder.")
        self.open_button = QPushButton("Open file…")
        self.open_button.setToolTip("Open an attached file after checking it is the file that was attached.")
        for button, name, signal in (
            (self.confirm_button, "Confirm the selected improvement work", self.confirm_requested),
            (self.void_button, "Void the selected improvement work", self.void_requested),
            (self.attach_button, "Attach a file to the selected improvement work", self.attach_requested),
            (self.open_button, "Open a file attached to the selected improvement work", self.open_requested),
        ):
            button.setAccessibleName(name)
            button.clicked.connect(lambda _checked=False, s=signal: self._request(s))
        self.record_button.setAccessibleName("Record improvement work of this person")
        self.record_button.clicked.connect(lambda: self.record_requested.emit())
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        bar = QHBoxLayout()
        bar.addStretch(1)
        for button in (self.open_button, self.attach_button, self.record_button, self.confirm_button, self.void_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.set_allowed(set())

    def set_allowed(self, actions: set[str]) -> None:
        """Which of "record", "confirm", "void" and "attach" the signed-in user may do; the rest stay hidden."""
        self.record_button.setVisible("record" in actions)
        self.confirm_button.setVisible("confirm" in actions)
        self.void_button.setVisible("void" in actions)
        self.attach_button.setVisible("attach" in actions)
        self.update_buttons()

    def set_rows(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        self.update_buttons()

    def selected(self) -> Any:
        return selected_row(self.view)

    def _request(self, signal: Any) -> None:
        row = self.selected()
        if row is not None:
            signal.emit(row)

    def update_buttons(self) -> None:
        row = self.selected()
        live = row is not None and not row.voided
        self.confirm_button.setEnabled(live and row.confirmed_at is None)
        self.void_button.setEnabled(live)
        self.attach_button.setEnabled(live)
        self.open_button.setEnabled(row is not None and bool(row.attachments))

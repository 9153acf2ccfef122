"""The choices a report takes — cohort, credential, framework, days, onboarding, as-of date, period — showing only
its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from credtrack.reports.coverage import DEFAULT_FRAMEWORK
from credtrack.reports.service import OPTIONS, ReportOptions
from credtrack.reports.unit_scope import DEFAULT_DAYS

WITHIN_DAYS = (90, 60, 30, 7)


def _date_edit(name: str, day: QDate) -> QDateEdit:
    edit = QDateEdit()
    edit.setAccessibleName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(day)
    return edit


def _day(edit: QDateEdit) -> dt.date:
    return dt.date.fromisoformat(edit.date().toString("yyyy-MM-dd"))


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setMinimumContentsLength(14)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


def _refill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
    """Replace the items, keeping the current choice when it is still there, without announcing a change."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class ReportOptionsBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cohort = _combo("Cohort")
        self.credential = _combo("Credential")
        self.framework = _combo("Framework")
        self.within = _combo("Expiring within")
        for days in WITHIN_DAYS:
            self.within.addItem(f"{days} days", days)
        self.within.setMinimumContentsLength(8)
        self.onboarding = _combo("Onboarding credential")
        self.onboarding.setToolTip("Which credential counts as having completed onboarding.")
        self.today = _date_edit("As of", QDate.currentDate())
        # The period of the reports by unit: as when none is given, the year up to today to start with.
        self.since = _date_edit("Period from", QDate.currentDate().addDays(-DEFAULT_DAYS))
        self.until = _date_edit("Period to", QDate.currentDate())
        self.fill([], [], [])
        self.fields: dict[str, QWidget] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for option, text, widget in (
            ("cohort", "&Cohort", self.cohort),
            ("credential", "Cre&dential", self.credential),
            ("framework", "Fra&mework", self.framework),
            ("within", "&Within", self.within),
            ("onboarding_credentials", "&Onboarding", self.onboarding),
            ("today", "&As of", self.today),
            ("since", "&Period from", self.since),
            ("until", "&to", self.until),
        ):
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 8, 0)
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
            layout.addWidget(box)
            self.fields[option] = box
        layout.addStretch(1)
        for combo in (self.cohort, self.credential, self.framework, self.within, self.onboarding):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for edit in (self.today, self.since, self.until):
            edit.dateChanged.connect(lambda _d: self.changed.emit())

    def inputs(self) -> list[QWidget]:
        """The fields in the order they are laid out (hidden ones are skipped by Tab)."""
        return [
            self.cohort,
            self.credential,
            self.framework,
            self.within,
            self.onboarding,
            self.today,
            self.since,
            self.until,
        ]

    def fill(self, cohorts: list[Any], credentials: list[Any], frameworks: list[Any]) -> None:
        _refill(self.cohort, [("All cohorts", None), *((f"{c.name} ({c.code})", c.code) for c in cohorts)])
        _refill(self.credential, [("All credentials", None), *((f"{c.title} ({c.code})", c.code) for c in credentials)])
        _refill(self.onboarding, [("Any credential", None), *((f"{c.title} ({c.code})", c.code) for c in credentials)])
        items = [(f"{f.name} ({f.code})", f.code) for f in frameworks] or [(DEFAULT_FRAMEWORK, DEFAULT_FRAMEWORK)]
        _refill(self.framework, items)  # starts on the default framework, kept while it exists

    def show_for(self, report: str) -> None:
        """Show only the options ``report`` reads."""

        wanted = OPTIONS.get(report, frozenset())
        for option, box in self.fields.items():
            box.setVisible(option in wanted)

    def options(self) -> Any:
        onboarding = self.onboarding.currentData()
        return ReportOptions(
            today=_day(self.today),
            cohort=self.cohort.currentData(),
            credential=self.credential.currentData(),
            framework=self.framework.currentData() or DEFAULT_FRAMEWORK,
            within=self.within.currentData() or 90,
            onboarding_credentials=(onboarding,) if onboarding else (),
            since=_day(self.since),
            until=_day(self.until),
        )

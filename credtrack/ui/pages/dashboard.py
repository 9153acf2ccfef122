"""Dashboard page: headline counts, completion by profession and cohort, IPEC coverage, expiries, activity, and
the units to support."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from credtrack.services.changes import Change
from credtrack.ui import dashboard_data, style
from credtrack.ui.dashboard_data import DashboardFigures, UnitToSupport
from credtrack.ui.pages.base import Page
from credtrack.ui.widgets.charts import BarChart

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

EXPIRY_WINDOWS = (90, 60, 30, 7)


def load_figures(ctx: AppContext) -> DashboardFigures:
    """Gather the dashboard's figures from the services (runs on a worker)."""
    return dashboard_data.collect(ctx)


class FigureCard(QWidget):
    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame = style.card(self)
        self.value = QLabel("—")
        style.set_role(self.value, "figure")
        self.label = QLabel(label)
        style.set_role(self.label, "subtitle")
        self.label.setWordWrap(True)
        inner = QVBoxLayout(frame)
        inner.addWidget(self.value)
        inner.addWidget(self.label)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

    def set(self, label: str, value: int, tone: str | None = None) -> None:
        self.label.setText(label)
        self.value.setText(f"{value:,}")
        style.colour(self.value, tone)
        self.setAccessibleName(f"{label}: {value}")


class DashboardPage(Page):
    title = "Dashboard"
    action = "reports.read"
    watches = Change.PEOPLE | Change.RECORDS | Change.CERTIFICATES | Change.COHORTS | Change.CATALOG

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.cards = [FigureCard("") for _ in range(4)]
        cards = QHBoxLayout()
        for card in self.cards:
            cards.addWidget(card)
        self.by_profession = BarChart("Current cohorts: credentials done, by profession", "#1f5fa8", percent=True)
        self.by_cohort = BarChart("Most recent cohorts: credentials done", "#6a4c93", percent=True)
        self.coverage = BarChart("Competency domain coverage (passing sign-offs)", "#1b7f3b")
        self.expiry_cards = {days: FigureCard(f"expiring within {days} days") for days in EXPIRY_WINDOWS}
        expiring = QHBoxLayout()
        for card in self.expiry_cards.values():
            expiring.addWidget(card)
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent activity")
        self.recent.setMinimumHeight(200)
        self.units_title = style.bold(QLabel("Units to support"))
        self.units = QListWidget()
        self.units.setAccessibleName("Units to support")
        self.units.setToolTip(
            "Units ranked on onboarding completion, time to credential, sign-offs by other professions, ratings "
            "from 2 or more sources and retention at 1 year; the Reports page has the full table."
        )
        self.units.setMinimumHeight(110)
        self.units.setMaximumHeight(150)  # five lines: the panel names the top units, the report has the rest

        grid = QGridLayout()
        grid.addWidget(self.by_profession, 0, 0)
        grid.addWidget(self.by_cohort, 0, 1)
        grid.addWidget(self.coverage, 1, 0)
        right = QVBoxLayout()
        right.addWidget(style.bold(QLabel("Certificates expiring")))
        right.addLayout(expiring)
        right.addWidget(style.bold(QLabel("Recent activity")))
        right.addWidget(self.recent, 1)
        grid.addLayout(right, 1, 1)
        panel = QVBoxLayout()
        panel.addWidget(self.units_title)
        panel.addWidget(self.units)
        grid.addLayout(panel, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        body = QWidget()
        column = QVBoxLayout(body)
        self.subtitle = style.subtitle("")
        column.addWidget(style.title(self.title))
        column.addWidget(self.subtitle)
        column.addLayout(cards)
        column.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setAccessibleName("Dashboard figures")
        self.set_tab_order(scroll, self.recent, self.units)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def reload(self) -> None:
        ctx = self.ctx
        self.subtitle.setText("Loading…")
        ctx.run(lambda _c: load_figures(ctx), self.show_figures, parent=self)
        # A panel of its own: ranking the units reads everyone's evidence, and the figures above need not wait.
        self.units.clear()
        self.units.addItem("Loading…")
        ctx.run(lambda _c: dashboard_data.units_to_support(ctx), self.show_units, parent=self)

    def show_units(self, ranked: tuple[str, list[UnitToSupport]]) -> None:
        period, units = ranked
        self.units_title.setText(f"Units to support, {period}")
        self.units.clear()
        for n, unit in enumerate(units, start=1):
            self.units.addItem(
                f"{n}. {unit.unit} ({unit.people:,} people) — score {unit.score:g}; weakest: {unit.weakest}"
            )
        if not units:
            self.units.addItem("No one was in a unit over the last year.")

    def show_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        self.subtitle.setText(f"As of {dt.date.today():%A %d %B %Y}")
        for card, (label, value) in zip(self.cards, figures.headline, strict=False):
            card.set(label, value)
        self.by_profession.set_data(figures.by_profession)
        self.by_cohort.set_data(figures.by_cohort)
        self.coverage.set_data(figures.domain_coverage)
        for days, card in self.expiry_cards.items():
            count = figures.expiring.get(days, 0)
            tone = style.BAD if days <= 7 and count else (style.WARN if days <= 30 and count else None)
            card.set(f"expiring within {days} days", count, tone)
        self.recent.clear()
        for when, text in figures.recent:
            self.recent.addItem(f"{when:%d %b %H:%M}   {text}")
        if not figures.recent:
            self.recent.addItem("No activity yet.")
        self.recent.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

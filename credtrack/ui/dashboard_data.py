"""Turns the dashboard service's summary and the latest audit events into what the page draws."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from credtrack.reports import achieved_refresh
from credtrack.reports.service import ReportOptions, run_report
from credtrack.reports.unit_support import MEASURES
from credtrack.services import dashboard_queries
from credtrack.services.audit import queries as audit_queries

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


def _short(name: str, limit: int = 34) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


@dataclass
class DashboardFigures:
    """Everything the dashboard shows, as plain values."""

    headline: list[tuple[str, int]] = field(default_factory=list)
    by_profession: list[tuple[str, float]] = field(default_factory=list)
    by_cohort: list[tuple[str, float]] = field(default_factory=list)
    domain_coverage: list[tuple[str, float]] = field(default_factory=list)
    expiring: dict[int, int] = field(default_factory=dict)
    recent: list[tuple[dt.datetime, str]] = field(default_factory=list)


def collect(ctx: AppContext) -> DashboardFigures:
    s = dashboard_queries.dashboard_summary(ctx.uow(), ctx.actor)
    recent = []
    if ctx.can("audit.read"):
        for event in audit_queries.list_events(ctx.uow(), ctx.actor, limit=40):
            if event.action in ("user.login", "user.login_failed"):
                continue
            recent.append(
                (
                    event.occurred_at,
                    f"{event.actor}: {event.action.replace('.', ' ').replace('_', ' ')} ({event.entity})",
                )
            )
            if len(recent) == 12:
                break
    return DashboardFigures(
        headline=[
            ("active people", s.active_people),
            ("certificates issued this month", s.earned_this_month),
            ("valid certificates", s.valid_certificates),
            ("sign-offs in the last 30 days", s.signoffs_30_days),
        ],
        by_profession=[(_short(n), v) for n, v in s.by_profession],
        by_cohort=[(_short(n), v) for n, v in s.by_cohort],
        domain_coverage=[(_short(n), float(v)) for n, v in s.domain_coverage],
        expiring=s.expiring,
        recent=recent,
    )


@dataclass(frozen=True)
class UnitToSupport:
    """One line of the dashboard's units-to-support panel."""

    unit: str
    people: int
    score: float
    weakest: str  # the measure the unit ranks lowest on, with its figure


def _figure(column: str, value: object) -> str:
    if value is None:
        return "no figure"
    if column.startswith("median_days"):
        return f"{float(value):g} days"  # type: ignore[arg-type]
    return f"{float(value) * 100:.0f} %"  # type: ignore[arg-type]


def units_to_support(ctx: AppContext, top: int = 5) -> tuple[str, list[UnitToSupport]]:
    """The ``top`` units the units-to-support report lists first over the year up to today, each with its
    weakest measure, and the period they were ranked over (runs on a worker)."""
    options = ReportOptions()
    achieved_refresh.keep_in_step(ctx.uow())  # the first days the ranking reads, in step with today's records
    table = run_report(ctx.uow(), ctx.actor, "units-to-support", options)
    columns = {m.label: m.column for m in MEASURES}
    out = []
    for row in table.rows[:top]:
        named = dict(zip(table.columns, row, strict=True))
        weakest = str(named["weakest_measure"])
        column = columns.get(weakest, "")
        out.append(
            UnitToSupport(
                str(named["unit"]),
                int(named["people"]),
                float(named["support_score"]),
                f"{weakest} ({_figure(column, named.get(column))})",
            )
        )
    return options.period().describe(), out

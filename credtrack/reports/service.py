"""Running a named report for the acting user: permission check, one read-only transaction, plain rows back.

A report that reads everyone looks at its ``check`` between passes and every few thousand rows, so the
person waiting can cancel it: ``check()`` raises, and the exception leaves ``run_report`` as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import CredtrackError
from credtrack.reports import compliance, coverage, metrics, unit_qi_teams, unit_reports, unit_support
from credtrack.reports.tables import ReportTable
from credtrack.reports.unit_scope import Period, UnitScope
from credtrack.services.common import Check, collection_paused, no_check
from credtrack.services.permissions import Actor, require


@dataclass(frozen=True)
class ReportOptions:
    today: dt.date | None = None
    cohort: str | None = None
    credential: str | None = None
    framework: str = coverage.DEFAULT_FRAMEWORK
    within: int = 90
    onboarding_credentials: tuple[str, ...] = ()
    since: dt.date | None = None  # the period of the reports by unit (default: the year up to ``until``)
    until: dt.date | None = None  # default: today (not ``today``, which only the reports offering it read)

    def now(self) -> dt.date:
        return self.today or dt.date.today()

    def period(self) -> Period:
        return Period.of(self.since, self.until, dt.date.today())


Runner = Callable[[Session, ReportOptions, Check], ReportTable]


def _by_unit(report: Callable[[UnitScope], ReportTable]) -> Runner:
    """A report by unit run over the options' period, onboarding credentials and check."""

    def run(session: Session, options: ReportOptions, check: Check) -> ReportTable:
        return report(UnitScope(session, options.period(), options.onboarding_credentials, check))

    return run


# The reports that ask when people first achieved credentials (``achievement.Achievements``): they are
# quicker with the first-achievement days projection in step (``achieved_refresh.keep_in_step``).
READS_FIRST_DAYS = frozenset(
    {
        "completion-by-profession",
        "completion-by-cohort",
        "completion-by-unit",
        "retention",
        "unit-completion",
        "unit-retention",
        "units-to-support",
    }
)

REPORTS: dict[str, tuple[str, Runner]] = {
    "completion-by-profession": (
        "Completion and time to credential by profession",
        lambda s, o, c: metrics.completion(s, "profession", c),
    ),
    "completion-by-cohort": (
        "Completion and time to credential by cohort",
        lambda s, o, c: metrics.completion(s, "cohort", c),
    ),
    "completion-by-unit": (
        "Completion and time to credential by unit",
        lambda s, o, c: metrics.completion(s, "unit", c),
    ),
    "domain-coverage-person": (
        "IPEC domain coverage per person",
        lambda s, o, c: coverage.person_coverage(s, o.framework, o.cohort, c),
    ),
    "domain-coverage-cohort": (
        "IPEC domain coverage per cohort, with under-assessed domains",
        lambda s, o, c: coverage.cohort_coverage(s, o.framework),
    ),
    "interprofessionality": (
        "Distinct assessor professions per learner",
        lambda s, o, c: metrics.interprofessionality(s),
    ),
    "interprofessionality-summary": (
        "Distinct assessor professions by learner profession",
        lambda s, o, c: metrics.interprofessionality_summary(s),
    ),
    "retention": (
        "Retention at 90 days and 1 year, with and without onboarding",
        lambda s, o, c: metrics.retention(s, o.now(), list(o.onboarding_credentials) or None, check=c),
    ),
    "unit-completion": (
        "Units: onboarding completion and median days to credential",
        _by_unit(unit_reports.completion_report),
    ),
    "unit-assessor-mix": (
        "Units: interprofessional mix of assessors",
        _by_unit(unit_reports.assessor_mix_report),
    ),
    "unit-rating-coverage": (
        "Units: multi-source rating coverage",
        _by_unit(unit_reports.rating_coverage_report),
    ),
    "unit-qi-teams": (
        "Units: interprofessional mix of QI teams",
        _by_unit(unit_qi_teams.qi_teams_report),
    ),
    "unit-retention": (
        "Units: retention at 90 days and 1 year by onboarding status",
        _by_unit(unit_reports.retention_report),
    ),
    "units-to-support": (
        "Units to support, ranked on the unit measures",
        _by_unit(unit_support.units_to_support),
    ),
    "compliance": (
        "People × requirements: met, missing, expired",
        lambda s, o, c: compliance.compliance_matrix(s, o.now(), o.cohort, o.credential, c),
    ),
    "expiring": (
        "Credentials expiring within 90/60/30/7 days",
        lambda s, o, c: compliance.expiring(s, o.now(), o.within, o.cohort, c),
    ),
}


# The options each report reads (others are ignored), so a screen offers only those.
OPTIONS: dict[str, frozenset[str]] = {
    "domain-coverage-person": frozenset({"framework", "cohort"}),
    "domain-coverage-cohort": frozenset({"framework"}),
    "retention": frozenset({"today", "onboarding_credentials"}),
    "compliance": frozenset({"today", "cohort", "credential"}),
    "expiring": frozenset({"today", "within", "cohort"}),
    **{
        name: frozenset({"since", "until", "onboarding_credentials"})
        for name in ("unit-completion", "unit-retention", "units-to-support")
    },
    "unit-assessor-mix": frozenset({"since", "until"}),
    "unit-rating-coverage": frozenset({"since", "until"}),
    "unit-qi-teams": frozenset({"since", "until"}),
}


def run_report(
    uow: UnitOfWork, actor: Actor, name: str, options: ReportOptions | None = None, check: Check = no_check
) -> ReportTable:
    require(actor, "reports.read")
    if name not in REPORTS:
        raise CredtrackError(f"Unknown report {name!r}; choose one of: {', '.join(REPORTS)}.")
    check()  # cancelled before it began (a newer run, or the person, got there first)
    # A report makes hundreds of thousands of small tuples, sets and lists, none in a cycle: the collector's
    # passes over them find nothing to free. On the records bench (2026-12-07) units-to-support took 2.1-2.3 s
    # with them and 1.5-1.6 s without; what cycles a report leaves are collected once it is done.
    with uow, collection_paused():
        return REPORTS[name][1](uow.session, options or ReportOptions(), check)

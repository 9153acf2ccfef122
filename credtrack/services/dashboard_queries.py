"""Figures for the dashboard: headline counts, progress by profession and cohort, IPEC coverage, expiries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.models import (
    Assessment,
    Certificate,
    Cohort,
    Competency,
    CompetencyDomain,
    Completion,
    Enrolment,
    Framework,
    Person,
    Profession,
    ScaleLevel,
)
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress.bulk import compute_bulk
from credtrack.services.progress.stored import sign_off_counts

DONE = frozenset({"earned", "eligible", "expiring_soon"})
EXPIRY_WINDOWS = (90, 60, 30, 7)
MAX_BARS = 8  # more bars than this no longer read at a glance


@dataclass(frozen=True)
class DashboardSummary:
    active_people: int
    earned_this_month: int
    valid_certificates: int
    signoffs_30_days: int
    completions_30_days: int
    by_profession: list[tuple[str, float]] = field(default_factory=list)  # current cohorts: % credentials done
    by_cohort: list[tuple[str, float]] = field(default_factory=list)
    domain_coverage: list[tuple[str, int]] = field(default_factory=list)  # passing sign-offs per domain
    expiring: dict[int, int] = field(default_factory=dict)  # window in days -> valid certificates expiring


def _domain_coverage(session: Session, framework_code: str | None) -> list[tuple[str, str, int]]:
    """(code, name, passing sign-offs) for each competency domain that has competencies, in order.

    Counted from the packed evidence rows: one pass over everyone's sign-offs, where
    joining the sign-off table to competencies and levels would scan it all in SQL.
    """
    passing = set(session.scalars(select(ScaleLevel.id).where(ScaleLevel.passing.is_(True))))
    competencies = (
        select(CompetencyDomain.code, CompetencyDomain.name, Competency.id)
        .join(Framework, Framework.id == CompetencyDomain.framework_id)
        .join(Competency, Competency.domain_id == CompetencyDomain.id)
        .order_by(Framework.id, CompetencyDomain.sort_order, CompetencyDomain.code)  # the first framework first
    )
    if framework_code:
        competencies = competencies.where(Framework.code == framework_code)
    per_competency: Counter[int] = Counter()
    for (competency, level), n in sign_off_counts(session).items():
        if level in passing:
            per_competency[competency] += n
    domains: dict[tuple[str, str], int] = {}  # frameworks sharing a domain's code and name count together
    for code, name, competency in session.execute(competencies):
        domains[(code, name)] = domains.get((code, name), 0) + per_competency[competency]
    return [(code, name, n) for (code, name), n in domains.items()]


def _percent(done: int, total: int) -> float:
    return round(100.0 * done / total, 1) if total else 0.0


def dashboard_summary(
    uow: UnitOfWork, actor: Actor, *, today: dt.date | None = None, framework_code: str | None = None
) -> DashboardSummary:
    """``framework_code`` limits domain coverage to one framework; by default every framework counts."""
    day = today or _today()
    month_start = day.replace(day=1)
    since = day - dt.timedelta(days=30)
    with uow:
        require(actor, "reports.read")
        s = uow.session
        count = lambda stmt: s.scalar(stmt) or 0  # noqa: E731
        active = count(select(func.count()).select_from(Person).where(Person.status == "active"))
        earned = count(select(func.count()).select_from(Certificate).where(Certificate.issued_on >= month_start))
        valid = count(select(func.count()).select_from(Certificate).where(Certificate.status == "valid"))
        signoffs = count(
            select(func.count())
            .select_from(Assessment)
            .where(
                Assessment.assessed_on >= since, Assessment.voided_at.is_(None), Assessment.verification != "pending"
            )
        )
        completions = count(
            select(func.count())
            .select_from(Completion)
            .where(Completion.completed_on >= since, Completion.voided_at.is_(None))
        )
        expiring = {
            days: count(
                select(func.count())
                .select_from(Certificate)
                .where(
                    Certificate.status == "valid",
                    Certificate.expires_on >= day,
                    Certificate.expires_on <= day + dt.timedelta(days=days),
                )
            )
            for days in EXPIRY_WINDOWS
        }

        # Progress is shown for the current intake (the most recent cohorts), which keeps the
        # dashboard quick on a database of 100,000 people and is what an educator acts on.
        recent = s.execute(
            select(Cohort.id, Cohort.name).order_by(Cohort.start_date.desc(), Cohort.id.desc()).limit(MAX_BARS)
        ).all()
        cohort_name = dict(recent)
        cohorts_of: dict[int, list[str]] = defaultdict(list)
        for person_id, cohort_id in s.execute(
            select(Enrolment.person_id, Enrolment.cohort_id).where(
                Enrolment.cohort_id.in_(list(cohort_name) or [-1]), Enrolment.status != "withdrawn"
            )
        ):
            cohorts_of[person_id].append(cohort_name[cohort_id])
        people = list(cohorts_of)
        progress = compute_bulk(s, day, person_ids=people) if people else []
        profession_of = dict(
            s.execute(
                select(Person.id, Profession.name)
                .join(Profession, Profession.id == Person.profession_id)
                .where(Person.id.in_(people or [-1]))
            ).all()
        )
        prof_total: Counter[str] = Counter()
        prof_done: Counter[str] = Counter()
        cohort_total: Counter[str] = Counter()
        cohort_done: Counter[str] = Counter()
        for row in progress:
            done = row.status in DONE
            profession = profession_of.get(row.person_id, "No profession")
            prof_total[profession] += 1
            prof_done[profession] += done
            for cohort in cohorts_of.get(row.person_id, ()):
                cohort_total[cohort] += 1
                cohort_done[cohort] += done
        largest = sorted(prof_total, key=lambda p: -prof_total[p])
        by_profession = [(p, _percent(prof_done[p], prof_total[p])) for p in largest[: MAX_BARS - 1]]
        if len(largest) >= MAX_BARS:
            rest = largest[MAX_BARS - 1 :]
            by_profession.append(
                (
                    f"{len(rest)} other professions",
                    _percent(sum(prof_done[p] for p in rest), sum(prof_total[p] for p in rest)),
                )
            )
        by_cohort = [
            (name, _percent(cohort_done[name], cohort_total[name])) for _id, name in recent if cohort_total[name]
        ]

        coverage = _domain_coverage(s, framework_code)
        return DashboardSummary(
            active_people=active,
            earned_this_month=earned,
            valid_certificates=valid,
            signoffs_30_days=signoffs,
            completions_30_days=completions,
            by_profession=by_profession,
            by_cohort=by_cohort,
            domain_coverage=[(f"{code} {name}", n) for code, name, n in coverage],
            expiring=expiring,
        )

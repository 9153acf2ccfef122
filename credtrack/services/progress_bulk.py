"""Credential progress for many people at once, computed with a few set-based SQL queries.

The rules are those of ``progress_rules`` (the per-person form in ``progress`` uses the same
ones, and a test holds the two forms equal). Pairs of person and credential with no
enrolment, evidence or certificate are "not started" and are not listed unless a cohort asks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Date, Select, and_, case, distinct, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from credtrack.db import UnitOfWork
from credtrack.models import (
    Assessment,
    Certificate,
    CohortCredential,
    Completion,
    Credential,
    CredentialRequirement,
    Enrolment,
    Module,
    ScaleLevel,
)
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress import cohort_scope
from credtrack.services.progress_rules import STATUSES, earliest_cutoff, overall_status, valid_until


@dataclass(frozen=True)
class ProgressSummary:
    person_id: int
    credential_id: int
    status: str
    met: int
    total: int
    renewal_date: dt.date | None
    expiring_band: int | None


def _in(column, ids: list[int] | None):
    return column.in_(ids) if ids is not None else literal(True)


def compute_bulk(
    session: Session,
    today: dt.date,
    *,
    person_ids: list[int] | None = None,
    credential_ids: list[int] | None = None,
    include_assigned: bool = True,
) -> list[ProgressSummary]:
    R = CredentialRequirement
    MinLevel = aliased(ScaleLevel)
    Level = aliased(ScaleLevel)

    creds = session.execute(select(Credential.id, Credential.min_assessor_professions)
                            .where(_in(Credential.id, credential_ids))).all()
    min_prof = {cid: m for cid, m in creds}
    totals = Counter(cid for (cid,) in session.execute(
        select(R.credential_id).where(_in(R.credential_id, credential_ids))))
    recurring = dict(session.execute(select(Module.id, Module.validity_months)
                                     .where(Module.validity_months.is_not(None))).all())
    cutoff = case({mid: literal(earliest_cutoff(v, today), Date) for mid, v in recurring.items()},
                  value=R.module_id, else_=None) if recurring else literal(None, Date)

    done = (select(Completion.person_id, Completion.module_id, func.max(Completion.completed_on).label("last_on"))
            .where(Completion.voided_at.is_(None), Completion.verification != "pending",
                   _in(Completion.person_id, person_ids))
            .group_by(Completion.person_id, Completion.module_id).subquery("done"))
    is_current = case((cutoff.is_(None), 1), (done.c.last_on >= cutoff, 1), else_=0)
    module_part = (select(done.c.person_id, R.credential_id, is_current.label("met"), (1 - is_current).label("lapsed"),
                          literal(1).label("touched"))
                   .join(R, R.module_id == done.c.module_id).where(_in(R.credential_id, credential_ids)))

    best = (select(Assessment.person_id, Assessment.competency_id, Assessment.scale_id, func.max(Level.rank).label("best"))
            .join(Level, Level.id == Assessment.level_id)
            .where(Assessment.voided_at.is_(None), _in(Assessment.person_id, person_ids))
            .group_by(Assessment.person_id, Assessment.competency_id, Assessment.scale_id).subquery("best"))
    reaches = case((best.c.best >= MinLevel.rank, 1), else_=0)
    competency_part = (select(best.c.person_id, R.credential_id, reaches.label("met"), literal(0).label("lapsed"),
                              literal(1).label("touched"))
                       .join(R, and_(R.competency_id == best.c.competency_id, R.scale_id == best.c.scale_id))
                       .join(MinLevel, MinLevel.id == R.min_level_id).where(_in(R.credential_id, credential_ids)))
    parts = union_all(module_part, competency_part).subquery("parts")
    counts: dict[tuple[int, int], tuple[int, int]] = {
        (p, c): (int(m), int(lapsed)) for p, c, m, lapsed in session.execute(
            select(parts.c.person_id, parts.c.credential_id, func.sum(parts.c.met), func.sum(parts.c.lapsed))
            .group_by(parts.c.person_id, parts.c.credential_id))
    }

    professions: dict[tuple[int, int], int] = {}
    with_min = [cid for cid, m in min_prof.items() if m]
    if with_min:
        stmt = (select(Assessment.person_id, R.credential_id, func.count(distinct(Assessment.assessor_profession_id)))
                .join(R, and_(R.competency_id == Assessment.competency_id, R.scale_id == Assessment.scale_id))
                .join(Level, Level.id == Assessment.level_id).join(MinLevel, MinLevel.id == R.min_level_id)
                .where(Assessment.voided_at.is_(None), Level.rank >= MinLevel.rank, R.credential_id.in_(with_min),
                       _in(Assessment.person_id, person_ids))
                .group_by(Assessment.person_id, R.credential_id))
        professions = {(p, c): n for p, c, n in session.execute(stmt)}

    certs: dict[tuple[int, int], dt.date | None] = {}
    for p, c, expires in session.execute(
        select(Certificate.person_id, Certificate.credential_id, Certificate.expires_on)
        .where(Certificate.status == "valid", _in(Certificate.person_id, person_ids),
               _in(Certificate.credential_id, credential_ids))
        .order_by(Certificate.issued_on, Certificate.id)
    ):
        certs[(p, c)] = expires  # the latest issue wins

    pairs = set(counts) | set(certs)
    if include_assigned:
        assigned: Select = (select(Enrolment.person_id, CohortCredential.credential_id)
                            .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
                            .where(Enrolment.status != "withdrawn", _in(Enrolment.person_id, person_ids),
                                   _in(CohortCredential.credential_id, credential_ids)))
        pairs |= set(session.execute(assigned).tuples())

    expiry = _requirement_expiry(session, today, counts, totals, recurring, person_ids, credential_ids)
    result = []
    for p, c in pairs:
        if c not in min_prof:
            continue
        met, lapsed = counts.get((p, c), (0, 0))
        need = min_prof[c]
        status, renewal, band = overall_status(
            met=met, total=totals.get(c, 0), lapsed=lapsed, any_evidence=(p, c) in counts or (p, c) in certs,
            professions_ok=not need or professions.get((p, c), 0) >= need,
            certificate_expires=certs.get((p, c)), has_certificate=(p, c) in certs,
            requirement_expiry=expiry.get((p, c)), today=today,
        )
        result.append(ProgressSummary(p, c, status, met, totals.get(c, 0), renewal, band))
    return result


def _requirement_expiry(session, today, counts, totals, recurring, person_ids, credential_ids):
    """For pairs with every requirement met: when the first recurring module lapses."""
    complete = {pc for pc, (met, _lapsed) in counts.items() if met >= totals.get(pc[1], 0) > 0}
    if not complete or not recurring:
        return {}
    R = CredentialRequirement
    modules_of: dict[int, list[int]] = defaultdict(list)
    for cid, mid in session.execute(select(R.credential_id, R.module_id).where(
            R.module_id.in_(list(recurring)), _in(R.credential_id, credential_ids))):
        modules_of[cid].append(mid)
    if not any(modules_of.get(c) for _p, c in complete):
        return {}
    stmt = (select(Completion.person_id, Completion.module_id, func.max(Completion.completed_on))
            .where(Completion.voided_at.is_(None), Completion.verification != "pending",
                   Completion.module_id.in_(list(recurring)), _in(Completion.person_id, person_ids))
            .group_by(Completion.person_id, Completion.module_id))
    last = {(p, m): on for p, m, on in session.execute(stmt)}
    result = {}
    for p, c in complete:
        dates = [valid_until(last[(p, m)], recurring[m]) for m in modules_of.get(c, []) if (p, m) in last]
        if dates:
            result[(p, c)] = min(d for d in dates if d is not None)
    return result


def bulk_progress(
    uow: UnitOfWork,
    actor: Actor,
    *,
    cohort_code: str | None = None,
    person_ids: list[int] | None = None,
    credential_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> list[ProgressSummary]:
    """Progress rows for a cohort (its people × its credentials), chosen people, or the whole database."""
    with uow:
        require(actor, "reports.read")
        if cohort_code:
            people, credentials = cohort_scope(uow.session, cohort_code)
            person_ids = people if person_ids is None else [p for p in person_ids if p in set(people)]
            credential_ids = credentials if credential_ids is None else credential_ids
            if not person_ids or not credential_ids:
                return []
        return compute_bulk(uow.session, today or _today(), person_ids=person_ids, credential_ids=credential_ids)


def status_counts(
    uow: UnitOfWork, actor: Actor, *, cohort_code: str | None = None, today: dt.date | None = None
) -> dict[int, dict[str, int]]:
    """For each credential id, how many people are in each status (the dashboard summary)."""
    rows = bulk_progress(uow, actor, cohort_code=cohort_code, today=today)
    summary: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for row in rows:
        summary[row.credential_id][row.status] += 1
    return dict(summary)

"""Credential progress for many people at once, computed with a few set-based SQL queries.

The rules are those of ``progress_rules`` (the per-person form in ``progress`` uses the same
ones, and a test holds the two forms equal). The bulk form covers the credentials people are
assigned through their cohorts and those they hold; the per-person form also shows credentials
someone has evidence towards without being assigned.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import (
    Date,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
    union,
)
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
    Person,
    ScaleLevel,
)
from credtrack.services.common import months_after
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress import cohort_scope
from credtrack.services.progress_rules import STATUSES, earliest_cutoff, overall_status


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
) -> list[ProgressSummary]:
    """Progress for every (person, credential) pair in scope.

    With both ``person_ids`` and ``credential_ids`` the caller names the pairs: every combination is
    answered, "not started" included. Otherwise the scope is the credentials people are assigned
    through a cohort and those they hold a certificate for.

    Each requirement of each pair is answered by an index lookup (the partial indexes on current
    completions and sign-offs cover them), then summed per pair in the database; only one row per
    pair comes back.
    """
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

    held = select(Certificate.person_id, Certificate.credential_id).where(
        Certificate.status == "valid", _in(Certificate.person_id, person_ids),
        _in(Certificate.credential_id, credential_ids))
    if person_ids is not None and credential_ids is not None:
        scope = (select(Person.id.label("person_id"), Credential.id.label("credential_id"))
                 .select_from(Person).join(Credential, true())  # every named pair
                 .where(Person.id.in_(person_ids), Credential.id.in_(credential_ids)).subquery("scope"))
    else:
        assigned = (select(Enrolment.person_id, CohortCredential.credential_id)
                    .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
                    .where(Enrolment.status != "withdrawn", _in(Enrolment.person_id, person_ids),
                           _in(CohortCredential.credential_id, credential_ids)))
        scope = union(assigned, held).subquery("scope")

    last_on = (select(func.max(Completion.completed_on))
               .where(Completion.person_id == scope.c.person_id, Completion.module_id == R.module_id,
                      Completion.voided_at.is_(None), Completion.verification != "pending")
               .scalar_subquery())
    best = (select(func.max(Level.rank)).select_from(Assessment).join(Level, Level.id == Assessment.level_id)
            .where(Assessment.person_id == scope.c.person_id, Assessment.competency_id == R.competency_id,
                   Assessment.scale_id == R.scale_id, Assessment.voided_at.is_(None))
            .scalar_subquery())
    cutoffs = {mid: earliest_cutoff(v, today) for mid, v in recurring.items()}
    cutoff = case({mid: literal(d, Date) for mid, d in cutoffs.items()}, value=R.module_id,
                  else_=None) if cutoffs else literal(None, Date)
    # Materialised so each lookup runs once per requirement, however often the sums below use it.
    per_req = (select(scope.c.person_id, scope.c.credential_id, R.kind, R.module_id,
                      case((R.kind == "module", last_on), else_=None).label("last_on"),
                      case((R.kind == "competency", best), else_=None).label("best"),
                      MinLevel.rank.label("need"), cutoff.label("cutoff"))
               .select_from(scope).join(R, R.credential_id == scope.c.credential_id)
               .outerjoin(MinLevel, MinLevel.id == R.min_level_id).cte("per_req").prefix_with("MATERIALIZED"))
    q = per_req.c
    cutoff = q.cutoff
    module_met = and_(q.kind == "module", q.last_on.is_not(None), or_(cutoff.is_(None), q.last_on >= cutoff))
    met = case((module_met, 1), (and_(q.kind == "competency", q.best >= q.need), 1), else_=0)
    lapsed = case((and_(q.kind == "module", q.last_on.is_not(None), cutoff.is_not(None), q.last_on < cutoff), 1),
                  else_=0)
    touched = case((or_(q.last_on.is_not(None), q.best.is_not(None)), 1), else_=0)
    # For the renewal date: the oldest current completion per validity period (months_after only
    # grows with the date, so the oldest one lapses first).
    periods = sorted(set(recurring.values()))
    oldest = [type_coerce(func.min(case((and_(module_met, q.module_id.in_(
        [m for m, v in recurring.items() if v == months])), q.last_on), else_=None)), Date).label(f"oldest_{months}")
        for months in periods]
    rows = session.execute(
        select(q.person_id, q.credential_id, func.sum(met), func.sum(lapsed), func.max(touched), *oldest)
        .group_by(q.person_id, q.credential_id)).all()

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
    for p, c, expires in session.execute(held.add_columns(Certificate.expires_on)
                                         .order_by(Certificate.issued_on, Certificate.id)):
        certs[(p, c)] = expires  # the latest issue wins

    result = []
    for p, c, met_n, lapsed_n, touched_n, *oldest_dates in rows:
        need = min_prof.get(c)
        renew = [months_after(d, months) for d, months in zip(oldest_dates, periods, strict=True) if d]
        status, renewal, band = overall_status(
            met=int(met_n or 0), total=totals.get(c, 0), lapsed=int(lapsed_n or 0),
            any_evidence=bool(touched_n) or (p, c) in certs,
            professions_ok=not need or professions.get((p, c), 0) >= need,
            certificate_expires=certs.get((p, c)), has_certificate=(p, c) in certs,
            requirement_expiry=min(renew) if renew else None, today=today,
        )
        result.append(ProgressSummary(p, c, status, int(met_n or 0), totals.get(c, 0), renewal, band))
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

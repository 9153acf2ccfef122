"""The compliance matrix (people × requirements: met, missing, expired) and the expiring list (90/60/30/7 days)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack.errors import NotFoundError
from credtrack.models import (
    Assessment,
    Cohort,
    CohortCredential,
    Competency,
    Completion,
    Credential,
    CredentialRequirement,
    Enrolment,
    Module,
    Person,
    Profession,
    ScaleLevel,
)
from credtrack.reports.tables import ReportTable
from credtrack.services.progress_bulk import compute_bulk
from credtrack.services.progress_rules import STATUS_LABELS, earliest_cutoff

MET, MISSING, EXPIRED = "met", "missing", "expired"


def _scope(session: Session, cohort_code: str | None, credential_code: str | None) -> tuple[list[int], list[int]]:
    """(person ids, credential ids): a cohort's members and credentials, or everyone assigned a credential."""
    cohort_id = None
    if cohort_code:
        cohort_id = session.scalar(select(Cohort.id).where(func.upper(Cohort.code) == cohort_code.upper()))
        if cohort_id is None:
            raise NotFoundError(f"No cohort with code {cohort_code!r}.")
    assigned = (select(Enrolment.person_id, CohortCredential.credential_id)
                .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
                .where(Enrolment.status != "withdrawn"))
    if cohort_id is not None:
        assigned = assigned.where(Enrolment.cohort_id == cohort_id)
    if credential_code:
        credential_id = session.scalar(select(Credential.id).where(
            func.upper(Credential.code) == credential_code.upper()))
        if credential_id is None:
            raise NotFoundError(f"No credential with code {credential_code!r}.")
        assigned = assigned.where(CohortCredential.credential_id == credential_id)
    people: set[int] = set()
    credentials: set[int] = set()
    for pid, cid in session.execute(assigned):
        people.add(pid)
        credentials.add(cid)
    return sorted(people), sorted(credentials)


def compliance_matrix(session: Session, today: dt.date, cohort_code: str | None = None,
                      credential_code: str | None = None) -> ReportTable:
    """One row per person; per credential its status, then each requirement met, missing or expired."""
    person_ids, credential_ids = _scope(session, cohort_code, credential_code)
    R = CredentialRequirement
    minimum = ScaleLevel
    reqs = session.execute(
        select(R.id, R.credential_id, Credential.code, R.kind, R.module_id, Module.code, Module.validity_months,
               R.competency_id, Competency.code, R.scale_id, minimum.rank)
        .join(Credential, Credential.id == R.credential_id)
        .outerjoin(Module, Module.id == R.module_id).outerjoin(Competency, Competency.id == R.competency_id)
        .outerjoin(minimum, minimum.id == R.min_level_id)
        .where(R.credential_id.in_(credential_ids) if credential_ids else R.id.is_(None))
        .order_by(Credential.code, R.sort_order, R.id)).all()
    wanted = set(person_ids)
    module_ids = sorted({r[4] for r in reqs if r[4] is not None})
    last_done: dict[tuple[int, int], dt.date] = {}
    if module_ids:
        for pid, mid, last in session.execute(
                select(Completion.person_id, Completion.module_id, func.max(Completion.completed_on))
                .where(Completion.voided_at.is_(None), Completion.verification != "pending",
                       Completion.module_id.in_(module_ids))
                .group_by(Completion.person_id, Completion.module_id)):
            if pid in wanted:
                last_done[(pid, mid)] = last
    competency_ids = sorted({r[7] for r in reqs if r[7] is not None})
    best: dict[tuple[int, int, int], int] = {}
    if competency_ids:
        for pid, cid, sid, rank in session.execute(
                select(Assessment.person_id, Assessment.competency_id, Assessment.scale_id, func.max(ScaleLevel.rank))
                .join(ScaleLevel, ScaleLevel.id == Assessment.level_id)
                .where(Assessment.voided_at.is_(None), Assessment.competency_id.in_(competency_ids))
                .group_by(Assessment.person_id, Assessment.competency_id, Assessment.scale_id)):
            if pid in wanted:
                best[(pid, cid, sid)] = rank
    cutoffs = {r[4]: earliest_cutoff(r[6], today) for r in reqs if r[6]}
    status = {(p.person_id, p.credential_id): p.status for p in
              compute_bulk(session, today, person_ids=person_ids, credential_ids=credential_ids)}
    assigned = set(session.execute(
        select(Enrolment.person_id, CohortCredential.credential_id)
        .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
        .where(Enrolment.status != "withdrawn", CohortCredential.credential_id.in_(credential_ids or [-1]))).all())

    credential_codes = {r[1]: r[2] for r in reqs}
    columns = ["external_id", "name", "profession", "unit"]
    for cid in sorted(credential_codes, key=credential_codes.get):
        columns.append(f"{credential_codes[cid]} status")
        columns.extend(f"{credential_codes[cid]}: {r[5] or r[8]}" for r in reqs if r[1] == cid)
    rows = []
    people = session.execute(
        select(Person.id, Person.external_id, Person.full_name, Profession.name, Person.unit)
        .outerjoin(Profession, Profession.id == Person.profession_id)
        .where(Person.id.in_(person_ids) if len(person_ids) < 30000 else Person.id.is_not(None))
        .order_by(Person.external_id))
    for pid, ext, name, profession, unit in people:
        if pid not in wanted:
            continue
        row: list[object] = [ext, name, profession, unit]
        for cid in sorted(credential_codes, key=credential_codes.get):
            if (pid, cid) not in assigned:
                row.extend([""] * (1 + sum(1 for r in reqs if r[1] == cid)))
                continue
            row.append(STATUS_LABELS.get(status.get((pid, cid), "not_started"), ""))
            for r in reqs:
                if r[1] == cid:
                    row.append(_state(r, pid, last_done, best, cutoffs))
        rows.append(tuple(row))
    title = f"Compliance matrix{f' — {cohort_code}' if cohort_code else ''}"
    return ReportTable(title, columns, rows)


def _state(req, pid: int, last_done, best, cutoffs) -> str:
    if req[3] == "module":
        last = last_done.get((pid, req[4]))
        if last is None:
            return MISSING
        cutoff = cutoffs.get(req[4])
        return EXPIRED if cutoff is not None and last < cutoff else MET
    rank = best.get((pid, req[7], req[9]))
    return MET if rank is not None and rank >= req[10] else MISSING


def expiring(session: Session, today: dt.date, within: int = 90, cohort_code: str | None = None) -> ReportTable:
    """Credentials (certificates, or requirements met without one) that lapse within 7, 30, 60 or 90 days."""
    person_ids, credential_ids = (None, None)
    if cohort_code:
        person_ids, credential_ids = _scope(session, cohort_code, None)
    summaries = [s for s in compute_bulk(session, today, person_ids=person_ids, credential_ids=credential_ids)
                 if s.expiring_band is not None and s.expiring_band <= within and s.renewal_date is not None]
    ids = sorted({s.person_id for s in summaries})
    people = {}
    for start in range(0, len(ids), 5000):
        for pid, ext, name, profession, unit in session.execute(
                select(Person.id, Person.external_id, Person.full_name, Profession.name, Person.unit)
                .outerjoin(Profession, Profession.id == Person.profession_id)
                .where(Person.id.in_(ids[start:start + 5000]))):
            people[pid] = (ext, name, profession, unit)
    codes = dict(session.execute(select(Credential.id, Credential.code)).all())
    rows = sorted(
        ((s.expiring_band, *people[s.person_id], codes[s.credential_id], STATUS_LABELS[s.status], s.renewal_date,
          (s.renewal_date - today).days) for s in summaries),
        key=lambda r: (r[7], r[1], r[5]))
    return ReportTable(f"Expiring within {within} days",
                       ["within_days", "external_id", "name", "profession", "unit", "credential", "status",
                        "expires_on", "days_left"], rows)

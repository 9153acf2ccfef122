"""The compliance matrix (people × requirements: met, missing, expired) and the expiring list (90/60/30/7 days)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack.errors import NotFoundError
from credtrack.models import (
    Cohort,
    CohortCredential,
    Competency,
    Credential,
    CredentialRequirement,
    Enrolment,
    Module,
    Person,
    Profession,
    ScaleLevel,
)
from credtrack.reports.tables import ReportTable
from credtrack.services.progress_bulk import compute_bulk, load_evidence
from credtrack.services.progress_evidence import (
    PERSON_FILTER_LIMIT,
    latest_completion,
    sign_off_tokens,
)
from credtrack.services.progress_rules import STATUS_LABELS, earliest_cutoff

MET, MISSING, EXPIRED = "met", "missing", "expired"


def _scope(session: Session, cohort_code: str | None, credential_code: str | None) -> tuple[list[int], list[int]]:
    """(person ids, credential ids): a cohort's members and credentials, or everyone assigned a credential."""
    people, credentials, _pairs = _assigned(session, cohort_code, credential_code)
    return sorted(people), sorted(credentials)


def _assigned(session: Session, cohort_code: str | None,
              credential_code: str | None) -> tuple[set[int], set[int], set[tuple[int, int]]]:
    """People, credentials and the (person, credential) pairs assigned through enrolments."""
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
    pairs = {(p, c) for p, c in session.connection().execute(assigned).all()}
    return {p for p, _c in pairs}, {c for _p, c in pairs}, pairs


def compliance_matrix(session: Session, today: dt.date, cohort_code: str | None = None,
                      credential_code: str | None = None) -> ReportTable:
    """One row per person; per credential its status, then each requirement met, missing or expired."""
    people_set, credential_set, assigned = _assigned(session, cohort_code, credential_code)
    person_ids, credential_ids = sorted(people_set), sorted(credential_set)
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
    # Everyone's evidence is read once, for the statuses and for each requirement's state.
    named = person_ids if len(person_ids) <= PERSON_FILTER_LIMIT else None
    evidence = load_evidence(session, named)
    levels: dict[int, list[tuple[int, int]]] = {}
    for level_id, scale_id, rank in session.execute(select(ScaleLevel.id, ScaleLevel.scale_id, ScaleLevel.rank)):
        levels.setdefault(scale_id, []).append((level_id, rank))
    if cohort_code or credential_code:
        summaries = compute_bulk(session, today, person_ids=person_ids, credential_ids=credential_ids,
                                 evidence=evidence)
    else:  # everyone assigned: the whole-database scope answers the same for each assigned pair
        summaries = compute_bulk(session, today, evidence=evidence)
    status = {(s.person_id, s.credential_id): STATUS_LABELS.get(s.status, "") for s in summaries}
    not_started = STATUS_LABELS.get("not_started", "")

    credential_codes = {r[1]: r[2] for r in reqs}
    ordered = sorted(credential_codes, key=credential_codes.get)
    checks = {cid: [_check(r, today, levels) for r in reqs if r[1] == cid] for cid in ordered}
    columns = ["external_id", "name", "profession", "unit"]
    for cid in ordered:
        columns.append(f"{credential_codes[cid]} status")
        columns.extend(f"{credential_codes[cid]}: {r[5] or r[8]}" for r in reqs if r[1] == cid)
    blanks = {cid: [""] * (1 + len(checks[cid])) for cid in ordered}
    rows = []
    completions, sign_offs = evidence.completions, evidence.sign_offs
    people = session.connection().execute(
        select(Person.id, Person.external_id, Person.full_name, Profession.name, Person.unit)
        .outerjoin(Profession, Profession.id == Person.profession_id)
        .where(Person.id.in_(person_ids) if len(person_ids) < 30000 else Person.id.is_not(None))
        .order_by(Person.external_id)).all()
    for pid, ext, name, profession, unit in people:
        if pid not in people_set:
            continue
        row: list[object] = [ext, name, profession, unit]
        done, signed = completions.get(pid, ""), sign_offs.get(pid, "")
        for cid in ordered:
            if (pid, cid) not in assigned:
                row.extend(blanks[cid])
                continue
            row.append(status.get((pid, cid), not_started))
            row.extend([check(done, signed) for check in checks[cid]])
        rows.append(tuple(row))
    title = f"Compliance matrix{f' — {cohort_code}' if cohort_code else ''}"
    return ReportTable(title, columns, rows)


def _check(req, today: dt.date, levels: dict[int, list[tuple[int, int]]]):
    """A requirement as a test on a person's evidence texts, answering met, missing or expired."""
    if req[3] == "module":
        module_id, key = req[4], f",{req[4]}:"
        cutoff = earliest_cutoff(req[6], today).isoformat() if req[6] else None

        def module_state(done: str, _signed: str) -> str:
            if key not in done:
                return MISSING
            if cutoff is None:
                return MET
            return MET if (latest_completion(done, module_id) or "") >= cutoff else EXPIRED
        return module_state
    passing = sign_off_tokens(req[7], [level for level, rank in levels.get(req[9], []) if rank >= req[10]])
    search = re.compile("|".join(re.escape(token) for token in passing) or "(?!)").search  # one pass, any level

    def competency_state(_done: str, signed: str) -> str:
        return MET if search(signed) else MISSING
    return competency_state


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
        for pid, ext, name, profession, unit in session.connection().execute(
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

"""The compliance matrix (people × requirements: met, missing, expired) and the expiring list (90/60/30/7 days)."""

from __future__ import annotations

import datetime as dt

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
)
from credtrack.reports.tables import ReportTable
from credtrack.rules.status import STATUS_LABELS
from credtrack.services.common import Check, checked, collection_paused, no_check
from credtrack.services.progress.bulk import compute_bulk, load_evidence
from credtrack.services.progress.stored import PERSON_FILTER_LIMIT, plain_rows


def _scope(session: Session, cohort_code: str | None, credential_code: str | None) -> tuple[list[int], list[int]]:
    """(person ids, credential ids): a cohort's members and credentials, or everyone assigned a credential."""
    people, credentials, _pairs = _assigned(session, cohort_code, credential_code)
    return sorted(people), sorted(credentials)


def _assigned(
    session: Session, cohort_code: str | None, credential_code: str | None
) -> tuple[set[int], set[int], list[tuple[int, int]]]:
    """People, credentials and the (person, credential) pairs assigned through enrolments (each pair once,
    in person order)."""
    cohort_id = None
    if cohort_code:
        cohort_id = session.scalar(select(Cohort.id).where(func.upper(Cohort.code) == cohort_code.upper()))
        if cohort_id is None:
            raise NotFoundError(f"No cohort with code {cohort_code!r}.")
    assigned = (
        select(Enrolment.person_id, CohortCredential.credential_id)
        .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
        .where(Enrolment.status != "withdrawn")
    )
    if cohort_id is not None:
        assigned = assigned.where(Enrolment.cohort_id == cohort_id)
    if credential_code:
        credential_id = session.scalar(
            select(Credential.id).where(func.upper(Credential.code) == credential_code.upper())
        )
        if credential_id is None:
            raise NotFoundError(f"No credential with code {credential_code!r}.")
        assigned = assigned.where(CohortCredential.credential_id == credential_id)
    pairs = plain_rows(session, assigned.distinct().order_by(Enrolment.person_id, CohortCredential.credential_id))
    return {p for p, _c in pairs}, {c for _p, c in pairs}, pairs


def compliance_matrix(
    session: Session,
    today: dt.date,
    cohort_code: str | None = None,
    credential_code: str | None = None,
    check: Check = no_check,
) -> ReportTable:
    """One row per person; per credential its status, then each requirement met, missing or expired.

    The statuses and the requirement states come from one pass of the bulk progress rules over the
    assigned pairs, so a requirement is judged once, the same way the status judges it.
    """
    people_set, credential_set, assigned = _assigned(session, cohort_code, credential_code)
    person_ids, credential_ids = sorted(people_set), sorted(credential_set)
    R = CredentialRequirement
    reqs = session.execute(
        select(R.id, R.credential_id, Credential.code, Module.code, Competency.code)
        .join(Credential, Credential.id == R.credential_id)
        .outerjoin(Module, Module.id == R.module_id)
        .outerjoin(Competency, Competency.id == R.competency_id)
        .where(R.credential_id.in_(credential_ids) if credential_ids else R.id.is_(None))
        .order_by(Credential.code, R.sort_order, R.id)
    ).all()
    named = person_ids if len(person_ids) <= PERSON_FILTER_LIMIT else None
    states: list[tuple[list[int], list[str]]] = []
    summaries = compute_bulk(
        session,
        today,
        person_ids=named if cohort_code or credential_code else None,
        credential_ids=credential_ids,
        evidence=load_evidence(session, named),
        pairs=assigned,
        states=states,
        check=check,
    )

    codes = {r[1]: r[2] for r in reqs}
    columns = ["external_id", "name", "profession", "unit"]
    at: dict[int, int] = {}  # where each credential's status column sits in a row
    requirement_columns: dict[int, list[int]] = {}
    for cid in sorted(codes, key=lambda cid: codes[cid]):
        at[cid] = len(columns)
        columns.append(f"{codes[cid]} status")
        requirement_columns[cid] = [r[0] for r in reqs if r[1] == cid]
        columns.extend(f"{codes[cid]}: {r[3] or r[4]}" for r in reqs if r[1] == cid)
    # Per person, the (status column, cells) of each assigned credential; the states come in the rules'
    # order and are put in the columns' order.
    # Two loops that make a list per person and hold no cycles; the collector's passes over them cost more
    # than the loops: on the records bench (100,000 people) the report took 2.75-2.85 s with this pause and
    # 3.36-3.92 s without it. The pause is process-wide, so it covers these loops only.
    with collection_paused():
        orders: dict[int, list[int] | None] = {}
        filled: dict[int, list[tuple[int, list[str]]]] = {}
        for summary, (ids, marks) in zip(checked(summaries, check), states, strict=True):
            cid = summary.credential_id
            if cid not in orders:
                positions = [ids.index(rid) for rid in requirement_columns[cid]]
                orders[cid] = None if positions == list(range(len(positions))) else positions
            order = orders[cid]
            cells = [STATUS_LABELS.get(summary.status, ""), *(marks if order is None else [marks[j] for j in order])]
            filled.setdefault(summary.person_id, []).append((at[cid], cells))
        blank = [""] * len(columns)  # a row starts blank: most people are assigned one or two of many credentials
        rows = []
        people = plain_rows(
            session,
            select(Person.id, Person.external_id, Person.full_name, Profession.name, Person.unit)
            .outerjoin(Profession, Profession.id == Person.profession_id)
            .where(Person.id.in_(person_ids) if len(person_ids) < 30000 else Person.id.is_not(None))
            .order_by(Person.external_id),
        )
        for pid, ext, name, profession, unit in checked(people, check):
            if pid not in people_set:
                continue
            row = blank.copy()
            row[0:4] = ext, name, profession, unit
            for first, cells in filled.get(pid, ()):
                row[first : first + len(cells)] = cells
            rows.append(tuple(row))
    title = f"Compliance matrix{f' — {cohort_code}' if cohort_code else ''}"
    return ReportTable(title, columns, rows)


def expiring(
    session: Session, today: dt.date, within: int = 90, cohort_code: str | None = None, check: Check = no_check
) -> ReportTable:
    """Credentials (certificates, or requirements met without one) that lapse within 7, 30, 60 or 90 days."""
    person_ids, credential_ids = (None, None)
    if cohort_code:
        person_ids, credential_ids = _scope(session, cohort_code, None)
    summaries = [
        s
        for s in compute_bulk(session, today, person_ids=person_ids, credential_ids=credential_ids, check=check)
        if s.expiring_band is not None and s.expiring_band <= within and s.renewal_date is not None
    ]
    ids = sorted({s.person_id for s in summaries})
    people = {}
    for start in range(0, len(ids), 5000):
        for pid, ext, name, profession, unit in session.connection().execute(
            select(Person.id, Person.external_id, Person.full_name, Profession.name, Person.unit)
            .outerjoin(Profession, Profession.id == Person.profession_id)
            .where(Person.id.in_(ids[start : start + 5000]))
        ):
            people[pid] = (ext, name, profession, unit)
    codes = dict(session.execute(select(Credential.id, Credential.code)).all())

    def days_left(renewal: dt.date | None) -> int:
        assert renewal is not None  # summaries keeps only those with a renewal date
        return (renewal - today).days

    rows = sorted(
        (
            (
                s.expiring_band,
                *people[s.person_id],
                codes[s.credential_id],
                STATUS_LABELS[s.status],
                s.renewal_date,
                days_left(s.renewal_date),
            )
            for s in summaries
        ),
        key=lambda r: (r[7], r[1], r[5]),
    )
    return ReportTable(
        f"Expiring within {within} days",
        ["within_days", "external_id", "name", "profession", "unit", "credential", "status", "expires_on", "days_left"],
        rows,
    )

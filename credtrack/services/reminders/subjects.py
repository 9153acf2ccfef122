"""The dates people are reminded about, read through the one judge: certificate expiries, the day a
recurring module's completion lapses (the judge's ``Verdict.lapses_on``), and credentials assigned through
a cohort that are past their due date and not yet earned (the judge's status)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from credtrack.models import Certificate, CohortCredential, Credential, Enrolment, Module, Person
from credtrack.rules.judge import judge_group
from credtrack.rules.model import MODULE as MODULE_REQUIREMENT
from credtrack.rules.model import Held
from credtrack.rules.status import EARNED, ELIGIBLE, EXPIRING_SOON
from credtrack.services.progress.bulk import load_evidence
from credtrack.services.progress.person import load_rules
from credtrack.services.reminders.schedule import CREDENTIAL, DUE, EXPIRY, MODULE, Subject


@dataclass(frozen=True)
class Holder:
    """Who a reminder goes to."""

    id: int
    external_id: str
    name: str
    email: str | None
    unit: str | None


def active_people(session: Session, today: dt.date, person_ids: list[int] | None = None) -> dict[int, Holder]:
    """People reminders are for: active, and not past the day they left."""
    stmt = select(Person.id, Person.external_id, Person.full_name, Person.email, Person.unit).where(
        Person.status == "active", or_(Person.end_date.is_(None), Person.end_date >= today)
    )
    if person_ids is not None:
        stmt = stmt.where(Person.id.in_(person_ids))
    return {row.id: Holder(*row) for row in session.execute(stmt)}


def read_subjects(session: Session, today: dt.date, person_ids: list[int] | None = None) -> list[Subject]:
    """Every date the people in scope (everyone active, or those named) could be reminded about today."""
    people = set(active_people(session, today, person_ids))
    if not people:
        return []
    due: dict[tuple[int, int], dt.date] = {}  # (person, credential) -> the earliest due date assigned
    assigned: set[tuple[int, int]] = set()
    for p, c, day in session.execute(
        select(Enrolment.person_id, CohortCredential.credential_id, CohortCredential.due_date)
        .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
        .where(Enrolment.status == "active")
    ):
        if p in people:
            assigned.add((p, c))
            if day is not None and ((p, c) not in due or day < due[(p, c)]):
                due[(p, c)] = day
    held: dict[tuple[int, int], Held] = {}
    for p, c, code, expires in session.execute(
        select(Certificate.person_id, Certificate.credential_id, Certificate.code, Certificate.expires_on)
        .where(Certificate.status == "valid")
        .order_by(Certificate.issued_on, Certificate.id)
    ):
        if p in people:
            held[(p, c)] = Held(code, expires)  # the latest issue wins
    subjects: set[Subject] = {
        Subject(p, CREDENTIAL, c, EXPIRY, h.expires_on) for (p, c), h in held.items() if h.expires_on is not None
    }
    by_credential: dict[int, list[int]] = defaultdict(list)
    for p, c in sorted(assigned | set(held)):
        by_credential[c].append(p)
    if not by_credential:
        return sorted(subjects)
    rules = load_rules(session, list(by_credential))
    evidence = load_evidence(session, sorted({p for ps in by_credential.values() for p in ps}))
    for c, group in by_credential.items():
        rule = rules.get(c)
        if rule is None or not rule.requirements:
            continue
        judged = judge_group(rule, evidence.group(group), today, [held.get((p, c)) for p in group])
        for p, j in zip(group, judged, strict=True):
            for r, v in zip(rule.requirements, j.verdicts, strict=True):
                if r.kind == MODULE_REQUIREMENT and r.validity_months and v.lapses_on is not None:
                    subjects.add(Subject(p, MODULE, r.target_id, EXPIRY, v.lapses_on))
            # Not yet earned: never issued and not every requirement met (a lapsed module still leaves it overdue).
            if (p, c) in due and (p, c) not in held and j.status not in (ELIGIBLE, EARNED, EXPIRING_SOON):
                subjects.add(Subject(p, CREDENTIAL, c, DUE, due[(p, c)]))
    return sorted(subjects)


def titles(session: Session, subjects: list[Subject]) -> dict[tuple[str, int], tuple[str, str]]:
    """(kind, id) -> (code, title) of each credential and module named."""
    credentials = {s.subject_id for s in subjects if s.kind == CREDENTIAL}
    modules = {s.subject_id for s in subjects if s.kind == MODULE}
    out: dict[tuple[str, int], tuple[str, str]] = {}
    if credentials:
        for i, code, title in session.execute(
            select(Credential.id, Credential.code, Credential.title).where(Credential.id.in_(credentials))
        ):
            out[(CREDENTIAL, i)] = (code, title)
    if modules:
        for i, code, title in session.execute(
            select(Module.id, Module.code, Module.title).where(Module.id.in_(modules))
        ):
            out[(MODULE, i)] = (code, title)
    return out

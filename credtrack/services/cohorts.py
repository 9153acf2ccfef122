"""Cohorts: people enrolled together, the credentials assigned to them and their due dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, NotFoundError, ValidationError
from credtrack.models import Cohort, CohortCredential, Credential, Enrolment, Person
from credtrack.models.enums import ENROLMENT_STATUSES
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import (
    by_code,
    clean,
    free_text,
    get_or_404,
    parse_date,
    required_text,
    today,
)
from credtrack.services.permissions import Actor, require


@dataclass(frozen=True)
class AssignedCredential:
    credential_id: int
    code: str
    title: str
    due_date: dt.date | None


@dataclass(frozen=True)
class CohortRow:
    id: int
    code: str
    name: str
    description: str
    start_date: dt.date | None
    end_date: dt.date | None
    credentials: list[AssignedCredential]
    active_enrolments: int
    version: int


@dataclass(frozen=True)
class EnrolmentRow:
    id: int
    cohort_id: int
    cohort_code: str
    cohort_name: str
    person_id: int
    person_name: str
    external_id: str
    enrolled_on: dt.date
    status: str


def _cohort_row(session, cohort: Cohort) -> CohortRow:
    count = session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == "active")
    )
    assigned = [
        AssignedCredential(cc.credential_id, cc.credential.code, cc.credential.title, cc.due_date)
        for cc in sorted(cohort.credentials, key=lambda cc: cc.credential.code)
    ]
    return CohortRow(
        cohort.id,
        cohort.code,
        cohort.name,
        cohort.description,
        cohort.start_date,
        cohort.end_date,
        assigned,
        count or 0,
        cohort.version,
    )


def create_cohort(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    name: str,
    description: str = "",
    start_date: dt.date | str | None = None,
    end_date: dt.date | str | None = None,
) -> Result[CohortRow]:
    with uow:
        require(actor, "cohorts.edit")
        session = uow.session
        code = required_text(code, "A cohort code", "code", 40).upper()
        if session.scalar(select(Cohort.id).where(func.upper(Cohort.code) == code)) is not None:
            raise DuplicateError(f"A cohort with code {code!r} already exists.")
        start = parse_date(start_date, "The start date", "start_date")
        end = parse_date(end_date, "The end date", "end_date")
        if start and end and end < start:
            raise ValidationError("The cohort ends before it starts.", field="end_date")
        cohort = Cohort(
            code=code,
            name=required_text(name, "A cohort name", "name"),
            description=free_text(description, "The description", "description"),
            start_date=start,
            end_date=end,
        )
        session.add(cohort)
        session.flush()
        audit.record(
            session,
            actor,
            "cohort.create",
            "cohort",
            cohort.id,
            after={"code": code, "name": cohort.name, "start_date": start, "end_date": end},
        )
        row = _cohort_row(session, cohort)
        uow.commit()
        return Result(row, Change.COHORTS | Change.AUDIT)


def assign_credential(
    uow: UnitOfWork, actor: Actor, cohort_code: str, credential_code: str, due_date: dt.date | str | None = None
) -> Result[CohortRow]:
    """Assign a credential to a cohort (or change its due date if already assigned)."""
    with uow:
        require(actor, "cohorts.edit")
        session = uow.session
        cohort = by_code(session, Cohort, cohort_code, "cohort")
        credential = by_code(session, Credential, credential_code, "credential")
        due = parse_date(due_date, "The due date", "due_date")
        link = session.get(CohortCredential, (cohort.id, credential.id))
        before = {"due_date": link.due_date} if link else None
        if link is None:
            link = CohortCredential(cohort_id=cohort.id, credential_id=credential.id, due_date=due)
            session.add(link)
        else:
            link.due_date = due
        session.flush()
        session.refresh(cohort)
        audit.record(
            session,
            actor,
            "cohort.assign_credential",
            "cohort",
            cohort.id,
            before=before,
            after={"credential": credential.code, "due_date": due},
        )
        row = _cohort_row(session, cohort)
        uow.commit()
        return Result(row, Change.COHORTS | Change.AUDIT)


def enrol(
    uow: UnitOfWork, actor: Actor, cohort_code: str, person_ids: list[int], enrolled_on: dt.date | str | None = None
) -> Result[int]:
    """Enrol people in a cohort; people already actively enrolled are left as they are. Returns how many were added."""
    with uow:
        require(actor, "cohorts.edit")
        session = uow.session
        cohort = by_code(session, Cohort, cohort_code, "cohort")
        on = parse_date(enrolled_on, "The enrolment date", "enrolled_on") or today()
        added = []
        for pid in dict.fromkeys(person_ids):
            person = get_or_404(session, Person, pid, "person")
            if person.status == "archived":
                raise ValidationError(f"{person.full_name} is archived and cannot be enrolled.")
            existing = session.scalar(
                select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.person_id == pid)
            )
            if existing is None:
                session.add(Enrolment(cohort_id=cohort.id, person_id=pid, enrolled_on=on, status="active"))
                added.append(person.external_id)
            elif existing.status != "active":
                existing.status = "active"
                added.append(person.external_id)
        if added:
            session.flush()
            audit.record(
                session, actor, "cohort.enrol", "cohort", cohort.id, after={"people": added, "enrolled_on": on}
            )
        uow.commit()
        return Result(len(added), (Change.COHORTS | Change.AUDIT) if added else Change.NONE)


def set_enrolment_status(uow: UnitOfWork, actor: Actor, enrolment_id: int, status: str) -> Result[EnrolmentRow]:
    with uow:
        require(actor, "cohorts.edit")
        if status not in ENROLMENT_STATUSES:
            raise ValidationError(f"Status must be one of: {', '.join(ENROLMENT_STATUSES)}.", field="status")
        enrolment = get_or_404(uow.session, Enrolment, enrolment_id, "enrolment")
        before = {"status": enrolment.status}
        enrolment.status = status
        audit.record(
            uow.session, actor, "enrolment.update", "enrolment", enrolment.id, before=before, after={"status": status}
        )
        row = _enrolment_row(enrolment)
        uow.commit()
        return Result(row, Change.COHORTS | Change.AUDIT)


def _enrolment_row(e: Enrolment) -> EnrolmentRow:
    return EnrolmentRow(
        e.id,
        e.cohort_id,
        e.cohort.code,
        e.cohort.name,
        e.person_id,
        e.person.full_name,
        e.person.external_id,
        e.enrolled_on,
        e.status,
    )


def list_cohorts(uow: UnitOfWork, actor: Actor) -> list[CohortRow]:
    with uow:
        require(actor, "read")
        cohorts = uow.session.scalars(
            select(Cohort)
            .options(selectinload(Cohort.credentials).selectinload(CohortCredential.credential))
            .order_by(Cohort.start_date.desc(), Cohort.code)
        )
        return [_cohort_row(uow.session, c) for c in cohorts]


def list_enrolments(
    uow: UnitOfWork, actor: Actor, *, cohort_code: str | None = None, person_id: int | None = None
) -> list[EnrolmentRow]:
    with uow:
        require(actor, "read")
        stmt = (
            select(Enrolment)
            .options(selectinload(Enrolment.cohort), selectinload(Enrolment.person))
            .join(Cohort)
            .join(Person, Person.id == Enrolment.person_id)
        )
        if cohort_code:
            stmt = stmt.where(Cohort.code == clean(cohort_code).upper())
        if person_id is not None:
            stmt = stmt.where(Enrolment.person_id == person_id)
        if cohort_code is None and person_id is None:
            raise NotFoundError("Name a cohort or a person to list enrolments for.")
        return [_enrolment_row(e) for e in uow.session.scalars(stmt.order_by(Person.full_name))]

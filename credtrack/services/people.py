"""People and professions: create, edit, archive (never delete someone with records), search."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, NotFoundError, ValidationError
from credtrack.models import Cohort, Enrolment, Person, Profession, Unit, fold, unit_key
from credtrack.models.enums import PERSON_STATUSES
from credtrack.services import units
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import (
    by_code,
    check_version,
    clean,
    get_or_404,
    limited_text,
    parse_date,
    required_text,
    today,
)
from credtrack.services.permissions import Actor, require
from credtrack.text import for_search

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UNSET = object()


@dataclass(frozen=True)
class PersonRow:
    id: int
    external_id: str
    full_name: str
    email: str | None
    profession_code: str | None
    profession_name: str | None
    unit: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    status: str
    version: int


@dataclass(frozen=True)
class ProfessionRow:
    id: int
    code: str
    name: str
    active: bool


def person_row(person: Person) -> PersonRow:
    prof = person.profession
    return PersonRow(
        person.id,
        person.external_id,
        person.full_name,
        person.email,
        prof.code if prof else None,
        prof.name if prof else None,
        person.unit,
        person.start_date,
        person.end_date,
        person.status,
        person.version,
    )


def _snapshot(person: Person) -> dict:
    return {
        "external_id": person.external_id,
        "full_name": person.full_name,
        "email": person.email,
        "profession_id": person.profession_id,
        "unit": person.unit,
        "start_date": person.start_date,
        "end_date": person.end_date,
        "status": person.status,
    }


def _profession_id(session: Session, code: str | None) -> int | None:
    if code is None or not clean(code):
        return None
    return by_code(session, Profession, code, "profession").id


def _email(value: str | None) -> str | None:
    email = limited_text(value, "An e-mail address", "email", 254) or None
    if email and not _EMAIL.match(email):
        raise ValidationError(f"{email!r} is not an e-mail address.", field="email")
    return email


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise ValidationError("The end date is before the start date.", field="end_date")


def create_person(
    uow: UnitOfWork,
    actor: Actor,
    *,
    external_id: str,
    full_name: str,
    email: str | None = None,
    profession_code: str | None = None,
    unit: str | None = None,
    start_date: dt.date | str | None = None,
    end_date: dt.date | str | None = None,
    unit_from: dt.date | str | None = None,
) -> Result[PersonRow]:
    """Add someone; a unit named finds (or adds) that unit and puts them in it from ``unit_from``, else from
    their start date, else today."""
    with uow:
        require(actor, "people.edit")
        session = uow.session
        ext = required_text(external_id, "An external id (employee or student number)", "external_id", 64)
        name = required_text(full_name, "A name", "full_name")
        start = parse_date(start_date, "The start date", "start_date")
        end = parse_date(end_date, "The end date", "end_date")
        _check_dates(start, end)
        if session.scalar(select(Person.id).where(Person.external_id == ext)) is not None:
            raise DuplicateError(f"Someone with the external id {ext!r} already exists.")
        person = Person(
            external_id=ext,
            full_name=name,
            email=_email(email),
            profession_id=_profession_id(session, profession_code),
            start_date=start,
            end_date=end,
            status="inactive" if end else "active",
        )
        person.refresh_search_key()
        session.add(person)
        try:
            session.flush()
        except IntegrityError as exc:
            raise DuplicateError(f"Someone with the external id {ext!r} already exists.") from exc
        unit_name = limited_text(unit, "A unit", "unit", 120)
        if unit_name:
            since = parse_date(unit_from, "The date they joined the unit", "unit_from") or start or today()
            units.place(session, actor, person, _unit_named(session, actor, unit_name), since)
        units.follow_end_date(session, actor, person, None, end)
        audit.record(session, actor, "person.create", "person", person.id, after=_snapshot(person))
        row = person_row(person)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.AUDIT)


def update_person(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    *,
    expected_version: int | None = None,
    external_id: str | None = None,
    full_name: str | None = None,
    email: str | None | object = _UNSET,
    profession_code: str | None | object = _UNSET,
    unit: str | None | object = _UNSET,
    start_date: dt.date | str | None | object = _UNSET,
    end_date: dt.date | str | None | object = _UNSET,
    status: str | None = None,
    unit_from: dt.date | str | None = None,
) -> Result[PersonRow]:
    """Change the fields given; ``expected_version`` refuses to overwrite someone else's newer edit.

    A new unit moves them there from ``unit_from`` (today when not given, or their start date when that is
    later); a blank unit takes them out of their unit from then."""
    with uow:
        require(actor, "people.edit")
        session = uow.session
        person = get_or_404(session, Person, person_id, "person")
        check_version(person, expected_version, f"The record of {person.full_name}")
        before = _snapshot(person)
        if external_id is not None:
            ext = required_text(external_id, "An external id", "external_id", 64)
            clash = session.scalar(select(Person.id).where(Person.external_id == ext, Person.id != person.id))
            if clash is not None:
                raise DuplicateError(f"Someone else already has the external id {ext!r}.")
            person.external_id = ext
        if full_name is not None:
            person.full_name = required_text(full_name, "A name", "full_name")
        if email is not _UNSET:
            person.email = _email(email)  # type: ignore[arg-type]
        if profession_code is not _UNSET:
            person.profession_id = _profession_id(session, profession_code)  # type: ignore[arg-type]
        if start_date is not _UNSET:
            person.start_date = parse_date(start_date, "The start date", "start_date")  # type: ignore[arg-type]
        if end_date is not _UNSET:
            person.end_date = parse_date(end_date, "The end date", "end_date")  # type: ignore[arg-type]
        _check_dates(person.start_date, person.end_date)
        if unit is not _UNSET:
            _change_unit(session, actor, person, limited_text(unit, "A unit", "unit", 120), unit_from)  # type: ignore[arg-type]
        if end_date is not _UNSET and person.end_date and status is None and person.status == "active":
            person.status = "inactive"  # an end date means they have left, as at creation
        units.follow_end_date(session, actor, person, before["end_date"], person.end_date)
        if status is not None:
            if status not in PERSON_STATUSES:
                raise ValidationError(f"Status must be one of: {', '.join(PERSON_STATUSES)}.", field="status")
            person.status = status
        person.refresh_search_key()
        after = _snapshot(person)
        if after == before:
            return Result(person_row(person), Change.NONE)
        audit.record(session, actor, "person.update", "person", person.id, before=before, after=after)
        session.flush()
        row = person_row(person)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.AUDIT)


def _unit_named(session: Session, actor: Actor, name: str) -> Unit:
    """The unit of that name (any case), added when there is none yet: the person form names units freely."""
    found = session.scalar(select(Unit).where(Unit.name_key == unit_key(name)))
    return found if found is not None else units.new_unit(session, actor, name)


def _change_unit(session: Session, actor: Actor, person: Person, name: str, since: dt.date | str | None) -> None:
    if unit_key(name) == unit_key(person.unit or ""):
        return
    day = parse_date(since, "The date they joined the unit", "unit_from") or max(today(), person.start_date or today())
    if name:
        units.place(session, actor, person, _unit_named(session, actor, name), day)
    else:
        units.leave_unit(session, actor, person, day)


def archive_person(uow: UnitOfWork, actor: Actor, person_id: int, reason: str) -> Result[PersonRow]:
    """Archive instead of deleting: the person's records, certificates and history all stay."""
    with uow:
        require(actor, "people.archive")
        reason = required_text(reason, "A reason for archiving", "reason", 500)
        person = get_or_404(uow.session, Person, person_id, "person")
        if person.status == "archived":
            raise ValidationError(f"{person.full_name} is already archived.")
        before = _snapshot(person)
        person.status = "archived"
        audit.record(
            uow.session,
            actor,
            "person.archive",
            "person",
            person.id,
            before=before,
            after=_snapshot(person),
            note=reason,
        )
        uow.session.flush()
        row = person_row(person)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.AUDIT)


def search_query(
    query: str = "",
    *,
    profession_code: str | None = None,
    cohort_code: str | None = None,
    status: str | None = None,
) -> Select:
    """The SELECT behind people search: accent- and case-insensitive on name and external id."""
    stmt = select(Person).outerjoin(Profession, Person.profession_id == Profession.id)
    for word in fold(for_search(query)).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Person.search_key.like(f"%{escaped}%", escape="\\"))
    if profession_code:
        stmt = stmt.where(Profession.code == profession_code)
    if status:
        stmt = stmt.where(Person.status == status)
    if cohort_code:
        stmt = stmt.where(
            Person.id.in_(
                select(Enrolment.person_id)
                .join(Cohort, Cohort.id == Enrolment.cohort_id)
                .where(Cohort.code == cohort_code)
            )
        )
    return stmt


def search_people(
    uow: UnitOfWork,
    actor: Actor,
    query: str = "",
    *,
    profession_code: str | None = None,
    cohort_code: str | None = None,
    status: str | None = None,
    limit: int | None = 200,
) -> list[PersonRow]:
    with uow:
        require(actor, "read")
        stmt = search_query(query, profession_code=profession_code, cohort_code=cohort_code, status=status)
        stmt = stmt.order_by(Person.search_key, Person.id)  # alphabetical, accents aside
        if limit:
            stmt = stmt.limit(limit)
        return [person_row(p) for p in uow.session.scalars(stmt)]


def count_matching(
    uow: UnitOfWork,
    actor: Actor,
    query: str = "",
    *,
    profession_code: str | None = None,
    cohort_code: str | None = None,
    status: str | None = None,
) -> int:
    """How many people ``search_people`` would find without a limit."""
    with uow:
        require(actor, "read")
        stmt = search_query(query, profession_code=profession_code, cohort_code=cohort_code, status=status)
        return uow.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def get_person(uow: UnitOfWork, actor: Actor, person_id: int) -> PersonRow:
    with uow:
        require(actor, "read")
        return person_row(get_or_404(uow.session, Person, person_id, "person"))


def find_by_external_id(uow: UnitOfWork, actor: Actor, external_id: str) -> PersonRow:
    with uow:
        require(actor, "read")
        person = uow.session.scalar(select(Person).where(Person.external_id == clean(external_id)))
        if person is None:
            raise NotFoundError(f"No one has the external id {external_id!r}.")
        return person_row(person)


def count_people(uow: UnitOfWork, actor: Actor, status: str | None = None) -> int:
    with uow:
        require(actor, "read")
        stmt = select(func.count()).select_from(Person)
        if status:
            stmt = stmt.where(Person.status == status)
        return uow.session.scalar(stmt) or 0


# Professions -----------------------------------------------------------------------------------


def list_professions(uow: UnitOfWork, actor: Actor, *, include_inactive: bool = False) -> list[ProfessionRow]:
    with uow:
        require(actor, "read")
        stmt = select(Profession).order_by(Profession.name)
        if not include_inactive:
            stmt = stmt.where(Profession.active.is_(True))
        return [ProfessionRow(p.id, p.code, p.name, p.active) for p in uow.session.scalars(stmt)]


def create_profession(uow: UnitOfWork, actor: Actor, *, code: str, name: str) -> Result[ProfessionRow]:
    with uow:
        require(actor, "professions.edit")
        session = uow.session
        code = required_text(code, "A profession code", "code", 40).upper()
        name = required_text(name, "A profession name", "name", 120)
        clash = session.scalar(
            select(Profession).where(
                (func.upper(Profession.code) == code) | (func.lower(Profession.name) == name.lower())
            )
        )
        if clash is not None:
            raise DuplicateError(f"The profession {clash.name} ({clash.code}) already exists.")
        prof = Profession(code=code, name=name)
        session.add(prof)
        session.flush()
        audit.record(session, actor, "profession.create", "profession", prof.id, after={"code": code, "name": name})
        row = ProfessionRow(prof.id, prof.code, prof.name, prof.active)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.CATALOG | Change.AUDIT)


def set_profession_active(uow: UnitOfWork, actor: Actor, profession_id: int, active: bool) -> Result[ProfessionRow]:
    with uow:
        require(actor, "professions.edit")
        prof = get_or_404(uow.session, Profession, profession_id, "profession")
        before = {"active": prof.active}
        prof.active = active
        audit.record(
            uow.session, actor, "profession.update", "profession", prof.id, before=before, after={"active": active}
        )
        uow.session.flush()
        row = ProfessionRow(prof.id, prof.code, prof.name, prof.active)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.CATALOG | Change.AUDIT)

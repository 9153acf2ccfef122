"""Units and who was in them when: add, rename and deactivate units; move people; correct their history.

A person's unit history is a run of memberships, each from a start day to an end day (both included), the
last one open. A move on day D closes the open membership on D - 1 and opens one from D; a second move on
the same day replaces the first. Moves only add to the end of the history: an earlier change is a
correction of the membership concerned, with a reason. ``Person.unit`` is kept as the name of the unit of
the open membership (see ``models/units.py`` for why it stays).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, NotFoundError, ValidationError
from credtrack.models import Person, Unit, UnitMembership, unit_key
from credtrack.services.audit import log as audit
from credtrack.services.audit import record_state
from credtrack.services.changes import Change, Result
from credtrack.services.common import check_version, get_or_404, limited_text, parse_date, required_text, today
from credtrack.services.permissions import Actor, require

_UNSET = object()
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class UnitRow:
    id: int
    name: str
    service_line: str | None
    site: str | None
    active: bool
    members: int  # people whose open membership is of this unit
    version: int


@dataclass(frozen=True)
class MembershipRow:
    id: int
    person_id: int
    external_id: str
    full_name: str
    unit_id: int
    unit_name: str
    start_date: dt.date
    end_date: dt.date | None
    version: int


def _unit_row(session: Session, unit: Unit) -> UnitRow:
    members = session.scalar(
        select(func.count()).where(UnitMembership.unit_id == unit.id, UnitMembership.end_date.is_(None))
    )
    return UnitRow(unit.id, unit.name, unit.service_line, unit.site, unit.active, members or 0, unit.version)


def _membership_row(m: UnitMembership) -> MembershipRow:
    person = m.person
    return MembershipRow(
        m.id, person.id, person.external_id, person.full_name, m.unit_id, m.unit.name, m.start_date, m.end_date,
        m.version,
    )  # fmt: skip


def _unit_snapshot(unit: Unit) -> dict:
    return {"name": unit.name, "service_line": unit.service_line, "site": unit.site, "active": unit.active}


def _membership_snapshot(m: UnitMembership) -> dict:
    return {"person_id": m.person_id, "unit": m.unit.name, "start_date": m.start_date, "end_date": m.end_date}


def _name(value: str | None) -> str:
    return required_text(value, "A unit name", "name", 120)


def _optional(value: str | None, what: str, field: str) -> str | None:
    return limited_text(value, what, field, 120) or None


def _refuse_clash(session: Session, name: str, unit_id: int | None = None) -> None:
    clash = session.scalar(select(Unit).where(Unit.name_key == unit_key(name), Unit.id != (unit_id or 0)))
    if clash is not None:
        raise DuplicateError(f"There is already a unit called {clash.name!r} (names are compared ignoring case).")


def unit_by_name(session: Session, name: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.name_key == unit_key(_name(name))))
    if unit is None:
        raise NotFoundError(f"No unit is called {name!r}; add it first (units add).")
    return unit


def _unit(session: Session, unit: int | str) -> Unit:
    return get_or_404(session, Unit, unit, "unit") if isinstance(unit, int) else unit_by_name(session, unit)


def _day(value: dt.date | str | None, what: str, field: str) -> dt.date:
    day = parse_date(value, what, field, required=True)
    assert day is not None
    return day


# Units -----------------------------------------------------------------------------------------


def list_units(uow: UnitOfWork, actor: Actor, *, include_inactive: bool = True) -> list[UnitRow]:
    with uow:
        require(actor, "read")
        stmt = select(Unit).order_by(Unit.name_key)
        if not include_inactive:
            stmt = stmt.where(Unit.active.is_(True))
        return [_unit_row(uow.session, u) for u in uow.session.scalars(stmt)]


def new_unit(
    session: Session, actor: Actor, name: str, service_line: str | None = None, site: str | None = None
) -> Unit:
    """Add a unit in the caller's transaction, audited (the person edit path adds units it is given)."""
    name = _name(name)
    _refuse_clash(session, name)
    unit = Unit(
        name=name,
        name_key=unit_key(name),
        service_line=_optional(service_line, "A service line", "service_line"),
        site=_optional(site, "A site", "site"),
        active=True,
    )
    session.add(unit)
    session.flush()
    audit.record(session, actor, "unit.create", "unit", unit.id, after=_unit_snapshot(unit))
    return unit


def create_unit(
    uow: UnitOfWork, actor: Actor, *, name: str, service_line: str | None = None, site: str | None = None
) -> Result[UnitRow]:
    with uow:
        require(actor, "units.edit")
        unit = new_unit(uow.session, actor, name, service_line, site)
        row = _unit_row(uow.session, unit)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.AUDIT)


def update_unit(
    uow: UnitOfWork,
    actor: Actor,
    unit_ref: int | str,
    *,
    name: str | None = None,
    service_line: str | None | object = _UNSET,
    site: str | None | object = _UNSET,
    expected_version: int | None = None,
) -> Result[UnitRow]:
    """Rename a unit (by id or name) or change its service line or site; the people now in it read the new name."""
    with uow:
        require(actor, "units.edit")
        session = uow.session
        unit = _unit(session, unit_ref)
        check_version(unit, expected_version, f"The unit {unit.name}")
        before = _unit_snapshot(unit)
        if name is not None:
            name = _name(name)
            _refuse_clash(session, name, unit.id)
            unit.name, unit.name_key = name, unit_key(name)
        if service_line is not _UNSET:
            unit.service_line = _optional(service_line, "A service line", "service_line")  # type: ignore[arg-type]
        if site is not _UNSET:
            unit.site = _optional(site, "A site", "site")  # type: ignore[arg-type]
        if _unit_snapshot(unit) == before:
            return Result(_unit_row(session, unit), Change.NONE)
        session.flush()
        if unit.name != before["name"]:
            _rename_members(session, unit)
        audit.record(session, actor, "unit.update", "unit", unit.id, before=before, after=_unit_snapshot(unit))
        row = _unit_row(session, unit)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.AUDIT)


def _rename_members(session: Session, unit: Unit) -> None:
    members = list(
        session.scalars(
            select(UnitMembership.person_id).where(UnitMembership.unit_id == unit.id, UnitMembership.end_date.is_(None))
        )
    )
    if members:
        session.execute(
            update(Person.__table__)
            .where(Person.__table__.c.id.in_(members))
            .values(unit=unit.name, version=Person.__table__.c.version + 1),
        )
        session.expire_all()
        record_state.touch(session, "person", members)


def deactivate_unit(uow: UnitOfWork, actor: Actor, unit_ref: int | str) -> Result[UnitRow]:
    """A unit (by id or name) no longer in use: nobody can be moved into it; its history stays. Its people move
    out first."""
    with uow:
        require(actor, "units.edit")
        session = uow.session
        unit = _unit(session, unit_ref)
        if not unit.active:
            raise ValidationError(f"The unit {unit.name} is already deactivated.")
        row = _unit_row(session, unit)
        if row.members:
            noun = "person is" if row.members == 1 else "people are"
            raise ValidationError(
                f"{row.members} {noun} still in {unit.name}: move them to another unit first (units move)."
            )
        before = _unit_snapshot(unit)
        unit.active = False
        session.flush()
        audit.record(session, actor, "unit.deactivate", "unit", unit.id, before=before, after=_unit_snapshot(unit))
        row = _unit_row(session, unit)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.AUDIT)


# Memberships -----------------------------------------------------------------------------------


def _history(session: Session, person_id: int) -> list[UnitMembership]:
    stmt = select(UnitMembership).where(UnitMembership.person_id == person_id).order_by(UnitMembership.start_date)
    return list(session.scalars(stmt))


def _span(m: UnitMembership) -> str:
    return f"{m.unit.name} from {m.start_date.isoformat()}" + (f" to {m.end_date.isoformat()}" if m.end_date else "")


def place(session: Session, actor: Actor, person: Person, unit: Unit, on: dt.date) -> UnitMembership | None:
    """Move ``person`` into ``unit`` from ``on`` in the caller's transaction, audited; None when already there."""
    if not unit.active:
        raise ValidationError(f"The unit {unit.name} is deactivated: nobody can be moved into it.", field="unit")
    if person.start_date and on < person.start_date:
        raise ValidationError(
            f"{on.isoformat()} is before {person.full_name} started ({person.start_date.isoformat()}).", field="date"
        )
    history = _history(session, person.id)
    current = next((m for m in history if m.end_date is None), None)
    if current is not None and current.unit_id == unit.id:
        return None
    later = [m for m in history if m.start_date > on or (m.end_date is not None and m.end_date >= on)]
    if later:
        raise ValidationError(
            f"{person.full_name} has unit history on or after {on.isoformat()} ({_span(later[-1])}): a move adds "
            "to the end of the history; correct that membership instead.",
            field="date",
        )
    before = _membership_snapshot(current) if current is not None else None
    note = ""
    if current is not None and current.start_date == on:
        previous = next((m for m in history if m.end_date == on - _DAY), None)
        if previous is not None and previous.unit_id == unit.id:
            # Moved back the same day: that move is undone, and the membership before it runs on unbroken.
            note = f"The move to {current.unit.name} on {on.isoformat()} is undone."
            session.delete(current)
            session.flush()
            previous.end_date, moved = None, previous
        else:
            current.unit, moved = unit, current  # moved twice the same day: the later move stands
    else:
        if current is not None:
            current.end_date = on - _DAY
            session.flush()  # closed before the new one opens: one open membership per person
        moved = UnitMembership(person=person, unit=unit, start_date=on)
        session.add(moved)
    person.unit = unit.name
    session.flush()
    audit.record(
        session,
        actor,
        "unit.move",
        "unit_membership",
        moved.id,
        before=before,
        after=_membership_snapshot(moved),
        note=note,
    )
    return moved


def move_person(
    uow: UnitOfWork, actor: Actor, person_id: int, unit: int | str, on: dt.date | str
) -> Result[MembershipRow]:
    """Move someone to a unit from a day (by unit id or name): their previous membership ends the day before."""
    with uow:
        require(actor, "units.move")
        session = uow.session
        day = _day(on, "The date of the move", "date")
        person = get_or_404(session, Person, person_id, "person")
        target = _unit(session, unit)
        moved = place(session, actor, person, target, day)
        if moved is None:
            raise ValidationError(f"{person.full_name} is already in {target.name}.", field="unit")
        row = _membership_row(moved)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.AUDIT)


def correct_membership(
    uow: UnitOfWork,
    actor: Actor,
    membership_id: int,
    *,
    reason: str,
    unit: int | str | None = None,
    start_date: dt.date | str | object = _UNSET,
    end_date: dt.date | str | None | object = _UNSET,
    expected_version: int | None = None,
) -> Result[MembershipRow]:
    """Put a wrong membership right (its unit, its start, its end: None reopens it), with a reason."""
    with uow:
        require(actor, "units.move")
        session = uow.session
        reason = required_text(reason, "A reason for the correction", "reason", 500)
        m = get_or_404(session, UnitMembership, membership_id, "unit membership")
        check_version(m, expected_version, f"The unit membership {m.id}")
        before = _membership_snapshot(m)
        if unit is not None:
            target = _unit(session, unit)
            if not target.active and target.id != m.unit_id:
                raise ValidationError(f"The unit {target.name} is deactivated.", field="unit")
            m.unit = target
        start = m.start_date if start_date is _UNSET else _day(start_date, "The start date", "start_date")  # type: ignore[arg-type]
        end = m.end_date if end_date is _UNSET else parse_date(end_date, "The end date", "end_date")  # type: ignore[arg-type]
        if end is not None and end < start:
            raise ValidationError(
                f"The end date {end.isoformat()} is before the start date {start.isoformat()}.", field="end_date"
            )
        for other in _history(session, m.person_id):
            if other.id == m.id:
                continue
            if end is None and other.end_date is None:
                raise ValidationError(
                    f"Only the latest membership can be open; {_span(other)} is open already.", field="end_date"
                )
            if other.start_date <= (end or dt.date.max) and start <= (other.end_date or dt.date.max):
                raise ValidationError(f"These dates overlap another membership: {_span(other)}.", field="start_date")
        m.start_date, m.end_date = start, end
        if _membership_snapshot(m) == before:
            return Result(_membership_row(m), Change.NONE)
        session.flush()
        _sync_current(session, m.person)
        audit.record(
            session, actor, "unit.correct", "unit_membership", m.id, before=before, after=_membership_snapshot(m),
            note=reason,
        )  # fmt: skip
        row = _membership_row(m)
        uow.commit()
        return Result(row, Change.PEOPLE | Change.AUDIT)


def _sync_current(session: Session, person: Person) -> None:
    current = next((m for m in _history(session, person.id) if m.end_date is None), None)
    person.unit = current.unit.name if current is not None else None
    session.flush()


def open_membership(session: Session, person_id: int) -> UnitMembership | None:
    """The person's open membership (the unit they are in now), if any."""
    return session.scalar(
        select(UnitMembership).where(UnitMembership.person_id == person_id, UnitMembership.end_date.is_(None))
    )


def leave_unit(session: Session, actor: Actor, person: Person, on: dt.date) -> None:
    """``person`` is in no unit from ``on`` (the person edit path: a unit cleared, or an end date given): the
    open membership ends the day before, or goes when it began that very day."""
    current = open_membership(session, person.id)
    if current is None:
        return
    before = _membership_snapshot(current)
    if current.start_date >= on:
        session.delete(current)
        after = None
    else:
        current.end_date = on - _DAY
        after = _membership_snapshot(current)
    person.unit = None
    session.flush()
    audit.record(session, actor, "unit.leave", "unit_membership", current.id, before=before, after=after)


def follow_end_date(session: Session, actor: Actor, person: Person, was: dt.date | None, now: dt.date | None) -> None:
    """``person``'s end date changed from ``was`` to ``now`` (the person edit path), in the caller's transaction.

    The stay their leaving closed (their last membership, ended on ``was``, none open) follows the end date: it
    ends on the new day, or is open again when the end date is cleared. Otherwise a new end date closes the open
    membership on that day. A membership that began after the end date is refused, not rewritten."""
    if now == was:
        return
    history = _history(session, person.id)
    last = history[-1] if history else None
    if last is not None and was is not None and last.end_date == was:
        if now is not None and now < last.start_date:
            raise ValidationError(
                f"{person.full_name} was in {last.unit.name} from {last.start_date.isoformat()}, after the end date "
                f"{now.isoformat()}: correct that unit membership first, or give a later end date.",
                field="end_date",
            )
        before = _membership_snapshot(last)
        last.end_date = now
        person.unit = last.unit.name if now is None else None
        session.flush()
        note = "The end date was cleared: the stay runs on." if now is None else "The end date moved."
        action = "unit.return" if now is None else "unit.leave"
        audit.record(
            session,
            actor,
            action,
            "unit_membership",
            last.id,
            before=before,
            after=_membership_snapshot(last),
            note=note,
        )
        return
    current = next((m for m in history if m.end_date is None), None)
    if now is None or current is None:
        return
    if current.start_date > now:
        raise ValidationError(
            f"{person.full_name} has been in {current.unit.name} since {current.start_date.isoformat()}, after the "
            f"end date {now.isoformat()}: correct that unit membership first, or give a later end date.",
            field="end_date",
        )
    leave_unit(session, actor, person, now + _DAY)


# Questions -------------------------------------------------------------------------------------


def history(uow: UnitOfWork, actor: Actor, person_id: int) -> list[MembershipRow]:
    """Someone's memberships, earliest first."""
    with uow:
        require(actor, "read")
        get_or_404(uow.session, Person, person_id, "person")
        return [_membership_row(m) for m in _history(uow.session, person_id)]


def unit_on(uow: UnitOfWork, actor: Actor, person_id: int, day: dt.date | str | None = None) -> MembershipRow | None:
    """The membership someone held on ``day`` (today when not given), or None when in no unit that day."""
    with uow:
        require(actor, "read")
        when = parse_date(day, "The date", "date") or today()
        stmt = select(UnitMembership).where(UnitMembership.person_id == person_id, *_covering(when))
        found = uow.session.scalar(stmt)
        return _membership_row(found) if found is not None else None


def people_in_unit(
    uow: UnitOfWork, actor: Actor, unit: int | str, day: dt.date | str | None = None
) -> list[MembershipRow]:
    """Everyone in ``unit`` on ``day`` (today when not given), by name."""
    with uow:
        require(actor, "read")
        when = parse_date(day, "The date", "date") or today()
        target = _unit(uow.session, unit)
        stmt = (
            select(UnitMembership)
            .join(Person, Person.id == UnitMembership.person_id)
            .where(UnitMembership.unit_id == target.id, *_covering(when))
            .order_by(Person.search_key, Person.id)
        )
        return [_membership_row(m) for m in uow.session.scalars(stmt)]


def _covering(day: dt.date) -> tuple:
    return (
        UnitMembership.start_date <= day,
        (UnitMembership.end_date.is_(None)) | (UnitMembership.end_date >= day),
    )

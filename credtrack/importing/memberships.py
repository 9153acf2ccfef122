"""People files and units: a person's unit goes through their dated memberships, as a move in the app does.

Someone a file adds is in their unit from their start date (or the day of the import when it has none);
someone whose unit a file changes moves from the day of the import (or their start date, if later): their
open membership ends the day before, or takes the new unit when it began that very day. As in the app, a
move only adds to the end of a person's history: a row moving someone who has unit history on or after that
day is a problem of the row, to be put right by correcting the membership instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from credtrack.importing.plan import Plan, RowReader
from credtrack.importing.problems import Problem
from credtrack.models import Person, Unit, UnitMembership, unit_key, utcnow
from credtrack.services.audit import record_state

CHUNK = 900  # ids per IN (...) list, under SQLite's bound-parameter limit
WRITE_CHUNK = 5000  # rows per executemany
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class KnownUnit:
    id: int
    name: str
    active: bool


def unit_lookup(session: Session) -> tuple[dict[str, KnownUnit], list[str]]:
    """Unit name (any case and spacing) -> the unit, and the names of those in use to suggest."""
    found: dict[str, KnownUnit] = {}
    names: list[str] = []
    for uid, name, active in session.execute(select(Unit.id, Unit.name, Unit.active)):
        found[unit_key(name)] = KnownUnit(uid, name, bool(active))
        if active:
            names.append(name)
    return found, names


def check_moves(session: Session, reader: RowReader, plan: Plan) -> None:
    """A problem for each move of someone on record onto a day their unit history already covers."""
    moving = {m.person_id: m for m in plan.unit_moves if m.person_id is not None}
    clash: dict[int, dt.date] = {}  # the latest day of history on or after the move
    for pid, stays in _histories(session, list(moving)).items():
        on = moving[pid].on
        for _id, begun, ended, _unit in stays:
            # As a move in the app: an open membership that began that very day is replaced, not clashed with.
            if begun > on or (ended is not None and ended >= on):
                clash[pid] = max(clash.get(pid, on), ended or begun)
    for pid, last in sorted(clash.items(), key=lambda item: moving[item[0]].row):
        move = moving[pid]
        plan.problems.append(
            Problem(
                move.row,
                reader.column_name("unit"),
                f"{move.external_id} has unit history up to {last.isoformat()}, on or after "
                f"{move.on.isoformat()} when this file would move them: correct that membership instead",
            )
        )


def last_units_of_leavers(session: Session) -> dict[int, int]:
    """Person id -> the unit of their last stay, for those who have left (an end date, and no unit now): a file
    naming that unit for them again says where they were, not a move."""
    rows = session.execute(
        select(UnitMembership.person_id, UnitMembership.unit_id)
        .join(Person, Person.id == UnitMembership.person_id)
        .where(Person.end_date.is_not(None), Person.unit.is_(None))
        .order_by(UnitMembership.person_id, UnitMembership.start_date)
    )
    return dict(rows.all())  # the later stay of a person overwrites the earlier


def check_leavings(session: Session, reader: RowReader, plan: Plan) -> None:
    """For each end date the file gives, the stay it closes (the one the person is in after the file, or the one
    their old end date closed); a problem when that stay began after the end date. The person's unit is cleared
    on their row, as leaving does in the app."""
    if not plan.leavings:
        return
    moves = {m.external_id: m for m in plan.unit_moves}
    histories = _histories(session, [leaving.person_id for leaving in plan.leavings if leaving.person_id is not None])
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    for leaving in plan.leavings:
        move = moves.get(leaving.external_id)
        if move is not None:
            begins, unit_id = move.on, move.unit_id
        else:
            stays = histories.get(leaving.person_id or 0, [])
            if not stays or stays[-1][2] not in (None, leaving.was):
                continue  # in no unit, or left one before their old end date: nothing to close
            _mid, begins, _ended, unit_id = stays[-1]
        if begins > leaving.end:
            plan.problems.append(
                Problem(
                    leaving.row,
                    reader.column_name("end_date"),
                    f"{leaving.external_id} is in {names.get(unit_id, 'a unit')} from {begins.isoformat()}, after the "
                    f"end date {leaving.end.isoformat()}: give a later end date (or a start date), or correct that "
                    "membership first",
                )
            )
        elif leaving.update is not None and plan.updates[leaving.update]["unit"] is not None:
            diff = plan.update_diffs[leaving.update]["changed"]
            diff["unit"] = [diff["unit"][0] if "unit" in diff else plan.updates[leaving.update]["unit"], None]
            plan.updates[leaving.update]["unit"] = None


def write_leavings(session: Session, plan: Plan, new_ids: list[int]) -> int:
    """End the stays the file's end dates close, after its moves are written (same transaction); how many."""
    if not plan.leavings:
        return 0
    added = dict(zip(plan.inserted_keys, new_ids, strict=True))
    leaving = {(lv.person_id if lv.person_id is not None else added[lv.external_id]): lv for lv in plan.leavings}
    now = utcnow()
    ended: list[dict[str, Any]] = [
        {"b_id": stays[-1][0], "end_date": leaving[pid].end, "updated_at": now}
        for pid, stays in _histories(session, list(leaving)).items()
        if stays[-1][2] in (None, leaving[pid].was)
    ]
    table = UnitMembership.__table__
    for start in range(0, len(ended), WRITE_CHUNK):
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(end_date=bindparam("end_date"), version=table.c.version + 1, updated_at=bindparam("updated_at")),
            ended[start : start + WRITE_CHUNK],
        )
    record_state.touch(session, "unit_membership", [e["b_id"] for e in ended])
    return len(ended)


def _histories(session: Session, person_ids: list[int]) -> dict[int, list[tuple[int, dt.date, dt.date | None, int]]]:
    """Person id -> their memberships (id, start, end, unit id), earliest first."""
    found: dict[int, list[tuple[int, dt.date, dt.date | None, int]]] = {}
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(
                UnitMembership.person_id,
                UnitMembership.id,
                UnitMembership.start_date,
                UnitMembership.end_date,
                UnitMembership.unit_id,
            )
            .where(UnitMembership.person_id.in_(ids[start : start + CHUNK]))
            .order_by(UnitMembership.person_id, UnitMembership.start_date)
        )
        for pid, mid, begun, ended, unit_id in rows:
            found.setdefault(pid, []).append((mid, begun, ended, unit_id))
    return found


def write_moves(session: Session, plan: Plan, new_ids: list[int]) -> int:
    """Open the plan's memberships in the caller's transaction (after its people are written); how many."""
    if not plan.unit_moves:
        return 0
    added = dict(zip(plan.inserted_keys, new_ids, strict=True))
    moves = [(m.person_id if m.person_id is not None else added[m.external_id], m) for m in plan.unit_moves]
    connection = session.connection()
    table = UnitMembership.__table__
    histories = _histories(session, [pid for pid, m in moves if m.person_id is not None])
    # Each person's open membership (id, start), and the one that ended the day before a move on its start day.
    open_now = {pid: (stays[-1][0], stays[-1][1]) for pid, stays in histories.items() if stays[-1][2] is None}
    same_day = {pid: m.on for pid, m in moves if pid in open_now and open_now[pid][1] == m.on}
    before = {
        pid: (mid, unit_id)
        for pid, on in same_day.items()
        for mid, _begun, ended, unit_id in histories[pid]
        if ended == on - _DAY
    }
    replaced: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    opened: list[dict[str, Any]] = []
    undone: list[tuple[int, int]] = []  # (the same day's membership, the one before it, which runs on)
    now = utcnow()
    for pid, move in moves:
        current = open_now.get(pid)
        if current is not None and current[1] == move.on:
            earlier = before.get(pid)
            if earlier is not None and earlier[1] == move.unit_id:  # moved back the same day: that move is undone
                undone.append((current[0], earlier[0]))
            else:  # moved twice the same day: the later move stands
                replaced.append({"b_id": current[0], "unit_id": move.unit_id, "updated_at": now})
            continue
        if current is not None:
            closed.append({"b_id": current[0], "end_date": move.on - _DAY, "updated_at": now})
        opened.append(
            {"person_id": pid, "unit_id": move.unit_id, "start_date": move.on, "end_date": None, "created_at": now}
        )
    for changes, column in ((replaced, "unit_id"), (closed, "end_date")):
        for start in range(0, len(changes), WRITE_CHUNK):
            connection.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    {column: bindparam(column), "version": table.c.version + 1, "updated_at": bindparam("updated_at")}
                ),
                changes[start : start + WRITE_CHUNK],
            )
    if undone:
        gone, reopened = [u[0] for u in undone], [u[1] for u in undone]
        for start in range(0, len(undone), CHUNK):
            connection.execute(delete(table).where(table.c.id.in_(gone[start : start + CHUNK])))
            connection.execute(
                update(table)
                .where(table.c.id.in_(reopened[start : start + CHUNK]))
                .values(end_date=None, version=table.c.version + 1, updated_at=now)
            )
        record_state.touch(session, "unit_membership", gone + reopened)
    record_state.touch(session, "unit_membership", [c["b_id"] for c in replaced + closed])
    if opened:
        record_state.touch_new(session, "unit_membership")
        for start in range(0, len(opened), WRITE_CHUNK):
            connection.execute(insert(table).values(version=1, updated_at=now), opened[start : start + WRITE_CHUNK])
    return len(moves)

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
from credtrack.models import Unit, UnitMembership, unit_key, utcnow
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
    ids = sorted(moving)
    clash: dict[int, dt.date] = {}  # the latest day of history on or after the move
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(UnitMembership.person_id, UnitMembership.start_date, UnitMembership.end_date).where(
                UnitMembership.person_id.in_(ids[start : start + CHUNK])
            )
        )
        for pid, begun, ended in rows:
            on = moving[pid].on
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


def write_moves(session: Session, plan: Plan, new_ids: list[int]) -> int:
    """Open the plan's memberships in the caller's transaction (after its people are written); how many."""
    if not plan.unit_moves:
        return 0
    added = dict(zip(plan.inserted_keys, new_ids, strict=True))
    moves = [(m.person_id if m.person_id is not None else added[m.external_id], m) for m in plan.unit_moves]
    connection = session.connection()
    table = UnitMembership.__table__
    open_now = _open_memberships(session, [pid for pid, m in moves if m.person_id is not None])
    same_day = {pid: m.on for pid, m in moves if pid in open_now and open_now[pid][1] == m.on}
    before = _ended_the_day_before(session, same_day)
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


def _open_memberships(session: Session, person_ids: list[int]) -> dict[int, tuple[int, dt.date]]:
    """Person id -> (their open membership's id, its start) for those of ``person_ids`` who have one."""
    found: dict[int, tuple[int, dt.date]] = {}
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(UnitMembership.person_id, UnitMembership.id, UnitMembership.start_date).where(
                UnitMembership.person_id.in_(ids[start : start + CHUNK]), UnitMembership.end_date.is_(None)
            )
        )
        found.update({pid: (mid, begun) for pid, mid, begun in rows})
    return found


def _ended_the_day_before(session: Session, days: dict[int, dt.date]) -> dict[int, tuple[int, int]]:
    """Person id -> (id, unit id) of their membership that ended the day before ``days[person id]``."""
    found: dict[int, tuple[int, int]] = {}
    ids = sorted(days)
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(UnitMembership.person_id, UnitMembership.id, UnitMembership.unit_id, UnitMembership.end_date).where(
                UnitMembership.person_id.in_(ids[start : start + CHUNK]), UnitMembership.end_date.is_not(None)
            )
        )
        found.update({pid: (mid, uid) for pid, mid, uid, ended in rows if ended == days[pid] - _DAY})
    return found

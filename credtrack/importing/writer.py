"""Writing a checked import plan: Core executemany in chunks inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ColumnDefault

from credtrack.errors import ConcurrentEditError
from credtrack.importing.plan import Cancel, Plan, Progress
from credtrack.importing.problems import ImportCancelledError
from credtrack.models import (
    Assessment,
    Completion,
    Enrolment,
    ImprovementMember,
    ImprovementWork,
    Person,
    Rating,
    RatingScore,
    evidence,
)
from credtrack.services.audit import record_state

CHUNK = 5000
TABLES: dict[str, Table] = {
    "people": Person.__table__,
    "enrolments": Enrolment.__table__,
    "completions": Completion.__table__,
    "assessments": Assessment.__table__,
    "ratings": Rating.__table__,
    "improvement": ImprovementWork.__table__,
}
# Kinds whose new rows the log vouches for under another name than their table's, read back at commit.
_READ_BACK = {"improvement": ("improvement", "improvement_team")}


def write_plan(
    session: Session, plan: Plan, progress: Progress | None = None, cancel: Cancel | None = None
) -> list[int]:
    """Insert and update what the plan says; return the new rows' ids in file order."""
    table = TABLES[plan.kind]
    connection = session.connection()
    total = len(plan.inserts) + len(plan.updates)
    done = 0
    new_ids: list[int] = []
    sqlite = connection.dialect.name == "sqlite"
    for kind in _READ_BACK.get(plan.kind, ()):
        record_state.touch_new(session, kind)
    statement = insert(table).values(plan.constants).returning(table.c.id, sort_by_parameter_order=True)
    if sqlite and plan.inserts:
        # One writer at a time holds SQLite's write lock, so the new rows take the ids after the
        # current largest; asking for them back would cost a statement per row.
        before = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        new_ids = list(range(before + 1, before + 1 + len(plan.inserts)))
    for start in range(0, len(plan.inserts), CHUNK):
        _checkpoint(cancel, progress, done, total)
        chunk = plan.inserts[start : start + CHUNK]
        # An executemany takes its columns from its first row: rows naming other columns go in their own.
        for _columns, same in itertools.groupby(chunk, key=tuple):
            run = list(same)
            if sqlite:
                _insert_plain(connection, table, plan.constants, run)
                ids = new_ids[done : done + len(run)]
            else:
                ids = list(connection.execute(statement, run).scalars())
                new_ids.extend(ids)
            _vouch_inserted(session, table, plan.constants, run, ids)
            done += len(run)
    if plan.updates:
        columns = [k for k in plan.updates[0] if not k.startswith("b_")]
        stmt = (
            update(table)
            .where(and_(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version")))
            .values({c: bindparam(c) for c in columns})
        )
        for start in range(0, len(plan.updates), CHUNK):
            _checkpoint(cancel, progress, done, total)
            chunk = plan.updates[start : start + CHUNK]
            result = connection.execute(stmt, chunk)
            if connection.dialect.supports_sane_multi_rowcount and result.rowcount != len(chunk):
                raise ConcurrentEditError("Some of the records in this file")
            done += len(chunk)
    _write_scores(connection, plan, new_ids)
    if plan.kind == "ratings":  # each new rating's scores are one record the log vouches for
        record_state.touch(session, "rating_score", new_ids)
    _checkpoint(cancel, progress, done, total)
    _repack_evidence(connection, plan, table, new_ids)
    if table.name in record_state.TRACKED:
        record_state.touch(session, table.name, [u["b_id"] for u in plan.updates])
    return new_ids


def _vouch_inserted(
    session: Session, table: Table, constants: dict[str, Any], rows: list[dict[str, Any]], ids: list[int]
) -> None:
    """Hand the new rows' digests to the audit log from the values just stored; rows whose stored form
    cannot be told from them are named, to be read back when the transaction commits."""
    if table.name not in record_state.TRACKED:
        return
    digests = record_state.inserted_digests(session.connection(), table.name, rows, constants)
    if digests is None:
        record_state.touch(session, table.name, ids)
    else:
        record_state.vouch_inserted(session, table.name, ids, digests)


def _insert_plain(connection: Connection, table: Table, constants: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """INSERT ``rows`` (all with the same keys) and ``constants`` through the driver's own executemany.

    For an executemany SQLAlchemy builds and processes a parameter set per row, which
    costs SQLite more than the insert itself. Here each column goes through its type's
    bind processor a column at a time — so values are stored exactly as SQLAlchemy
    stores them — and the driver gets plain tuples. Columns left out take their
    defaults as an ORM insert would, worked out once for the chunk.
    """
    dialect = connection.dialect
    names = list(rows[0])
    shared = dict(constants)
    for column in table.columns:
        if column.key in names or column.key in shared or column.default is None:
            continue
        default = column.default
        if isinstance(default, ColumnDefault) and default.is_scalar:
            shared[column.key] = default.arg
        elif isinstance(default, ColumnDefault) and default.is_callable:
            shared[column.key] = default.arg(None)  # utcnow and the like
    compiled = insert(table).values({k: bindparam(k) for k in [*names, *shared]}).compile(dialect=dialect)
    columns: dict[str, list[Any]] = {}
    for name in compiled.positiontup or []:
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if name in shared:
            value = process(shared[name]) if process else shared[name]
            columns[name] = [value] * len(rows)
        else:
            given = [row[name] for row in rows]
            columns[name] = _processed(process, given) if process else given
    connection.exec_driver_sql(str(compiled), list(zip(*columns.values(), strict=True)))


_HASHABLE = {str, int, bool, dt.date, dt.datetime, type(None)}


def _processed(process: Any, values: list[Any]) -> list[Any]:
    """``values`` through a bind processor, each distinct one once when the column holds a single type of
    value (equal values are then the same value); a column of mixed types goes value by value."""
    kinds = set(map(type, values))
    if not kinds <= _HASHABLE or len(kinds - {type(None)}) > 1:
        return [process(v) for v in values]
    done: dict[Any, Any] = {}
    return [done[v] if v in done else done.setdefault(v, process(v)) for v in values]


def _write_scores(connection: Connection, plan: Plan, new_ids: list[int]) -> None:
    """The score rows of each new rating (a ratings file) or the team of each new work (an improvement file),
    which take their record's new id."""
    if plan.kind == "improvement":
        members = [
            {"work_id": work_id, **member}
            for work_id, team in zip(new_ids, plan.scores, strict=True)
            for member in team
        ]
        for start in range(0, len(members), CHUNK):
            connection.execute(insert(ImprovementMember.__table__), members[start : start + CHUNK])
        return
    if plan.kind != "ratings":
        return
    rows = [
        {"rating_id": rating_id, **score}
        for rating_id, scores in zip(new_ids, plan.scores, strict=True)
        for score in scores
    ]
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(RatingScore.__table__), rows[start : start + CHUNK])


def _repack_evidence(connection: Connection, plan: Plan, table: Table, new_ids: list[int]) -> None:
    """Keep the packed evidence rows in step: new records are appended, changed ones re-packed."""
    if plan.kind == "ratings":  # a rating packs with its lowest score: its people are packed again
        evidence.refresh(connection, {row["person_id"] for row in plan.inserts})
        return
    kind = {"completions": "completions", "assessments": "sign_offs"}.get(plan.kind)
    if kind is None:
        return
    evidence.append_rows(connection, kind, id_ranges(new_ids))
    changed = [u["b_id"] for u in plan.updates]
    people: set[int] = set()
    for start in range(0, len(changed), CHUNK):
        people.update(
            connection.execute(
                select(table.c.person_id).where(table.c.id.in_(changed[start : start + CHUNK]))
            ).scalars()
        )
    evidence.refresh(connection, people)


def _checkpoint(cancel: Cancel | None, progress: Progress | None, done: int, total: int) -> None:
    if cancel is not None and cancel():
        raise ImportCancelledError()
    if progress is not None:
        progress(done, total, "writing")


def id_ranges(ids: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] -> [[1, 3], [7, 8]]: the new rows' ids, compact enough for one audit event."""
    ranges: list[list[int]] = []
    for value in sorted(ids):
        if ranges and value == ranges[-1][1] + 1:
            ranges[-1][1] = value
        else:
            ranges.append([value, value])
    return ranges


def audit_summary(plan: Plan, new_ids: list[int]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "rows": plan.rows,
        "inserted": len(plan.inserts),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "inserted_ids": id_ranges(new_ids),
    }
    if plan.inserted_keys:
        summary["inserted_keys"] = plan.inserted_keys
    if plan.update_diffs:
        summary["updated_records"] = plan.update_diffs
    return summary

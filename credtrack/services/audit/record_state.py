"""Records and the log agree: each audited transaction vouches for the state it left its records in.

When a transaction that wrote audit events commits, every certificate, sign-off, completion, person
and account it touched is read back and a digest of its audited fields is stored with the
transaction's last event (``audit_record_state``). That event's hash covers a digest of those rows,
so they cannot be edited without breaking the chain (or, re-hashed, without breaking the signed
checkpoints). ``record_check.check`` then reads every record and reports each one whose current state is not
the state the log last vouched for: edited, un-revoked, deleted or added outside credtrack.

Records touched by the ORM are found from the session's flushes; bulk writes through Core name
their rows with ``touch`` or ``touch_new``; an event naming a tracked record touches it too. A bulk
insert that knows what it stored hands over its rows' digests instead (``inserted_digests`` and
``vouch_inserted``), so sealing need not read them back.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    String,
    Text,
    event,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ColumnDefault

from credtrack.models import AuditEvent, Certificate
from credtrack.services.audit.hashing import event_hash
from credtrack.services.audit.tracked import DELETED, TRACKED, Tracked

__all__ = ["DELETED", "TRACKED", "Tracked"]  # defined in tracked.py; read here by the record check and importers

_BY_MODEL = {spec.model: name for name, spec in TRACKED.items()}

_EVENTS = "credtrack_audit_events"
_TOUCHED = "credtrack_touched"
_CODES = "credtrack_touched_codes"
_SINCE = "credtrack_touched_since"
_KNOWN = "credtrack_known_digests"
CHUNK = 900  # ids per IN (...) list, under SQLite's bound-parameter limit


def _value(value: Any) -> Any:
    """JSON for what json itself cannot write (it asks only for those, so the common fields cost nothing)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a field the log vouches for")


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_value).encode


def digest(values: Iterable[Any]) -> str:
    """128 bits of SHA-256 over the audited fields, in their order."""
    return hashlib.sha256(_ENCODE(list(values)).encode("utf-8")).hexdigest()[:32]


def _digest_encoded(pieces: Iterable[str]) -> str:
    """``digest`` of the values whose JSON ``pieces`` are: a list is its items' JSON, comma-separated, in brackets."""
    return hashlib.sha256(("[" + ",".join(pieces) + "]").encode("utf-8")).hexdigest()[:32]


def states_digest(states: Iterable[tuple[str, int, str]]) -> str:
    """What an event's hash covers: SHA-256 over its record states, sorted."""
    text = json.dumps(sorted(states), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _raw_rows(session: Session, spec: Tracked, where: str = "") -> Any:
    """The tracked fields as the driver returns them: no type conversion per value, as digests need none
    (every digest of a database is made this one way, so they compare). ``where`` names the key as ``{key}``."""
    quote = session.connection().dialect.identifier_preparer.quote
    key = quote(spec.key)
    columns = ", ".join([key, *(quote(name) for name in spec.fields)])
    order = f" ORDER BY {columns}" if spec.grouped else ""
    return session.connection().exec_driver_sql(
        f"SELECT {columns} FROM {quote(spec.table.name)}{where.format(key=key)}{order}"
    )


def _digests_of(spec: Tracked, rows: Iterable[Any], into: dict[int, str]) -> None:
    """Each record's digest from its rows: one row a record, or (grouped) the list of a parent's rows."""
    if not spec.grouped:
        for row in rows:
            into[row[0]] = digest(row[1:])
        return
    groups: dict[int, list[list[Any]]] = {}
    for row in rows:  # in key order, then by the fields, so a group's rows are always listed alike
        groups.setdefault(row[0], []).append(list(row[1:]))
    for key, members in groups.items():
        into[key] = digest(members)


def current_digests(
    session: Session, kind: str, ids: Iterable[int] | None = None, *, above: int | None = None
) -> dict[int, str]:
    """Each record's digest as it stands: of ``ids`` and of those with ids above ``above``, or of every
    record of ``kind`` (neither given)."""
    spec = TRACKED[kind]
    found: dict[int, str] = {}
    if ids is None or above is not None:
        where = "" if above is None else f" WHERE {{key}} > {int(above)}"
        _digests_of(spec, _raw_rows(session, spec, where), found)
        if ids is None:
            return found
        ids = [i for i in ids if i not in found]
    wanted = sorted({int(i) for i in ids})
    for start in range(0, len(wanted), CHUNK):
        listed = ", ".join(str(i) for i in wanted[start : start + CHUNK])
        _digests_of(spec, _raw_rows(session, spec, f" WHERE {{key}} IN ({listed})"), found)
    return found


# -- what a transaction touched ---------------------------------------------------------------------


def touch(session: Session, kind: str, ids: Iterable[int]) -> None:
    """Name records of ``kind`` a Core statement in this transaction wrote or changed."""
    kind, ids = str(kind), [int(i) for i in ids]  # a table's name is a str subclass the driver inspects per row
    session.info.setdefault(_TOUCHED, {}).setdefault(kind, set()).update(ids)
    known = session.info.get(_KNOWN, {}).get(kind)
    if known:  # changed again since it was inserted: what was handed over no longer stands
        for record_id in ids:
            known.pop(record_id, None)


def vouch_inserted(session: Session, kind: str, ids: Iterable[int], digests: Iterable[str]) -> None:
    """Records of ``kind`` this transaction inserted, with the digests ``inserted_digests`` made of what was
    stored: sealing vouches for them as they are, without reading them back (unless touched again)."""
    session.info.setdefault(_KNOWN, {}).setdefault(str(kind), {}).update(zip(ids, digests, strict=True))


# The values whose stored form a re-read gives back unchanged (once through the column's bind processor),
# by the exact type of their column: anything else a column might convert, so those rows are read back.
_PLAIN: dict[type, type] = {Integer: int, String: str, Text: str, Date: dt.date, DateTime: dt.datetime, Boolean: bool}


def inserted_digests(
    connection: Connection, kind: str, rows: list[dict[str, Any]], constants: dict[str, Any] | None = None
) -> list[str] | None:
    """The digest a re-read would give of each of ``rows`` just inserted, made from the values themselves.

    ``rows`` name the same columns; ``constants`` hold values every row took and columns named in neither
    take their default. The digest is that of ``current_digests``: of each value as the driver returns it,
    which is the value through its column's bind processor (SQLite keeps the text and integers SQLAlchemy
    gives it, PostgreSQL gives back the date, time or flag it was given). None when that is not plain to
    see from the values: a value of another type than its column's (the database would convert it), a
    time with a time zone, or a default the database or each row chooses; such rows must be read back.
    """
    spec = TRACKED[kind]
    if spec.grouped:  # a record of several rows: read back
        return None
    dialect = connection.dialect
    constants = constants or {}
    count = len(rows)
    columns: list[list[Any]] = []
    for name in spec.fields:
        column = spec.table.c[name]
        plain = _PLAIN.get(type(column.type))
        if plain is None:
            return None
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if rows and name in rows[0]:
            values = [row[name] for row in rows]
        else:
            if name in constants:
                value = constants[name]
            elif column.default is not None:
                if not (isinstance(column.default, ColumnDefault) and column.default.is_scalar):
                    return None
                value = column.default.arg
            elif column.server_default is not None:
                return None
            else:
                value = None
            if not _plain(plain, [value]):
                return None
            columns.append([_ENCODE(process(value) if process else value)] * count)
            continue
        if not _plain(plain, values):
            return None
        # Each distinct value is processed and encoded once (a column holds one type, so equal is identical).
        encoded: dict[Any, str] = {}
        columns.append(
            [
                encoded[v] if v in encoded else encoded.setdefault(v, _ENCODE(process(v) if process else v))
                for v in values
            ]
        )
    return [_digest_encoded(pieces) for pieces in zip(*columns, strict=True)]


def _plain(plain: type, values: list[Any]) -> bool:
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds <= {plain}:
        return False
    return plain is not dt.datetime or all(v is None or v.tzinfo is None for v in values)


def touch_new(session: Session, kind: str) -> None:
    """Records of ``kind`` inserted from now on in this transaction (ids above today's largest) are touched."""
    since = session.info.setdefault(_SINCE, {})
    if kind not in since:
        spec = TRACKED[kind]
        key = spec.table.c[spec.key]
        since[kind] = session.connection().execute(select(func.coalesce(func.max(key), 0))).scalar_one()


def note_events(session: Session, written: list[Any], named: Iterable[tuple[str, str]]) -> None:
    """Called by ``audit.record_many``: the events this transaction wrote and the records they name."""
    session.info.setdefault(_EVENTS, []).extend(written)
    for kind, entity_id in named:
        if kind == "certificate":
            session.info.setdefault(_CODES, set()).add(entity_id)
        elif kind in TRACKED and entity_id.isdigit():
            touch(session, kind, [int(entity_id)])


@event.listens_for(Session, "after_flush")
def _touched_by_flush(session: Session, _context: object) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = _BY_MODEL.get(type(obj))
        if kind is not None and (key := getattr(obj, TRACKED[kind].key)) is not None:
            touch(session, kind, [key])


@event.listens_for(Session, "before_commit")
def _seal(session: Session) -> None:
    """Store the touched records' states with the transaction's last event, and re-hash that event."""
    if not session.info.get(_EVENTS):
        _forget(session)
        return
    session.flush()
    written = session.info[_EVENTS]
    touched: dict[str, set[int]] = {k: set(v) for k, v in session.info.get(_TOUCHED, {}).items()}
    connection = session.connection()
    codes = sorted(session.info.get(_CODES, ()))
    for start in range(0, len(codes), CHUNK):
        touched.setdefault("certificate", set()).update(
            connection.execute(
                select(Certificate.id).where(Certificate.code.in_(codes[start : start + CHUNK]))
            ).scalars()
        )
    since = session.info.get(_SINCE, {})
    known = session.info.get(_KNOWN, {})
    states = []
    for kind in sorted(touched.keys() | since.keys() | known.keys()):
        ids = touched.get(kind, set())
        now = dict(known.get(kind, {}))
        if ids or kind in since:
            # Rows inserted since touch_new are read in one range, not named one by one.
            now.update(current_digests(session, kind, ids, above=since.get(kind)))
        every = ids | now.keys()
        states += [(kind, record_id, now.get(record_id, DELETED)) for record_id in sorted(every)]
    _forget(session)
    if states:
        _vouch(session, written[-1], states)


def _vouch(session: Session, last: Any, states: list[tuple[str, int, str]]) -> None:
    last.records_digest = states_digest(states)
    last.hash = event_hash(last)
    connection = session.connection()
    connection.execute(
        update(AuditEvent).where(AuditEvent.id == last.id).values(records_digest=last.records_digest, hash=last.hash)
    )
    # Straight to the driver's executemany: a 100,000-row import vouches for 100,000 records.
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        "INSERT INTO audit_record_state (event_id, entity_type, entity_id, digest) "
        f"VALUES ({mark}, {mark}, {mark}, {mark})",
        [(last.id, k, i, d) for k, i, d in states],
    )


def _forget(session: Session) -> None:
    for key in (_EVENTS, _TOUCHED, _CODES, _SINCE, _KNOWN):
        session.info.pop(key, None)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    _forget(session)


def touch_everything(session: Session, kinds: Iterable[str] | None = None) -> None:
    """Every record of every kind, or of ``kinds`` (a baseline: what stood when the log began vouching for
    records; a migration names the kinds whose tables exist at its revision)."""
    for kind in TRACKED if kinds is None else kinds:
        session.info.setdefault(_SINCE, {})[kind] = 0

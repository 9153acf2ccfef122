"""The hash-chained audit log: writing events in the caller's transaction, and checking the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack.errors import AccountChanged
from credtrack.models import AuditEvent, User, utcnow
from credtrack.services.audit import record_state
from credtrack.services.audit.hashing import event_hash, to_json
from credtrack.services.permissions import Actor
from credtrack.writers import serialise_writers

GENESIS = "0" * 64

# What a failed attempt records about the account it was tried against, whatever state that account is in.
ATTEMPTS = frozenset({"user.login_failed", "user.locked", "user.signature_failed"})


@dataclass(frozen=True)
class Entry:
    """One event to append with ``record_many``: the same fields ``record`` takes."""

    action: str
    entity_type: str
    entity_id: Any = ""
    before: Any = None
    after: Any = None
    reauthenticated: bool = False
    note: str = ""


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: Any = "",
    *,
    before: Any = None,
    after: Any = None,
    reauthenticated: bool = False,
    note: str = "",
) -> Written:
    """Append an event in the caller's transaction; it commits or rolls back with the change."""
    entry = Entry(action, entity_type, entity_id, before, after, reauthenticated, note)
    return record_many(session, actor, [entry])[0]


@dataclass(slots=True)
class Written:
    """An event as ``record_many`` wrote it: the columns of its row."""

    id: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before_json: str | None
    after_json: str | None
    reauthenticated: bool
    note: str
    prev_hash: str
    hash: str = ""
    records_digest: str = ""


_COLUMNS = Written.__slots__


def record_many(session: Session, actor: Actor, entries: Iterable[Entry]) -> list[Written]:
    """Append ``entries`` in order in the caller's transaction, chained exactly as one ``record`` each.

    The end of the chain is read once and the events are written in one INSERT, so a
    batch of a thousand changes costs one read, not a thousand. Nothing edits an event
    once written, so no ORM object is made for it.
    """
    entries = list(entries)
    if not all(entry.action in ATTEMPTS for entry in entries):
        confirm_account(session, actor)
    serialise_writers(session)  # two workstations never chain onto the same previous event
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    next_id, prev_hash = ((last.id + 1), last.hash) if last else (1, GENESIS)
    events: list[Written] = []
    for entry in entries:
        event = Written(
            next_id,
            utcnow(),
            actor.id,
            actor.username,
            entry.action,
            entry.entity_type,
            str(entry.entity_id),
            to_json(entry.before),
            to_json(entry.after),
            entry.reauthenticated,
            entry.note,
            prev_hash,
        )
        event.hash = event_hash(event)
        events.append(event)
        next_id, prev_hash = next_id + 1, event.hash
    if events:
        session.connection().execute(
            AuditEvent.__table__.insert(), [{name: getattr(e, name) for name in _COLUMNS} for e in events]
        )
        # At commit the transaction's last event is re-hashed to vouch for the records it left behind.
        record_state.note_events(session, events, [(e.entity_type, e.entity_id) for e in events])
    return events


def confirm_account(session: Session, actor: Actor) -> None:
    """Refuse a change by an account switched off, or given another role, since its user signed in.

    Every change writes an event, so this one check covers every service: a workstation left
    signed in cannot go on working under rights an administrator has taken away.
    """
    if actor.id is None:  # set-up and the command line's own steps act as the system, not an account
        return
    row = session.execute(select(User.active, User.role).where(User.id == actor.id)).first()
    if row is None or not row.active:
        raise AccountChanged(
            "Your account has been switched off by an administrator, so nothing was saved. "
            "Ask an administrator if this is a mistake."
        )
    if row.role != actor.role:
        raise AccountChanged(
            f"Your role was changed from {actor.role} to {row.role} since you signed in, so "
            "nothing was saved. Sign out and sign in again to go on with your new role."
        )


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    events_checked: int
    broken_at: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.intact:
            return f"Audit log intact: {self.events_checked} events, every link verified."
        return f"Audit log BROKEN at event {self.broken_at}: {self.problem}"


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the log in order and report the first event that does not link or hash correctly."""
    expected_prev = GENESIS
    expected_id = 1  # the first event ever written is number 1 (see record())
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.id != expected_id:
                return ChainReport(False, checked, expected_id, f"event {expected_id} is missing")
            if event.prev_hash != expected_prev:
                return ChainReport(
                    False, checked, event.id, "it does not link to the event before it (deleted or reordered)"
                )
            if event_hash(event) != event.hash:
                return ChainReport(False, checked, event.id, "its contents were changed after it was written")
            expected_prev = event.hash
            expected_id = event.id + 1
            checked += 1
            last_id = event.id
        session.expunge_all()
    return ChainReport(True, checked)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0

"""Failed sign-ins pause one user name on one workstation, never the account everywhere.

Five wrong passwords in a row for a name from a workstation pause sign-in with that name there for
a while; other workstations, and the account's owner elsewhere, are not affected. Unknown names are
counted the same way as real ones, so the pause tells nobody which names exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
from functools import lru_cache

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from credtrack.models import LoginThrottle

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
SOURCE_LENGTH = 200


@lru_cache(maxsize=1)
def this_workstation() -> str:
    """Where this process signs in from: the machine's host name."""
    return (socket.gethostname() or "this workstation")[:SOURCE_LENGTH]


def name_digest(username: str) -> str:
    """The throttle's key for a typed user name (a digest, since a password typed as a name must not be kept)."""
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()


def _row(session: Session, source: str, username: str) -> LoginThrottle | None:
    return session.scalar(select(LoginThrottle).where(LoginThrottle.source == source[:SOURCE_LENGTH],
                                                      LoginThrottle.name_digest == name_digest(username)))


def paused_until(session: Session, source: str, username: str, now: dt.datetime) -> dt.datetime | None:
    row = _row(session, source, username)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


def failures_here(session: Session, source: str, username: str) -> int:
    """Wrong passwords for the name from ``source`` since its last right one."""
    row = _row(session, source, username)
    return row.failures if row is not None else 0


def count_failure(session: Session, source: str, username: str, now: dt.datetime) -> tuple[int, bool]:
    """Count one wrong password; returns (failures so far, whether the name is now paused here)."""
    row = _row(session, source, username)
    if row is None:
        row = LoginThrottle(source=source[:SOURCE_LENGTH], name_digest=name_digest(username), failures=0)
        session.add(row)
    if row.locked_until is not None and row.locked_until <= now:
        row.failures, row.locked_until = 0, None  # an earlier pause has worn off: start counting again
    row.failures += 1
    row.last_failed_at = now
    paused = row.failures >= MAX_FAILED_LOGINS
    if paused:
        row.locked_until = now + LOCKOUT
    session.flush()
    return row.failures, paused


def clear(session: Session, source: str, username: str) -> None:
    """A right password from this workstation: forget its failures for the name."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.source == source[:SOURCE_LENGTH],
                                                LoginThrottle.name_digest == name_digest(username)))


def clear_everywhere(session: Session, username: str) -> int:
    """An administrator lifts every pause on the name; returns how many workstations had one."""
    result = session.execute(delete(LoginThrottle).where(LoginThrottle.name_digest == name_digest(username)))
    assert isinstance(result, CursorResult)  # a DELETE's result carries the row count
    return result.rowcount or 0


def paused_names(session: Session, now: dt.datetime) -> set[str]:
    """Digests of the names paused on some workstation now."""
    return set(session.scalars(select(LoginThrottle.name_digest).where(LoginThrottle.locked_until > now)))

"""Failed sign-ins pause one user name on one workstation, never the account everywhere.

Five wrong passwords in a row for a name from a workstation pause sign-in with that name there for
a while; other workstations, and the account's owner elsewhere, are not affected. Unknown names are
counted the same way as real ones, so the pause tells nobody which names exist.

A name no account has may be a password typed into the wrong field, so nothing in the database lets
anyone work out what was typed: it is counted under a few bits of a digest keyed with a secret that
stays in this workstation's data folder (never in the database or a backup). An account's name is
not secret and is counted under its SHA-256, the same on every workstation, so an administrator can
lift its pauses everywhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import secrets
import socket
from functools import lru_cache
from pathlib import Path

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from credtrack import paths
from credtrack.models import LoginThrottle

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
SOURCE_LENGTH = 200
UNKNOWN_PREFIX = "unknown:"  # never in a SHA-256 hex digest, so an unknown name never meets an account's
UNKNOWN_HEX = 5  # 20 bits: unknown names share a counter now and then, and a digest this short gives nothing away
SECRET_BYTES = 32
_secrets: dict[Path, bytes] = {}


@lru_cache(maxsize=1)
def this_workstation() -> str:
    """Where this process signs in from: the machine's host name."""
    return (socket.gethostname() or "this workstation")[:SOURCE_LENGTH]


def name_digest(username: str, *, known: bool = True) -> str:
    """The throttle's key for a typed user name: the SHA-256 of an account's name, and for a name no
    account has (perhaps a password typed as a name) a few bits of this workstation's keyed digest."""
    name = username.strip().casefold().encode("utf-8")
    if known:
        return hashlib.sha256(name).hexdigest()
    return UNKNOWN_PREFIX + hmac.new(_workstation_secret(), name, hashlib.sha256).hexdigest()[:UNKNOWN_HEX]


def _workstation_secret() -> bytes:
    """This data folder's key for unknown names, made on first use (owner-only); a folder that cannot be
    written gets one for this process, so unknown names still count there, within the process."""

    path = paths.login_names_key_file()
    if path not in _secrets:
        _secrets[path] = _read_or_make(path)
    return _secrets[path]


def _read_or_make(path: Path) -> bytes:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except OSError:
        return secrets.token_bytes(SECRET_BYTES)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(SECRET_BYTES))
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs is the one
            os.link(tmp, path)  # whole, never half-written
        return _read(path)
    except OSError:
        return secrets.token_bytes(SECRET_BYTES)
    finally:
        tmp.unlink(missing_ok=True)


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    if len(data) != SECRET_BYTES:
        raise OSError(f"{path} is damaged")
    return data


def _row(session: Session, source: str, username: str, known: bool = True) -> LoginThrottle | None:
    return session.scalar(
        select(LoginThrottle).where(
            LoginThrottle.source == source[:SOURCE_LENGTH],
            LoginThrottle.name_digest == name_digest(username, known=known),
        )
    )


def paused_until(
    session: Session, source: str, username: str, now: dt.datetime, *, known: bool = True
) -> dt.datetime | None:
    row = _row(session, source, username, known)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


def failures_here(session: Session, source: str, username: str) -> int:
    """Wrong passwords for the name from ``source`` since its last right one."""
    row = _row(session, source, username)
    return row.failures if row is not None else 0


def count_failure(
    session: Session, source: str, username: str, now: dt.datetime, *, known: bool = True
) -> tuple[int, bool]:
    """Count one wrong password (``known``: the name is an account's); returns (failures so far, whether
    the name is now paused here)."""
    row = _row(session, source, username, known)
    if row is None:
        row = LoginThrottle(source=source[:SOURCE_LENGTH], name_digest=name_digest(username, known=known), failures=0)
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
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.source == source[:SOURCE_LENGTH], LoginThrottle.name_digest == name_digest(username)
        )
    )


def clear_everywhere(session: Session, username: str) -> int:
    """An administrator lifts every pause on the name; returns how many workstations had one."""
    result = session.execute(delete(LoginThrottle).where(LoginThrottle.name_digest == name_digest(username)))
    assert isinstance(result, CursorResult)  # a DELETE's result carries the row count
    return result.rowcount or 0


def paused_names(session: Session, now: dt.datetime) -> set[str]:
    """Digests of the names paused on some workstation now."""
    return set(session.scalars(select(LoginThrottle.name_digest).where(LoginThrottle.locked_until > now)))

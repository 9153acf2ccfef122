"""Engine, session factory and unit of work; SQLite pragmas; opening (and upgrading) a database."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable
from contextvars import ContextVar, Token
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from credtrack import paths
from credtrack.errors import (
    ConcurrentEditError,
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseFullError,
    DatabaseReadOnlyError,
)

SQLITE_BUSY_TIMEOUT_MS = 5000


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them through psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _digest(text: str | None) -> int | None:
    """``credtrack_digest(text)`` in SQLite: 64 bits of BLAKE2b as a signed integer (PostgreSQL's statements
    use 64 bits of md5 instead; a digest is only ever compared with one the same database made)."""
    if text is None:
        return None
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide where transactions begin (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    # The packed evidence rows carry a digest of their texts (models/evidence.py).
    dbapi_connection.create_function("credtrack_digest", 1, _digest, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


_write_intent: ContextVar[bool] = ContextVar("credtrack_write_intent", default=False)
log = logging.getLogger(__name__)
_in_unit: ContextVar[bool] = ContextVar("credtrack_in_unit_of_work", default=False)


def intend_to_write() -> None:
    """Mark the current unit of work as one that will write.

    On SQLite its transaction then opens with BEGIN IMMEDIATE, taking the write lock before the
    first read: two workstations saving at once queue behind the busy timeout, instead of the
    second failing after it read a snapshot the first has since replaced. Reads are unaffected.
    Outside a unit of work it does nothing: no later transaction of the thread begins differently.
    """
    if _in_unit.get():
        _write_intent.set(True)


def _sqlite_on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


# On a shared server one stuck transaction must not hold every workstation silently: waiting for a
# lock ends like SQLite's busy timeout (a "database busy" message, nothing saved), a runaway
# statement ends after five minutes, and a session left idle inside a transaction (a crashed or
# suspended workstation) is ended by the server after ten, releasing its locks.
POSTGRES_TIMEOUTS = (
    f"-c lock_timeout={SQLITE_BUSY_TIMEOUT_MS} -c statement_timeout=300000 "
    "-c idle_in_transaction_session_timeout=600000"
)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    # A database error never repeats the values it was given: a failed import would otherwise print
    # every row of people's records into a message, a log or a bug report.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = kwargs.setdefault("connect_args", {})
    connect_args.setdefault("options", POSTGRES_TIMEOUTS)
    return create_engine(url, **kwargs)


def is_locked_error(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
        return any(
            words in text for words in ("database is locked", "database is busy", "lock timeout", "statement timeout")
        )
    return False


_KEPT_ON_FAILURE = "credtrack_kept_on_failure"


def keep_on_failure(session: Session, work: Callable[[Session], None]) -> None:
    """Write ``work`` even though the action under way fails (a wrong signing password is counted, though
    the action it signed is abandoned): when the unit of work ends, it rolls the action back unless it
    was committed, then runs ``work`` in a transaction of its own and commits it. Nothing else commits."""
    session.info.setdefault(_KEPT_ON_FAILURE, []).append(work)


class UnitOfWork:
    """One user action, one transaction: rolls back unless ``commit()`` was called.

    Translates a stale optimistic-lock update into ConcurrentEditError and a
    database that stayed locked into DatabaseBusyError, so callers show a message
    instead of a traceback.
    """

    session: Session

    def __init__(self, factory: Callable[[], Session]) -> None:
        self._factory = factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self._intent: Token[bool] = _write_intent.set(False)
        self._inside: Token[bool] = _in_unit.set(True)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        kept = self.session.info.pop(_KEPT_ON_FAILURE, [])
        if kept:
            self._keep(kept)
        # close() rolls back whatever was not committed and detaches loaded objects without
        # expiring them, so plain values read inside stay readable afterwards.
        self.session.close()
        _in_unit.reset(self._inside)
        _write_intent.reset(self._intent)
        if exc is not None:
            _translate(exc)

    def _keep(self, kept: list[Callable[[Session], None]]) -> None:
        """Roll the action back, then write what ``keep_on_failure`` asked for in a transaction of its own."""
        self.session.rollback()
        try:
            for work in kept:
                work(self.session)
            self.session.commit()
        except Exception:
            self.session.rollback()
            log.exception("Could not keep a record of a failed action")

    def commit(self) -> None:
        try:
            self.session.commit()
        except Exception as exc:
            self.session.rollback()
            _translate(exc)
            raise

    def rollback(self) -> None:
        self.session.rollback()


def _is_stale_snapshot(exc: BaseException) -> bool:
    """SQLite (WAL) refusing a write because another connection committed since this one read."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY_SNAPSHOT


def _translate(exc: BaseException) -> None:
    if isinstance(exc, StaleDataError) or _is_stale_snapshot(exc):
        raise ConcurrentEditError() from exc
    if is_locked_error(exc):
        raise DatabaseBusyError() from exc
    if isinstance(exc, OperationalError) and "readonly database" in str(exc.orig or exc).lower():
        raise DatabaseReadOnlyError() from exc
    if is_full_error(exc):
        raise DatabaseFullError() from exc
    if is_damage_error(exc):
        raise DatabaseDamagedError(str(exc.orig), refused="Nothing was saved. ") from exc  # type: ignore[attr-defined]


def is_damage_error(exc: BaseException) -> bool:
    """SQLite finding a damaged page (SQLITE_CORRUPT) or a file that is not a database at all (SQLITE_NOTADB)."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return (
        isinstance(exc, DBAPIError)
        and code is not None
        and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    )


def is_full_error(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL, or PostgreSQL's disk_full (53100) and "could not extend file" (out of space)."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)
    return state == "53100" or "could not extend file" in str(orig).lower()


class Database:
    """An open credtrack database: engine plus a factory for units of work."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = engine or make_engine(self.url)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        if self.sqlite_path is not None:
            _keep_private(self.sqlite_path)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = make_url(self.url).database
        if not database or database == ":memory:":
            return None
        return Path(database)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def dispose(self) -> None:
        self.engine.dispose()

    def describe(self) -> str:
        if self.sqlite_path is not None:
            return f"SQLite: {self.sqlite_path}"
        return make_url(self.url).render_as_string(hide_password=True)


def _keep_private(path: Path) -> None:
    """The database file and its journal, owner-only (0600): they hold people's records and password hashes.

    A missing file is created empty with that mode (SQLite makes it a database on first use and gives its
    journal files the same mode).
    """
    if path.parent.exists():
        paths.private_file(path)
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            paths.private_file(extra)

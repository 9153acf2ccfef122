"""One lock that every credtrack writer takes on PostgreSQL, held until its transaction ends.

SQLite has a single writer by construction (BEGIN IMMEDIATE, see ``credtrack.db``). On
PostgreSQL two workstations' transactions run side by side, and two things must not
interleave: chaining onto the audit log's last event, and re-packing a person's evidence row
(a DELETE and an INSERT that two writers for the same person would both try). Taking this
transaction-scoped advisory lock before either makes the second writer wait for the first to
commit; its next statement then reads what the first wrote. Taking it again in the same
transaction is free.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

WRITERS_LOCK = 0x63726564  # any constant shared by every credtrack writer


def serialise_writers(bind: Session | Connection) -> None:
    """On PostgreSQL, wait for any other credtrack writer's transaction to end; nothing on SQLite."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITERS_LOCK})

"""Opening a credtrack database: its schema made current, after a backup of a SQLite file it upgrades."""

from __future__ import annotations

from pathlib import Path

from credtrack import schema
from credtrack.db import Database
from credtrack.services import backups


def open_database(url: str, *, upgrade: bool = True, backup_dir: Path | None = None) -> Database:
    """Open ``url``, creating or upgrading its schema (after a backup into ``backup_dir``) as needed.

    Refuses a database written by a newer credtrack with DatabaseTooNewError.
    """
    return schema.open_current(Database(url), upgrade=upgrade, back_up=backups.before_upgrade(backup_dir))

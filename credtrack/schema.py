"""Schema version checks and migrate-on-open.

A current database opens without importing Alembic (it costs most of a second at
start-up); an empty one is created by the migrations; an older one is backed up,
then upgraded; a newer one is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from credtrack import migrations, paths
from credtrack.db import Database, is_damage_error
from credtrack.errors import DatabaseDamagedError, DatabaseOpenError, DatabaseTooNewError
from credtrack.models import evidence


def current_revision(db) -> str | None:
    """The revision stamped in the database, or None for an empty database."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            tables = inspect(conn).get_table_names()
            if tables:
                raise DatabaseOpenError(
                    "This database was not created by credtrack (it has tables but no credtrack "
                    "schema version). Choose another file or an empty database."
                )
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# Copies a SQLite file about to be upgraded (the file, the reason) and returns where the copy is.
BackUp = Callable[[Path, str], Path]


def alembic_config(db):
    # Alembic is imported where it is used (here and below): it takes about 0.4 s to load
    # (python -X importtime), and opening a database that is already current never needs it.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def known_revisions(db=None) -> set[str]:
    """Every schema revision this copy of credtrack has a migration for."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(paths.migrations_dir()))
    return {rev.revision for rev in script.walk_revisions()}


def run_upgrade(db, target: str = "head") -> None:
    """Upgrade to ``target``; at the newest schema, everyone's packed evidence is then packed again in the
    same transaction (the projection follows the code, so no migration has to keep it in step)."""
    from alembic import command

    config = alembic_config(db)
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)
        if target in ("head", migrations.HEAD):
            evidence.rebuild(conn)


def ensure_current(db, *, upgrade: bool = True, back_up: BackUp | None = None) -> str | None:
    """Bring ``db`` to the newest schema. Returns the path of a backup made first, if any.

    ``back_up(file, reason)`` copies a SQLite file that is about to be upgraded; the caller chooses how
    (``credtrack.services.database.open_database`` makes a full credtrack backup).
    """
    try:
        revision = current_revision(db)
    except SQLAlchemyError as exc:
        cause = exc.orig if isinstance(exc, DBAPIError) else None  # the driver's own error, if any
        if is_damage_error(exc):
            raise DatabaseDamagedError(str(cause), refused="It was left as it is. ") from exc
        raise DatabaseOpenError(f"Could not open the database {db.describe()}: {cause or exc}") from exc
    if revision == migrations.HEAD:
        return None
    if revision is not None and revision not in known_revisions(db):
        raise DatabaseTooNewError(
            f"This database uses schema version {revision}, which is newer than this copy of "
            "credtrack understands. Install the newer credtrack that wrote it; the database was "
            "left unchanged."
        )
    if not upgrade:
        raise DatabaseOpenError(f"The database schema is at {revision or 'nothing'}; it needs an upgrade.")
    backup_path = None
    if revision is not None and db.sqlite_path is not None and back_up is not None:
        backup_path = back_up(db.sqlite_path, f"before-upgrade-from-{revision}")
    run_upgrade(db)
    return str(backup_path) if backup_path else None


def open_current(db: Database, *, upgrade: bool = True, back_up: BackUp | None = None) -> Database:
    """``db`` with its schema made current (``ensure_current``), or closed again if that fails."""
    try:
        ensure_current(db, upgrade=upgrade, back_up=back_up)
    except BaseException:
        db.dispose()
        raise
    return db

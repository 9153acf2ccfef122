"""Backups of the SQLite database through SQLite's online backup API."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from credtrack import paths


def backup_sqlite(source: Path, *, reason: str = "manual", folder: Path | None = None, keep: int | None = None) -> Path:
    """Copy a live SQLite database to a timestamped file and return its path.

    Uses the online backup API, so the copy is consistent even while another
    connection writes. With ``keep``, older copies made for the same reason are pruned.
    """
    folder = folder or paths.backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{Path(source).stem}-{stamp}-{reason}.db"
    paths.private_file(target)  # a backup is as private as the database
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    if keep is not None:
        prune(folder, Path(source).stem, reason, keep)
    return target


def prune(folder: Path, stem: str, reason: str, keep: int) -> list[Path]:
    copies = sorted(folder.glob(f"{stem}-*-{reason}.db"))
    removed = copies[:-keep] if keep > 0 else copies
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def restore_sqlite(backup: Path, target: Path) -> None:
    """Replace ``target`` with the contents of ``backup`` (the app must have closed ``target``).

    The copy is checked first; a damaged or foreign file is refused and ``target`` is left as it was.
    """
    from credtrack.errors import ValidationError

    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            result = src.execute("PRAGMA integrity_check").fetchone()
            if not result or result[0] != "ok":
                raise sqlite3.DatabaseError(result[0] if result else "no answer")
            if src.execute("SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0] == 0:
                raise sqlite3.DatabaseError("it is not a credtrack database")
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{Path(backup).name} cannot be restored ({exc}); nothing was restored.") from exc


def integrity_ok(path: Path) -> tuple[bool, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
    finally:
        conn.close()
    message = result[0] if result else "no answer"
    return message == "ok", message


def auto_backup(source: Path, *, keep: int = 10, every_hours: float = 20, folder: Path | None = None) -> Path | None:
    """The rotating automatic copy made when the app opens: at most one per ``every_hours``,
    keeping the newest ``keep``. Returns the new copy, or None when a recent one exists."""
    folder = folder or paths.backups_dir()
    stem = Path(source).stem
    copies = sorted(folder.glob(f"{stem}-*-auto.db"), key=lambda p: p.stat().st_mtime)
    if copies:
        age_hours = (dt.datetime.now().timestamp() - copies[-1].stat().st_mtime) / 3600
        if age_hours < every_hours:
            return None
    return backup_sqlite(source, reason="auto", folder=folder, keep=keep)

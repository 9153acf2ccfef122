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
    """Replace ``target`` with the contents of ``backup`` (the app must have closed ``target``)."""
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        result = src.execute("PRAGMA integrity_check").fetchone()
        if not result or result[0] != "ok":
            raise ValueError(f"{backup} is damaged ({result[0] if result else 'no answer'}); nothing was restored.")
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def integrity_ok(path: Path) -> tuple[bool, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
    finally:
        conn.close()
    message = result[0] if result else "no answer"
    return message == "ok", message

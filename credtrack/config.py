"""Workstation settings, declared once with types and defaults.

These are per-workstation preferences (which database, paper size, idle lock).
Institution-wide settings such as the institution name live in the database.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from credtrack import paths


@dataclass
class LocalSettings:
    database_url: str = ""
    paper_size: str = "A4"  # "A4" or "Letter"
    idle_lock_minutes: int = 10
    backup_keep: int = 10
    last_import_mappings: dict[str, dict[str, str]] | None = None
    cohort_pdf_folder: str = ""  # where "Issue for cohort" last wrote its PDFs; empty: the data folder's

    @classmethod
    def load(cls, path: Path | None = None) -> LocalSettings:
        """Read settings, filling missing keys with defaults and ignoring unknown ones."""
        path = path or paths.settings_file()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            raw = {}
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
        settings = cls(**values)
        if settings.paper_size not in ("A4", "Letter"):
            settings.paper_size = "A4"
        return settings

    def save(self, path: Path | None = None) -> None:
        """Write the settings owner-only (0600): a database address may carry the server's password."""
        path = path or paths.settings_file()
        paths.write_private_file(path, json.dumps(asdict(self), indent=2, ensure_ascii=False).encode("utf-8"))


def database_url(cli_value: str | None = None) -> str:
    """The database to open: ``--database-url``, ``$CREDTRACK_DATABASE_URL``, settings, or SQLite default."""
    if cli_value:
        return cli_value
    env = os.environ.get(paths.DATABASE_URL_ENV)
    if env:
        return env
    saved = LocalSettings.load().database_url
    if saved:
        return saved
    return sqlite_url(paths.default_database_path())


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def describe_url(url: str) -> str:
    """A database URL safe to show on screen (no password)."""
    # Imported here, not at the top: the desktop app reads its settings before the log-in window shows,
    # and SQLAlchemy would add about 0.2 s to that (python -X importtime: credtrack.config 0.2 s with it
    # at the top, under 2 ms without).
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)

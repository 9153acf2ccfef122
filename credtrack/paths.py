"""Every filesystem location credtrack uses, from one place."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

HOME_ENV = "CREDTRACK_HOME"
DATABASE_URL_ENV = "CREDTRACK_DATABASE_URL"

_data_dir_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Point credtrack at another data folder (the ``--data-dir`` option)."""
    global _data_dir_override
    _data_dir_override = Path(path).expanduser().resolve() if path else None


def data_dir() -> Path:
    """The data folder: ``--data-dir``, else ``$CREDTRACK_HOME``, else the platform's user data dir."""
    if _data_dir_override is not None:
        path = _data_dir_override
    elif os.environ.get(HOME_ENV):
        path = Path(os.environ[HOME_ENV]).expanduser().resolve()
    else:
        from platformdirs import user_data_path

        path = user_data_path("credtrack", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "credtrack.db"


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _owner_only_dir(name: str) -> Path:
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # filesystems without POSIX modes
        path.chmod(0o700)
    return path


def keys_dir() -> Path:
    return _owner_only_dir("keys")


def checkpoints_file() -> Path:
    """The append-only file of signed audit checkpoints, kept beside the database and in every backup."""
    return data_dir() / "audit-checkpoints.jsonl"


def batches_dir() -> Path:
    """Where a batch issue stages its signed files until they are recorded: owner-only, never shared."""
    return _owner_only_dir("batches")


def logs_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    return data_dir() / "settings.json"


def resource_path(*parts: str) -> Path:
    """A file shipped inside the package under ``credtrack/resources``."""
    from importlib import resources  # loaded on demand: the log-in window shows before it is needed

    base = resources.files("credtrack").joinpath("resources")
    return Path(str(base.joinpath(*parts)))


def migrations_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("credtrack").joinpath("migrations")))

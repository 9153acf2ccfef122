"""Every filesystem location credtrack uses, from one place."""

from __future__ import annotations

import contextlib
import os
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path

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
        path = user_data_path("credtrack", appauthor=False)
    return private_dir(path)


def private_dir(path: Path) -> Path:
    """Make ``path`` (and its parents) and keep it readable by its owner only (0700), like the keys folder.

    The data folder holds the database, its backups and logs: people's records and password hashes.
    """
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):  # filesystems without POSIX modes, or a folder someone else owns
        path.chmod(0o700)
    return path


def private_file(path: Path) -> None:
    """Keep a file the owner's only (0600): create it empty if missing, else take away others' access."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with contextlib.suppress(OSError):
        path.chmod(0o600)


def default_database_path() -> Path:
    return data_dir() / "credtrack.db"


def backups_dir() -> Path:
    return private_dir(data_dir() / "backups")


def keys_dir() -> Path:
    return private_dir(data_dir() / "keys")


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only (0600), replacing any old file in one step."""
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):
        path.chmod(0o600)


def checkpoints_file() -> Path:
    """The append-only file of signed audit checkpoints, kept beside the database and in every backup."""
    return data_dir() / "audit-checkpoints.jsonl"


def login_names_key_file() -> Path:
    """This workstation's secret for counting sign-ins with names no account has; never in the database or a
    backup, since such a name may be a password typed in the wrong field."""
    return data_dir() / "login-names.key"


def certificates_dir() -> Path:
    """Where the desktop app writes the PDFs it issues and opens (owner-only: they name learners)."""
    return private_dir(data_dir() / "certificates")


def attachments_dir() -> Path:
    """Where files attached to improvement work are kept, each named by its SHA-256 (owner-only: they
    name learners and patients' events)."""
    return private_dir(data_dir() / "attachments")


def batches_dir() -> Path:
    """Where a batch issue stages its signed files until they are recorded: owner-only, never shared."""
    return private_dir(data_dir() / "batches")


def logs_dir() -> Path:
    return private_dir(data_dir() / "logs")


def settings_file() -> Path:
    return data_dir() / "settings.json"


def resource_path(*parts: str) -> Path:
    """A file shipped inside the package under ``credtrack/resources``."""

    base = resources.files("credtrack").joinpath("resources")
    return Path(str(base.joinpath(*parts)))


def migrations_dir() -> Path:
    return Path(str(resources.files("credtrack").joinpath("migrations")))

"""The backup file: one zip with the SQLite database, the audit checkpoints, the signing key and a manifest.

The manifest names every other member with its SHA-256, the credtrack version, the schema
revision and when the copy was made; a file whose members do not match it is refused before
anything is read from it. The database member is made with SQLite's online backup API, so the
copy is consistent while other connections write. Nothing here decides policy (who may, which
key, how many to keep): that is ``credtrack.services.backups``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import credtrack
from credtrack import paths
from credtrack.errors import NoSpaceError, ValidationError

FORMAT = "credtrack-backup/1"
MANIFEST = "manifest.json"
DATABASE = "credtrack.db"
CHECKPOINTS = "audit-checkpoints.jsonl"
KEY = "signing-key.pem"
SUFFIX = ".zip"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    """What a backup says about itself."""

    created_at: dt.datetime
    reason: str
    app_version: str
    schema_revision: str | None
    members: dict[str, str]  # name -> sha256
    key_kid: str | None = None
    key_protection: str = ""  # "issuer passphrase", "backup passphrase", or why it was left out
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "created_at": self.created_at.isoformat(),
                "reason": self.reason,
                "app_version": self.app_version,
                "schema_revision": self.schema_revision,
                "members": self.members,
                "key": {"kid": self.key_kid, "protection": self.key_protection},
                **self.extra,
            },
            indent=2,
            sort_keys=True,
        )

    @property
    def has_key(self) -> bool:
        return KEY in self.members


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the online backup API (consistent while others write)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def read_one(path: Path, sql: str) -> str | None:
    """One value from a SQLite file opened read-only; None when the table or row is not there."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute(sql).fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def integrity_ok(path: Path, *, full: bool = False) -> tuple[bool, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        return False, str(exc)
    finally:
        conn.close()
    message = result[0] if result else "no answer"
    return message == "ok", message


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def private_folder(path: Path) -> Path:
    """Make ``path`` (a folder only its owner may open) and return it."""
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # filesystems without POSIX modes
        path.chmod(0o700)
    return path


write_private = paths.write_private_file


def write_backup(
    database: Path,
    folder: Path,
    *,
    reason: str,
    checkpoints: Path | None,
    key_pem: bytes | None,
    key_kid: str | None,
    key_protection: str,
    created_at: dt.datetime | None = None,
) -> tuple[Path, Manifest]:
    """Write a new backup file into ``folder`` (0700) as ``credtrack-<UTC time>-<reason>.zip`` (0600)."""
    private_folder(folder)
    now = created_at or dt.datetime.now(dt.UTC)
    target = folder / f"credtrack-{now:%Y%m%d-%H%M%S-%f}-{reason}{SUFFIX}"
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=folder))
    try:
        copy = work / DATABASE
        sqlite_copy(database, copy)
        members = {DATABASE: _sha256_file(copy)}
        if checkpoints is not None and checkpoints.is_file():
            shutil.copyfile(checkpoints, work / CHECKPOINTS)
            members[CHECKPOINTS] = _sha256_file(work / CHECKPOINTS)
        if key_pem is not None:
            members[KEY] = hashlib.sha256(key_pem).hexdigest()
        revision = read_one(copy, "SELECT version_num FROM alembic_version")
        manifest = Manifest(now, reason, credtrack.__version__, revision, members, key_kid, key_protection)
        staged = work / "backup.zip"
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, manifest.to_json())
            archive.write(copy, DATABASE)
            if CHECKPOINTS in members:
                archive.write(work / CHECKPOINTS, CHECKPOINTS)
            if key_pem is not None:
                archive.writestr(KEY, key_pem)
        with open(staged, "rb") as written:
            os.fsync(written.fileno())
        os.replace(staged, target)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_FULL:
            raise NoSpaceError("the backup", folder) from exc
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise NoSpaceError("the backup", folder) from exc
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target, manifest


def _parse_manifest(text: bytes, name: str) -> Manifest:
    try:
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise ValueError("unknown format")
        members = raw["members"]
        if not isinstance(members, dict) or not all(isinstance(v, str) for v in members.values()):
            raise ValueError("members")
        key = raw.get("key") or {}
        return Manifest(
            dt.datetime.fromisoformat(raw["created_at"]),
            str(raw["reason"]),
            str(raw["app_version"]),
            raw.get("schema_revision"),
            dict(members),
            key.get("kid"),
            key.get("protection", ""),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(
            f"{name} is not a credtrack backup (its manifest is missing or unreadable); nothing was restored."
        ) from exc


def read_manifest(path: Path) -> Manifest:
    """The manifest alone, without checking the members (for listing and rotation)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _parse_manifest(archive.read(MANIFEST), path.name)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValidationError(
            f"{path.name} is not a credtrack backup (not a readable zip with a manifest); nothing was restored."
        ) from exc


def open_verified(path: Path, into: Path) -> Manifest:
    """Check every member of the backup against its manifest and unpack it into the folder ``into``.

    Refuses (ValidationError, nothing unpacked that matters) a file that is not a zip, lacks the
    manifest or the database, holds members the manifest does not name, or whose member differs
    from its recorded SHA-256. Members are written under fixed names, never under names taken
    from the archive.
    """
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(
            f"{name} is not a credtrack backup (not a readable zip file); nothing was restored."
        ) from exc
    with archive:
        try:
            manifest = _parse_manifest(archive.read(MANIFEST), name)
        except KeyError as exc:
            raise ValidationError(
                f"{name} is not a credtrack backup (it has no manifest); nothing was restored."
            ) from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValidationError(f"{name} is damaged ({exc}); nothing was restored.") from exc
        present = set(archive.namelist()) - {MANIFEST}
        known = {DATABASE, CHECKPOINTS, KEY}
        if DATABASE not in manifest.members or set(manifest.members) - known:
            raise ValidationError(f"{name} is not a credtrack backup this version can read; nothing was restored.")
        if present != set(manifest.members):
            raise ValidationError(
                f"{name} failed its integrity check: its members do not match its manifest "
                "(something was added or removed); nothing was restored."
            )
        for member, expected in manifest.members.items():
            digest = hashlib.sha256()
            try:
                with archive.open(member) as source, open(into / member, "wb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ValidationError(f"{name} is damaged ({member}: {exc}); nothing was restored.") from exc
            if digest.hexdigest() != expected:
                raise ValidationError(
                    f"{name} failed its integrity check: {member} differs from the copy that "
                    "was backed up; nothing was restored."
                )
    return manifest

"""Backups and restore of a SQLite installation: the database, the audit checkpoints and the signing key.

A backup never holds the signing key in the clear. A key already protected by the issuer's
passphrase goes in as it is; an unprotected one goes in only encrypted under a backup
passphrase the person making the backup gives. Backups nobody is asked about (the daily one,
the one before a migration or a restore) leave an unprotected key out and say so in their
manifest. Rotation removes only the daily automatic backups it made, oldest first; manual and
before-migration backups stay until someone deletes them.

PostgreSQL databases are the server's to back up (pg_dump); see POSTGRES_BACKUPS.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from credtrack import backup, config, paths, schema
from credtrack.certificates import keys
from credtrack.db import Database
from credtrack.errors import AuthenticationError, DatabaseDamagedError, ValidationError
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import ADMIN, Actor, require

AUTO = "auto"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
AUTO_EVERY = dt.timedelta(days=1)
MIN_PASSPHRASE = 10

POSTGRES_BACKUPS = (
    "This workstation uses a shared PostgreSQL database, which credtrack does not copy: back it up on the "
    "server with pg_dump (for example: pg_dump --format=custom --file=credtrack.dump DATABASE_URL) on the "
    "server's own schedule, and restore with pg_restore. An issuing workstation's signing key is not in the "
    "database: keep it with credtrack-cli keys export-private."
)
KEY_NEEDS_PASSPHRASE = (
    "The signing key on this workstation has no passphrase, and a backup never holds it in the clear. "
    "Give a backup passphrase (at least {n} characters) to store it encrypted, or leave the key out of "
    "this backup."
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: dt.datetime
    reason: str
    schema_revision: str | None
    key: str  # what the backup holds of the signing key, in words
    checkpoints: bool

    @classmethod
    def of(cls, path: Path, manifest: backup.Manifest) -> BackupInfo:
        held = (
            f"encrypted with the {manifest.key_protection}"
            if manifest.has_key
            else f"not included ({manifest.key_protection})"
        )
        return cls(
            path,
            manifest.created_at,
            manifest.reason,
            manifest.schema_revision,
            held,
            backup.CHECKPOINTS in manifest.members,
        )


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    schema_revision: str | None
    previous: Path | None  # the backup of the database the restore replaced (a plain copy, if it was damaged)
    key: str
    checkpoints: bool


def key_needs_passphrase(database: Path) -> bool:
    """Whether a manual backup of ``database`` must ask for a passphrase to hold this workstation's key."""
    kid = _active_kid(database)
    if kid is None:
        return False
    try:
        pem = keys.private_key_path(kid).read_bytes()
    except OSError:
        return False
    return not keys.pem_is_encrypted(pem)


def _active_kid(database: Path) -> str | None:
    return backup.read_one(database, "SELECT kid FROM issuer_key WHERE status = 'active'")


def _key_member(
    kid: str | None, *, passphrase: str | None, without_key: bool, unattended: bool
) -> tuple[bytes | None, str]:
    if kid is None:
        return None, "no signing key was set up"
    if without_key:
        return None, "left out on request"
    try:
        pem = keys.private_key_path(kid).read_bytes()
    except FileNotFoundError:
        return None, "the key is not on this workstation"
    if keys.pem_is_encrypted(pem):
        return pem, "issuer's key passphrase"
    if passphrase:
        if len(passphrase) < MIN_PASSPHRASE:
            raise ValidationError(
                f"A backup passphrase needs at least {MIN_PASSPHRASE} characters; no backup was made."
            )
        return keys.encrypted_pem(pem, passphrase), "backup passphrase"
    if unattended:
        return None, "the key has no passphrase on this workstation; a manual backup with a passphrase holds it"
    raise ValidationError(KEY_NEEDS_PASSPHRASE.format(n=MIN_PASSPHRASE))


def back_up_file(
    database: Path,
    *,
    reason: str,
    passphrase: str | None = None,
    without_key: bool = False,
    unattended: bool = False,
    folder: Path | None = None,
    now: dt.datetime | None = None,
) -> BackupInfo:
    """Write a backup of the SQLite file ``database`` (no permission check: set-up, migrations, the app)."""
    kid = _active_kid(database)
    key_pem, protection = _key_member(kid, passphrase=passphrase, without_key=without_key, unattended=unattended)
    path, manifest = backup.write_backup(
        database,
        folder or paths.backups_dir(),
        reason=reason,
        checkpoints=paths.checkpoints_file(),
        key_pem=key_pem,
        key_kid=kid if key_pem is not None else None,
        key_protection=protection,
        created_at=now,
    )
    return BackupInfo.of(path, manifest)


def before_upgrade(folder: Path | None = None) -> Callable[[Path, str], Path]:
    """How a schema upgrade backs up the SQLite file first: unattended, into ``folder`` (the backups folder)."""

    def back_up(database: Path, reason: str) -> Path:
        return back_up_file(database, reason=reason, unattended=True, folder=folder).path

    return back_up


def create_backup(
    db: Database, actor: Actor, *, passphrase: str | None = None, without_key: bool = False, folder: Path | None = None
) -> Result[BackupInfo]:
    """A manual backup by an administrator, recorded in the audit log; never removed by rotation."""
    require(actor, "backup.manage")
    if db.sqlite_path is None:
        raise ValidationError(POSTGRES_BACKUPS)
    with db.unit_of_work() as uow:  # a backup holds every record and perhaps the key: not for a former admin
        audit.confirm_account(uow.session, actor)
    info = back_up_file(db.sqlite_path, reason=MANUAL, passphrase=passphrase, without_key=without_key, folder=folder)
    with db.unit_of_work() as uow:
        audit.record(
            uow.session,
            actor,
            "backup.create",
            "backup",
            info.path.name,
            after={
                "file": str(info.path),
                "schema_revision": info.schema_revision,
                "key": info.key,
                "checkpoints": info.checkpoints,
            },
        )
        uow.commit()
    return Result(info, Change.AUDIT)


def list_backups(folder: Path | None = None) -> list[BackupInfo]:
    """The credtrack backups in ``folder``, newest first; other files there are passed over."""
    found = []
    for path in (folder or paths.backups_dir()).glob(f"*{backup.SUFFIX}"):
        try:
            found.append(BackupInfo.of(path, backup.read_manifest(path)))
        except ValidationError:
            continue
    return sorted(found, key=lambda b: b.created_at, reverse=True)


def rotate(folder: Path, keep: int) -> list[Path]:
    """Remove the oldest daily automatic backups beyond ``keep``; nothing else is ever removed."""
    made_here = [
        b for b in list_backups(folder) if b.reason == AUTO and b.path.name.endswith(f"-{AUTO}{backup.SUFFIX}")
    ]
    removed = [b.path for b in made_here[max(keep, 1) :]]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def auto_backup(
    database: Path,
    *,
    keep: int = 10,
    every: dt.timedelta = AUTO_EVERY,
    folder: Path | None = None,
    now: dt.datetime | None = None,
) -> BackupInfo | None:
    """The scheduled backup: made when the newest automatic one is older than ``every``, then rotated.

    Returns the new backup, or None when a recent one exists (or there is no database yet).
    The file's integrity is checked first, whether or not a backup is due: this is the check the
    app makes on opening and every hour. A damaged file raises DatabaseDamagedError.
    """
    folder = folder or paths.backups_dir()
    if not database.exists():
        return None
    sound, finding = backup.integrity_ok(database)
    if not sound:  # never rotate good backups out for copies of a damaged file
        raise DatabaseDamagedError(finding, refused="No automatic backup was made of it. ")
    now = now or dt.datetime.now(dt.UTC)
    newest = next((b for b in list_backups(folder) if b.reason == AUTO), None)
    if newest is not None and now - newest.created_at < every:
        return None
    info = back_up_file(database, reason=AUTO, unattended=True, folder=folder, now=now)
    rotate(folder, keep)
    return info


def usable(database: Path) -> bool:
    """Whether ``database`` is a sound credtrack SQLite file (a restore over it needs its administrator)."""
    if not database.exists():
        return False
    ok, _message = backup.integrity_ok(database)
    return ok and backup.read_one(database, "SELECT version_num FROM alembic_version") is not None


def _confirm_account_in(database: Path, actor: Actor) -> None:
    """Refuse ``actor`` when the database about to be replaced has switched the account off or changed its role."""
    db = Database(config.sqlite_url(database))
    try:
        with db.unit_of_work() as uow:
            audit.confirm_account(uow.session, actor)
    finally:
        db.dispose()


def restore(target: Path, source: Path, actor: Actor | None, *, folder: Path | None = None) -> Result[RestoreReport]:
    """Replace the SQLite database ``target`` with the backup ``source``, after checking it.

    Refused, with ``target`` untouched: a file that fails its manifest hashes or
    ``PRAGMA integrity_check``, one that is not a credtrack database, one from a newer schema.
    An administrator of the current database restores; without a sign-in (``actor`` None) only
    when there is no usable database to protect. The current database is backed up first
    (reason ``before-restore``); the checkpoints file is set back with it; a key in the backup is
    installed when this workstation does not have it. An older schema is upgraded, and the
    restore is recorded in the restored audit log.
    """
    if not source.is_file():
        raise ValidationError(f"{source} is not a file; choose a credtrack backup (.zip). Nothing was restored.")
    if actor is not None:
        require(actor, "backup.manage")
        if usable(target):
            _confirm_account_in(target, actor)
    elif usable(target):
        raise AuthenticationError(
            "Restoring over the database in use needs an administrator of it: sign in (--user ADMIN) and try again."
        )
    folder = folder or paths.backups_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=target.parent))
    try:
        work.chmod(0o700)
        manifest = backup.open_verified(source, work)
        unpacked = work / backup.DATABASE
        ok, message = backup.integrity_ok(unpacked, full=True)
        if not ok:
            raise ValidationError(f"{source.name} failed its integrity check ({message}); nothing was restored.")
        revision = backup.read_one(unpacked, "SELECT version_num FROM alembic_version")
        if revision is None or revision != manifest.schema_revision:
            raise ValidationError(
                f"{source.name} does not hold the credtrack database its manifest describes; nothing was restored."
            )
        if revision not in schema.known_revisions():
            raise ValidationError(
                f"{source.name} was made by a newer credtrack (schema {revision}, credtrack "
                f"{manifest.app_version}). Install that version to restore it; nothing was restored."
            )
        sound = usable(target)
        previous, kept = _keep_current(target, folder)
        if not sound:  # a damaged file cannot take the backup's pages; it was kept just above
            for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
                stale.unlink(missing_ok=True)
        backup.sqlite_copy(unpacked, target)
        checkpoints = paths.checkpoints_file()
        if backup.CHECKPOINTS in manifest.members:
            backup.write_private(checkpoints, (work / backup.CHECKPOINTS).read_bytes())
        elif previous is not None and previous.checkpoints:
            checkpoints.unlink(missing_ok=True)  # it belonged to the replaced database; its backup holds it
        key_state = _install_key(manifest, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    db = schema.open_current(Database(config.sqlite_url(target)), back_up=before_upgrade(folder))
    try:
        signed = actor or Actor(id=None, username="system", role=ADMIN, display_name="credtrack (restore)")
        # The account that signed in belongs to the replaced database; in this one it is named, not linked.
        acting = Actor(id=None, username=signed.username, role=signed.role, display_name=signed.display_name)
        with db.unit_of_work() as uow:
            audit.record(
                uow.session,
                acting,
                "backup.restore",
                "backup",
                source.name,
                after={
                    "file": str(source),
                    "created_at": manifest.created_at.isoformat(),
                    "schema_revision": revision,
                    "previous": str(kept) if kept else None,
                    "key": key_state,
                },
                note="signed in on the database this restore replaced",
            )
            uow.commit()
    finally:
        db.dispose()
    report = RestoreReport(source, revision, kept, key_state, backup.CHECKPOINTS in manifest.members)
    return Result(report, ~Change.NONE)  # everything may differ


def _keep_current(target: Path, folder: Path) -> tuple[BackupInfo | None, Path | None]:
    """Back up the database about to be replaced; a damaged one is kept as a plain copy instead.

    Returns the backup (None for a plain copy) and the path of what was kept.
    """
    if not target.exists():
        return None, None
    try:
        info = back_up_file(target, reason=BEFORE_RESTORE, unattended=True, folder=folder)
        return info, info.path
    except sqlite3.DatabaseError:
        backup.private_folder(folder)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
        copy = folder / f"{target.name}-{stamp}-replaced-by-restore"
        backup.write_private(copy, target.read_bytes())
        return None, copy


def _install_key(manifest: backup.Manifest, work: Path) -> str:
    if not manifest.has_key or not manifest.key_kid:
        return f"not in the backup ({manifest.key_protection})"
    path = keys.private_key_path(manifest.key_kid)
    if path.exists():
        return "already on this workstation"
    backup.write_private(path, (work / backup.KEY).read_bytes())
    return f"installed, encrypted with the {manifest.key_protection}"

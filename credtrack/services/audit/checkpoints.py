"""Signed checkpoints of the audit chain: the head of the log, kept in the database and outside it.

A checkpoint names the newest event (id and hash) at a moment. It is signed with the issuer's
ES256 key when that key is at hand on the workstation, and written twice: as a row of
``audit_checkpoint`` (so on PostgreSQL every workstation's checkpoints are seen by all) and as a
line of the append-only file ``paths.checkpoints_file()`` in the data folder (so cutting the tail
of the log, or rewriting it, in the database alone is caught by the copy outside it).

The file line is written first and the row second: a crash between the two leaves a line without
its row, which ``compare`` reports as a note; a row without its line can only mean lines were
removed from the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack import paths
from credtrack.certificates import keys
from credtrack.certificates.errors import SigningKeyError
from credtrack.models import AuditCheckpoint, AuditEvent, IssuerKey, Setting, utcnow

log = logging.getLogger(__name__)

DATABASE_ID_SETTING = "audit_database_id"
FILE_GENESIS = "0" * 64


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def workstation() -> str:
    """This workstation: its host name and a short fingerprint of its data folder."""
    folder = hashlib.sha256(str(paths.data_dir()).encode("utf-8")).hexdigest()[:8]
    return f"{socket.gethostname()[:60]}/{folder}"


def database_id(session: Session, *, create: bool = False) -> str:
    """A random id given to this database at its first checkpoint; the file's lines name it."""
    setting = session.get(Setting, DATABASE_ID_SETTING)
    if setting is None:
        if not create:
            return ""
        setting = Setting(key=DATABASE_ID_SETTING, value=secrets.token_hex(8))
        session.add(setting)
        session.flush()
    return setting.value


@dataclass(frozen=True)
class Checkpoint:
    """One checkpoint as read from the file or the table."""

    body: str
    kid: str
    signature: str
    source: str  # "file" or "database"
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, body: str, kid: str, signature: str, source: str) -> Checkpoint:
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return cls(body, kid, signature, source, data)

    @property
    def line_hash(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    @property
    def event_id(self) -> int:
        return int(self.data.get("event_id", 0))

    @property
    def event_hash(self) -> str:
        return str(self.data.get("hash", ""))

    @property
    def made_at(self) -> str:
        return str(self.data.get("at", ""))

    @property
    def workstation(self) -> str:
        return str(self.data.get("workstation", ""))

    @property
    def database(self) -> str:
        return str(self.data.get("db", ""))

    @property
    def signed(self) -> bool:
        return bool(self.signature)

    def describe(self) -> str:
        how = f"signed with key {self.kid[:12]}…" if self.signed else "unsigned (hashed only)"
        return f"event {self.event_id} at {self.made_at[:19].replace('T', ' ')} UTC on {self.workstation}, {how}"

    def file_line(self) -> str:
        return canonical({"body": self.body, "kid": self.kid, "sig": self.signature})


def sign(private_key: ec.EllipticCurvePrivateKey, body: str) -> str:
    return keys.b64url(private_key.sign(body.encode("utf-8"), ec.ECDSA(hashes.SHA256())))


def signature_ok(checkpoint: Checkpoint, public_keys: dict[str, ec.EllipticCurvePublicKey]) -> bool | None:
    """True or False for a signed checkpoint; None when unsigned or signed by a key not known here."""
    if not checkpoint.signed:
        return None
    key = public_keys.get(checkpoint.kid)
    if key is None:
        return None
    try:
        key.verify(keys.b64url_decode(checkpoint.signature), checkpoint.body.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def public_keys(session: Session) -> dict[str, ec.EllipticCurvePublicKey]:
    found = {}
    for row in session.scalars(select(IssuerKey)):
        with contextlib.suppress(ValueError, KeyError, TypeError):
            found[row.kid] = keys.public_key_from_jwk(json.loads(row.public_jwk))
    return found


def _available_key(session: Session, signer: keys.SigningKey | None) -> keys.SigningKey | None:
    """The key to sign with: the one the caller holds, else the active key when it opens without a passphrase."""
    if signer is not None:
        return signer
    row = session.scalar(select(IssuerKey).where(IssuerKey.status == "active"))
    if row is None or not keys.private_key_path(row.kid).exists():
        return None
    try:
        return keys.SigningKey(row.kid, keys.load_private_key(row.kid))
    except SigningKeyError:
        return None  # protected by a passphrase nobody gave: the checkpoint is hashed, not signed


# -- the file -------------------------------------------------------------------------------------------


def read_file(path: Path | None = None) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in the file, and a problem for each line that is not one."""
    path = path or paths.checkpoints_file()
    found: list[Checkpoint] = []
    problems: list[str] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"The checkpoint file {path} cannot be read ({exc})."]
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            outer = json.loads(line)
            found.append(Checkpoint.parse(outer["body"], outer.get("kid", ""), outer.get("sig", ""), "file"))
        except (ValueError, KeyError, TypeError):
            problems.append(
                f"Line {number} of the checkpoint file {path.name} is not a checkpoint (edited or "
                "damaged); restore the file from a backup."
            )
    return found, problems


@contextlib.contextmanager
def _locked(handle: Any) -> Any:
    try:
        import fcntl
    except ImportError:  # Windows: one credtrack per workstation writes this file
        yield
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _line_hash_of(line: bytes, database: str) -> str | None:
    with contextlib.suppress(ValueError, KeyError, TypeError):
        body = json.loads(line)["body"]
        if json.loads(body).get("db") == database:
            return hashlib.sha256(body.encode("utf-8")).hexdigest()
    return None


def _last_line_hash(handle: Any, database: str, block: int = 1 << 16) -> str:
    """The hash of this database's newest line, read from the end of the file backwards (the file only grows,
    so a checkpoint costs the same after a year of them as after the first)."""
    end = handle.seek(0, os.SEEK_END)
    position, tail = end, b""
    while position > 0:
        start = max(0, position - block)
        handle.seek(start)
        tail = handle.read(position - start) + tail
        position = start
        lines = tail.split(b"\n")
        complete = lines if position == 0 else lines[1:]  # the first piece may be a partial line
        for line in reversed(complete):
            if line.strip() and (found := _line_hash_of(line, database)) is not None:
                return found
        tail = lines[0] if position > 0 else b""
    return FILE_GENESIS


# -- writing -----------------------------------------------------------------------------------------


def write(
    session: Session,
    *,
    reason: str,
    signer: keys.SigningKey | None = None,
    path: Path | None = None,
    skip_if_current: bool = False,
) -> Checkpoint | None:
    """Checkpoint the head of the log in the caller's transaction (the caller commits). None for an empty log,
    and with ``skip_if_current`` when this workstation's newest checkpoint already names the head.

    The file line is appended (and flushed to disk) before the row is added, under a lock on the file.
    """
    head = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if head is None:
        return None
    station = workstation()
    if skip_if_current:
        newest = session.scalar(
            select(AuditCheckpoint.event_hash)
            .where(AuditCheckpoint.workstation == station)
            .order_by(AuditCheckpoint.id.desc())
            .limit(1)
        )
        if newest == head.hash:
            return None
    database = database_id(session, create=True)
    key = _available_key(session, signer)
    path = path or paths.checkpoints_file()
    with open(path, "a+b") as handle, _locked(handle):
        body = canonical(
            {
                "db": database,
                "event_id": head.id,
                "hash": head.hash,
                "at": utcnow().isoformat(timespec="microseconds"),
                "workstation": station,
                "reason": reason,
                "prev": _last_line_hash(handle, database),
            }
        )
        checkpoint = Checkpoint.parse(body, key.kid if key else "", sign(key.private_key, body) if key else "", "file")
        handle.seek(0, os.SEEK_END)
        handle.write((checkpoint.file_line() + "\n").encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    with contextlib.suppress(OSError):
        path.chmod(0o600)
    session.add(
        AuditCheckpoint(
            event_id=head.id,
            event_hash=head.hash,
            made_at=dt.datetime.fromisoformat(checkpoint.made_at),
            workstation=station,
            body=body,
            kid=checkpoint.kid,
            signature=checkpoint.signature,
            line_hash=checkpoint.line_hash,
        )
    )
    return checkpoint


def after(
    uow: Any, *, reason: str, signer: keys.SigningKey | None = None, skip_if_current: bool = False
) -> Checkpoint | None:
    """Checkpoint in a transaction of its own, after the caller's change committed.

    A checkpoint that cannot be written does not undo the change it follows: it is logged, and
    ``audit verify`` then counts the events after the last checkpoint.
    """
    try:
        with uow:
            checkpoint = write(uow.session, reason=reason, signer=signer, skip_if_current=skip_if_current)
            uow.commit()
            return checkpoint
    except Exception:  # noqa: BLE001 - the user's change is committed; the log says why no checkpoint followed
        log.exception("Could not write an audit checkpoint after %s", reason)
        return None


def from_table(session: Session) -> list[Checkpoint]:
    found = []
    for row in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)):
        with contextlib.suppress(ValueError, TypeError):
            found.append(Checkpoint.parse(row.body, row.kid, row.signature, "database"))
    return found

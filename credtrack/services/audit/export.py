"""The audit log exported for an auditor: one file that verifies on its own, without credtrack's database.

The export is a zip holding every event with all the fields its hash covers, every checkpoint
of the database's table, the installation's public keys (JWKS) and a manifest with a SHA-256
of each member. ``verify_export`` re-hashes the chain, checks each checkpoint's signature and
that the events it saw are there with the same hash, and reports what the checkpoints say of
the end of the log. An auditor who wants more than the export's word for whose keys they are
compares the fingerprints it prints with the institution's published JWKS (``--jwks``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from credtrack import paths
from credtrack.certificates import keys as key_files
from credtrack.db import UnitOfWork
from credtrack.errors import ValidationError
from credtrack.models import AuditEvent, utcnow
from credtrack.services.audit import checkpoints
from credtrack.services.audit import log as audit
from credtrack.services.audit.check import CheckpointReport, check_checkpoints
from credtrack.services.changes import Change, Result
from credtrack.services.keys import jwks_document
from credtrack.services.permissions import Actor, require

FORMAT = "credtrack-audit-export/1"
EVENTS, CHECKPOINTS, KEYS, MANIFEST = "events.jsonl", "checkpoints.jsonl", "keys.jwks.json", "manifest.json"
MAX_MEMBER = 2 << 30  # an export larger than this is not one credtrack wrote
_FIELDS = (
    "id",
    "prev_hash",
    "occurred_at",
    "actor_id",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "before_json",
    "after_json",
    "reauthenticated",
    "note",
    "records_digest",
    "hash",
)


@dataclass(frozen=True)
class ExportInfo:
    path: Path
    events: int
    checkpoints: int


def _event_line(event: AuditEvent) -> str:
    data = {name: getattr(event, name) for name in _FIELDS}
    data["occurred_at"] = event.occurred_at.isoformat(timespec="microseconds")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def export_log(uow: UnitOfWork, actor: Actor, target: Path) -> Result[ExportInfo]:
    """Write the whole log, its checkpoints and the public keys to ``target`` (a new .zip). Admins; audited."""
    with uow:
        require(actor, "audit.export")
        if target.exists():
            raise ValidationError(f"{target} already exists; choose a new file name. Nothing was written.")
        session = uow.session
        events, last_id = [], 0
        while True:
            rows = session.scalars(
                select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(5000)
            ).all()
            if not rows:
                break
            events += [_event_line(e) for e in rows]
            last_id = rows[-1].id
        marks = [c.file_line() for c in checkpoints.from_table(session)]
        members = {
            EVENTS: ("\n".join(events) + "\n").encode("utf-8"),
            CHECKPOINTS: ("\n".join(marks) + "\n" if marks else "").encode("utf-8"),
            KEYS: json.dumps(jwks_document(session), indent=2, sort_keys=True).encode("utf-8"),
        }
        manifest = {
            "format": FORMAT,
            "database": checkpoints.database_id(session),
            "exported_at": utcnow().isoformat(),
            "exported_by": actor.username,
            "events": len(events),
            "checkpoints": len(marks),
            "members": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.partial")
        try:
            with zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
                for name, data in members.items():
                    archive.writestr(name, data)
            # The export itself is the next event, after those it holds.
            audit.record(
                session,
                actor,
                "audit.export",
                "audit_log",
                "",
                after={"file": target.name, "events": len(events), "checkpoints": len(marks)},
            )
            uow.commit()
            os.replace(staged, target)
        finally:
            staged.unlink(missing_ok=True)
        return Result(ExportInfo(target, len(events), len(marks)), Change.AUDIT)


@dataclass
class ExportReport:
    """What an export says of itself once checked."""

    database: str = ""
    exported_at: str = ""
    events: int = 0
    chain: audit.ChainReport | None = None
    checkpoints: CheckpointReport = field(default_factory=CheckpointReport)
    fingerprints: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.all_problems

    @property
    def all_problems(self) -> list[str]:
        found = list(self.problems)
        if self.chain is not None and not self.chain.intact:
            found.append(self.chain.describe())
        return found + self.checkpoints.problems

    def describe(self) -> str:
        head = (
            f"Audit export of database {self.database or '?'}, made {self.exported_at[:19].replace('T', ' ')} UTC: "
            f"{self.events} events."
        )
        lines = [head]
        if self.chain is not None and self.chain.intact:
            lines.append(self.chain.describe())
        lines.append(self.checkpoints.describe())
        if self.fingerprints:
            lines.append(
                "Signed with the keys with fingerprints: "
                + "; ".join(self.fingerprints)
                + " (compare them with the institution's published keys)."
            )
        lines += [f"PROBLEM: {p}" for p in self.all_problems]
        lines += [f"Note: {n}" for n in self.checkpoints.notes]
        lines.append("Export verified." if self.intact else "Export NOT verified.")
        return "\n".join(lines)


def _read_members(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if MANIFEST not in names:
                raise ValidationError(f"{path.name} is not a credtrack audit export (it has no manifest).")
            members = {}
            for name in (MANIFEST, EVENTS, CHECKPOINTS, KEYS):
                if name not in names:
                    raise ValidationError(f"{path.name} is not a complete audit export: {name} is missing.")
                if archive.getinfo(name).file_size > MAX_MEMBER:
                    raise ValidationError(f"{path.name} is not an audit export credtrack wrote ({name} is too large).")
                members[name] = archive.read(name)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(f"{path.name} cannot be read as an audit export ({exc}).") from exc
    try:
        manifest = json.loads(members.pop(MANIFEST))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path.name} is not a credtrack audit export (its manifest is not JSON).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValidationError(f"{path.name} is not a credtrack audit export (format {FORMAT} expected).")
    return manifest, members


def _events(data: bytes) -> list[SimpleNamespace]:
    found = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or set(row) != set(_FIELDS):
            raise ValueError(f"line {number} is not an exported event")
        row["occurred_at"] = dt.datetime.fromisoformat(row["occurred_at"])
        found.append(SimpleNamespace(**row))
    return found


def _chain(events: list[SimpleNamespace]) -> audit.ChainReport:
    expected_prev, expected_id = audit.GENESIS, 1
    for checked, event in enumerate(events):
        if event.id != expected_id:
            return audit.ChainReport(False, checked, expected_id, f"event {expected_id} is missing")
        if event.prev_hash != expected_prev:
            return audit.ChainReport(
                False, checked, event.id, "it does not link to the event before it (deleted or reordered)"
            )
        if audit.event_hash(event) != event.hash:  # type: ignore[arg-type]
            return audit.ChainReport(False, checked, event.id, "its contents were changed after it was written")
        expected_prev, expected_id = event.hash, event.id + 1
    return audit.ChainReport(True, len(events))


def verify_export(path: Path, *, published_jwks: dict | None = None) -> ExportReport:
    """Check an export on its own (no database): its manifest, chain and checkpoints.

    With ``published_jwks`` (the institution's published key set) signatures are checked against
    those keys only, not the ones the export carries.
    """
    manifest, members = _read_members(path)
    report = ExportReport(database=str(manifest.get("database", "")), exported_at=str(manifest.get("exported_at", "")))
    listed = manifest.get("members")
    hashes = listed if isinstance(listed, dict) else {}
    for name, data in members.items():
        if hashes.get(name) != hashlib.sha256(data).hexdigest():
            report.problems.append(
                f"{name} in the export was changed after it was written (its SHA-256 differs "
                "from the manifest's). Ask for a new export."
            )
    try:
        events = _events(members[EVENTS])
        jwks = published_jwks if published_jwks is not None else json.loads(members[KEYS])
        public = {k["kid"]: key_files.public_key_from_jwk(k) for k in jwks.get("keys", [])}
        marks = []
        for line in members[CHECKPOINTS].decode("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                marks.append(
                    checkpoints.Checkpoint.parse(row["body"], row.get("kid", ""), row.get("sig", ""), "export")
                )
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        report.problems.append(f"The export cannot be read as credtrack wrote it ({exc}). Ask for a new export.")
        return report
    report.events = len(events)
    report.chain = _chain(events)
    report.fingerprints = [key_files.fingerprint(kid) for kid in sorted(public)]
    report.checkpoints = check_checkpoints(
        None,  # type: ignore[arg-type]
        keys=public,
        table=marks,
        events={e.id: e.hash for e in events},
        last_event=events[-1].id if events else 0,
        this_workstation="",
    )
    return report


def default_name() -> Path:
    return paths.data_dir() / f"audit-export-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.zip"

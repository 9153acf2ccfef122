"""Files attached to improvement work (a project's poster, a safety review's action plan): copied into the
data folder under their SHA-256, with their original name and size recorded; opening or exporting one
checks its bytes against the recorded hash first and says so plainly when the file is missing or altered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError, ValidationError
from credtrack.models import ImprovementAttachment, utcnow
from credtrack.paths import attachments_dir, write_private_file
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import clean, get_or_404
from credtrack.services.improvement import AttachmentRow, load_work
from credtrack.services.permissions import Actor, require

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


def stored_path(sha256: str) -> Path:
    """Where the file with this content is kept (the same content is kept once)."""
    return attachments_dir() / sha256


def attach_file(uow: UnitOfWork, actor: Actor, work_id: int, source: str | Path) -> Result[AttachmentRow]:
    """Attach a copy of the file at ``source`` to a piece of work."""
    path = Path(source)
    try:
        if not path.is_file():
            raise ValidationError(f"{path} is not a file; choose the file to attach.", field="file")
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                f"{path.name} is {size // (1024 * 1024)} MB; attach files of at most "
                f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB (a PDF or a picture of the poster).",
                field="file",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path} could not be read ({exc.strerror or exc}); nothing was attached.") from None
    name = clean(path.name, "The file name", "file")[:255]
    with uow:
        require(actor, "improvement.attach")
        session = uow.session
        work = load_work(session, work_id)
        if work.voided_at is not None:
            raise ValidationError("This work is voided; files can no longer be attached to it.")
        digest = hashlib.sha256(data).hexdigest()
        target = stored_path(digest)
        if not (target.is_file() and _sha256(target) == digest):
            write_private_file(target, data)  # before the commit: a file no record names harms nothing
        attachment = ImprovementAttachment(
            work_id=work.id, file_name=name, size=len(data), sha256=digest, added_by_id=actor.id, added_at=utcnow()
        )
        session.add(attachment)
        session.flush()
        audit.record(
            session,
            actor,
            "improvement.attach",
            "improvement_file",
            attachment.id,
            after={"work_id": work.id, "file_name": name, "size": len(data), "sha256": digest},
        )
        row = AttachmentRow(attachment.id, name, len(data), digest, attachment.added_at)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


@dataclass(frozen=True)
class CheckedFile:
    """An attachment whose kept copy matches the hash recorded when it was attached."""

    file_name: str
    path: Path
    data: bytes


def checked_attachment(uow: UnitOfWork, actor: Actor, attachment_id: int) -> CheckedFile:
    """The attachment's kept copy, after checking its bytes against the recorded SHA-256."""
    with uow:
        require(actor, "read")
        a = get_or_404(uow.session, ImprovementAttachment, attachment_id, "attachment")
        name, digest, size = a.file_name, a.sha256, a.size
    path = stored_path(digest)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(
            f"The file {name!r} attached to this work is missing from the data folder (expected at {path}). "
            "Restore the data folder's attachments from a backup, or attach the file again."
        ) from None
    except OSError as exc:
        raise ValidationError(f"The file {name!r} could not be read from {path} ({exc.strerror or exc}).") from None
    if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
        raise ValidationError(
            f"The file {name!r} kept at {path} has been altered since it was attached: its SHA-256 no longer "
            "matches the one recorded. Do not rely on it; restore it from a backup or attach the original again."
        )
    return CheckedFile(name, path, data)


def export_attachment(uow: UnitOfWork, actor: Actor, attachment_id: int, destination: str | Path) -> Path:
    """Write a checked copy of the attachment to ``destination`` (a folder: under its original name)."""
    checked = checked_attachment(uow, actor, attachment_id)
    target = Path(destination)
    if target.is_dir():
        target = target / checked.file_name
    try:
        target.write_bytes(checked.data)
    except OSError as exc:
        raise ValidationError(f"{target} could not be written ({exc.strerror or exc}).") from None
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

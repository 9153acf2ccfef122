"""What completions and sign-offs share: who may add a record about whom, and voiding (never deleting)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from credtrack.errors import PermissionDenied, ValidationError
from credtrack.models import Assessment, Completion, ImprovementWork, Person, Rating, utcnow
from credtrack.services.audit import log as audit
from credtrack.services.certificates import evidence as certificate_evidence
from credtrack.services.common import get_or_404, required_text
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor


def active_person(session: Session, person_id: int) -> Person:
    person = get_or_404(session, Person, person_id, "person")
    if person.status == "archived":
        raise ValidationError(f"{person.full_name} is archived; records can no longer be added.")
    return person


def not_about_themselves(actor: Actor, person_id: int, what: str) -> None:
    """Nobody records, verifies or confirms evidence about themselves, whatever their role."""
    if actor.person_id is not None and actor.person_id == person_id:
        raise PermissionDenied(f"{what} — nobody may; ask a colleague", actor.role)


def void_record(
    session: Session,
    actor: Actor,
    record: Completion | Assessment | Rating | ImprovementWork,
    reason: str,
    kind: str,
    today: dt.date | None,
    *,
    entity: str | None = None,
) -> tuple[str, ...]:
    """Mark a record void with a reason; it stays in history. Preceptors may void only their own.
    Returns the codes of the valid certificates that were issued on it (named in the audit event; they stay
    valid until someone reviews them). ``kind`` names the record in messages, ``entity`` in the log (by
    default the completion's or sign-off's table)."""
    reason = required_text(reason, "A reason for voiding", "reason", 1000)
    owner = record.assessor_user_id if isinstance(record, Assessment) else record.recorded_by_id
    if actor.role == "preceptor" and owner != actor.id:
        verb = "made" if isinstance(record, Assessment) else "recorded"
        raise PermissionDenied(f"void a {kind} {verb} by someone else", actor.role)
    if record.voided_at is not None:
        raise ValidationError(f"This {kind} is already voided.")
    record.voided_at, record.voided_by_id, record.void_reason = utcnow(), actor.id, reason
    session.flush()  # re-packs the person's standing evidence (models.evidence)
    resting = tuple(v.certificate_code for v in certificate_evidence.resting_on(session, record, today or _today()))
    entity = entity or ("assessment" if isinstance(record, Assessment) else "completion")
    after: dict = {"voided": True, "void_reason": reason}
    if resting:
        after["certificates_issued_on_it"] = list(resting)
    audit.record(
        session,
        actor,
        f"{entity}.void",
        entity,
        record.id,
        before={"voided": False},
        after=after,
        note=(f"Certificates issued on this record stay valid until reviewed: {', '.join(resting)}" if resting else ""),
    )
    return resting

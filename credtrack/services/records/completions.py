"""Module completions: recorded, verified by an educator, and voided with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, ValidationError
from credtrack.models import CohortCredential, Completion, CredentialRequirement, Enrolment, Module, utcnow
from credtrack.services.accounts.signing import check_password_first, reauthenticate
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import by_code, clean, get_or_404, not_in_future, parse_date
from credtrack.services.permissions import Actor, require
from credtrack.services.records.common import active_person, not_about_themselves, void_record


@dataclass(frozen=True)
class CompletionRow:
    id: int
    person_id: int
    module_code: str
    module_title: str
    completed_on: dt.date
    verification: str
    evidence: str
    recorded_by: str
    voided: bool
    void_reason: str | None
    # When voiding: codes of the person's certificates that were issued on this record.
    resting_certificates: tuple[str, ...] = ()


def _enrolled_for_module(session: Session, person_id: int, module_id: int) -> bool:
    """Whether the person is actively enrolled in a cohort working towards a credential that needs the module."""
    stmt = select(
        exists()
        .where(Enrolment.person_id == person_id, Enrolment.status == "active")
        .where(CohortCredential.cohort_id == Enrolment.cohort_id)
        .where(CredentialRequirement.credential_id == CohortCredential.credential_id)
        .where(CredentialRequirement.module_id == module_id)
    )
    return bool(session.scalar(stmt))


def completion_row(c: Completion, recorded_by: str = "") -> CompletionRow:
    return CompletionRow(
        c.id,
        c.person_id,
        c.module.code,
        c.module.title,
        c.completed_on,
        c.verification,
        c.evidence,
        recorded_by,
        c.voided_at is not None,
        c.void_reason,
    )


def _completion_snapshot(c: Completion) -> dict:
    return {
        "person_id": c.person_id,
        "module_id": c.module_id,
        "completed_on": c.completed_on,
        "verification": c.verification,
        "evidence": c.evidence,
        "voided": c.voided_at is not None,
        "void_reason": c.void_reason,
    }


def record_completion(
    uow: UnitOfWork,
    actor: Actor,
    *,
    person_id: int,
    module_code: str,
    completed_on: dt.date | str,
    evidence: str = "",
    verify: bool = False,
    password: str | None = None,
    repeat: bool = False,
    today: dt.date | None = None,
) -> Result[CompletionRow]:
    """Record that a person completed a module. Modules that need verification start as pending
    unless the recorder verifies at once (``verify=True``, signed with their re-entered ``password``).

    A second standing completion of the same module on the same day is refused as a likely double
    entry, unless the recorder says it is a genuine repeat (``repeat=True``); voided ones never count."""
    checked = check_password_first(uow, actor, password) if verify and password else None
    with uow:
        require(actor, "records.record")
        session = uow.session
        person = active_person(session, person_id)
        not_about_themselves(actor, person.id, "record your own module completions")
        module = by_code(session, Module, module_code, "module")
        if not module.active:
            raise ValidationError(f"The module {module.code} is retired; choose a current module.")
        day = parse_date(completed_on, "The completion date", "completed_on", required=True)
        assert day is not None
        not_in_future(day, "The completion date", "completed_on", now=today)
        if module.requires_enrolment and not _enrolled_for_module(session, person.id, module.id):
            raise ValidationError(
                f"{person.full_name} is not enrolled in a cohort that includes {module.code}. Enrol them first.",
                field="module_code",
            )
        duplicate = session.scalar(
            select(Completion)
            .where(
                Completion.person_id == person.id,
                Completion.module_id == module.id,
                Completion.completed_on == day,
                Completion.voided_at.is_(None),
            )
            .limit(1)
        )
        if duplicate is not None and not repeat:
            if duplicate.verification == "pending":
                raise DuplicateError(
                    f"{person.full_name} already has {module.code} recorded on {day.isoformat()}, awaiting "
                    "verification: verify that record on their page instead of recording it again."
                )
            raise DuplicateError(
                f"{person.full_name} already has {module.code} recorded on {day.isoformat()}. If that record is "
                "wrong, void it first; if they really completed the module twice that day, record this one as "
                "a repeat."
            )
        state = "not_required"
        if module.requires_verification:
            state = "verified" if verify else "pending"
        if state == "verified":
            require(actor, "records.verify")
            reauthenticate(session, actor, password or "", checked=checked)
        completion = Completion(
            person_id=person.id,
            module_id=module.id,
            completed_on=day,
            evidence=clean(evidence, "The evidence", "evidence"),
            verification=state,
            recorded_by_id=actor.id,
            recorded_at=utcnow(),
        )
        if state == "verified":
            completion.verified_by_id, completion.verified_at = actor.id, utcnow()
        session.add(completion)
        session.flush()
        audit.record(
            session,
            actor,
            "completion.record",
            "completion",
            completion.id,
            after=_completion_snapshot(completion) | ({"repeat_of": duplicate.id} if duplicate else {}),
            reauthenticated=state == "verified",
            note="A repeat on the same day, as the recorder said" if duplicate else "",
        )
        row = completion_row(completion, actor.label)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


def verify_completion(uow: UnitOfWork, actor: Actor, completion_id: int, *, password: str) -> Result[CompletionRow]:
    """A preceptor confirms a pending completion; their password is re-entered as an e-signature."""
    checked = check_password_first(uow, actor, password)
    with uow:
        require(actor, "records.verify")
        session = uow.session
        completion = get_or_404(session, Completion, completion_id, "completion")
        not_about_themselves(actor, completion.person_id, "verify your own module completions")
        if completion.voided_at is not None:
            raise ValidationError("This completion was voided and cannot be verified.")
        if completion.verification != "pending":
            raise ValidationError("This completion does not need verification (or is already verified).")
        reauthenticate(session, actor, password, checked=checked)
        before = _completion_snapshot(completion)
        completion.verification, completion.verified_by_id, completion.verified_at = "verified", actor.id, utcnow()
        audit.record(
            session,
            actor,
            "completion.verify",
            "completion",
            completion.id,
            before=before,
            after=_completion_snapshot(completion),
            reauthenticated=True,
        )
        session.flush()
        row = completion_row(completion)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


def void_completion(
    uow: UnitOfWork, actor: Actor, completion_id: int, reason: str, today: dt.date | None = None
) -> Result[CompletionRow]:
    """Void a completion with a reason. Progress is judged again at once; certificates issued on it stay
    valid (never silently revoked) and their codes come back so the user can review them."""
    with uow:
        require(actor, "records.void")
        session = uow.session
        completion = get_or_404(session, Completion, completion_id, "completion")
        resting = void_record(session, actor, completion, reason, "completion", today)
        row = replace(completion_row(completion), resting_certificates=resting)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT | (Change.CERTIFICATES if resting else Change.NONE))

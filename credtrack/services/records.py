"""Module completions and competency sign-offs: recorded, verified, and voided (never deleted)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, PermissionDenied, ValidationError
from credtrack.models import (
    Assessment,
    CohortCredential,
    Completion,
    CredentialRequirement,
    Enrolment,
    Module,
    Person,
    Profession,
    Scale,
    ScaleLevel,
    User,
    utcnow,
)
from credtrack.models.enums import ASSESSMENT_METHODS, label
from credtrack.services.accounts.signing import check_password_first, reauthenticate
from credtrack.services.audit import log as audit
from credtrack.services.catalog import _competencies
from credtrack.services.certificates import evidence as certificate_evidence
from credtrack.services.changes import Change, Result
from credtrack.services.common import (
    by_code,
    clean,
    get_or_404,
    limited_text,
    not_in_future,
    parse_date,
    refuse_controls,
    required_text,
)
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require

DEFAULT_ATTESTATION = (
    "I attest that I assessed this learner myself, by the method stated, and that this record is true and complete."
)


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


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    person_id: int
    competency_code: str
    competency_label: str
    scale_code: str
    level_code: str
    level_label: str
    level_rank: int
    passing: bool
    assessed_on: dt.date
    method: str
    setting: str
    comment: str
    assessor_name: str
    assessor_profession: str | None
    reauthenticated: bool
    voided: bool
    void_reason: str | None
    verification: str = "not_required"  # "pending": historical, awaiting an educator's confirmation
    resting_certificates: tuple[str, ...] = ()


def _active_person(session: Session, person_id: int) -> Person:
    person = get_or_404(session, Person, person_id, "person")
    if person.status == "archived":
        raise ValidationError(f"{person.full_name} is archived; records can no longer be added.")
    return person


def _not_about_themselves(actor: Actor, person_id: int, what: str) -> None:
    """Nobody records, verifies or confirms evidence about themselves, whatever their role."""
    if actor.person_id is not None and actor.person_id == person_id:
        raise PermissionDenied(f"{what} — nobody may; ask a colleague", actor.role)


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
        person = _active_person(session, person_id)
        _not_about_themselves(actor, person.id, "record your own module completions")
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
        _not_about_themselves(actor, completion.person_id, "verify your own module completions")
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
        resting = _void(session, actor, completion, reason, "completion", today)
        row = replace(completion_row(completion), resting_certificates=resting)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT | (Change.CERTIFICATES if resting else Change.NONE))


def _comment(comment: str | None) -> str:
    """A sign-off's comment keeps its line breaks; control characters are refused like in every field."""
    refuse_controls(comment, "The comment", "comment")
    return (comment or "").strip()


def _void(
    session: Session, actor: Actor, record: Completion | Assessment, reason: str, kind: str, today: dt.date | None
) -> tuple[str, ...]:
    """Mark a record void with a reason; it stays in history. Preceptors may void only their own.
    Returns the codes of the valid certificates that were issued on it."""
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
    entity = "assessment" if isinstance(record, Assessment) else "completion"
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


# Sign-offs ------------------------------------------------------------------------------------


def assessment_row(a: Assessment) -> AssessmentRow:
    lv = a.level
    return AssessmentRow(
        a.id,
        a.person_id,
        a.competency.code,
        a.competency.label,
        a.scale.code,
        lv.code,
        lv.label,
        lv.rank,
        lv.passing,
        a.assessed_on,
        a.method,
        a.setting,
        a.comment,
        a.assessor_name,
        a.assessor_profession.name if a.assessor_profession else None,
        a.reauthenticated,
        a.voided_at is not None,
        a.void_reason,
        a.verification,
    )


def _assessment_snapshot(a: Assessment) -> dict:
    return {
        "person_id": a.person_id,
        "competency_id": a.competency_id,
        "scale_id": a.scale_id,
        "level_id": a.level_id,
        "assessed_on": a.assessed_on,
        "method": a.method,
        "setting": a.setting,
        "comment": a.comment,
        "attestation_text": a.attestation_text,
        "assessor_user_id": a.assessor_user_id,
        "assessor_profession_id": a.assessor_profession_id,
        "verification": a.verification,
    }


def record_signoff(
    uow: UnitOfWork,
    actor: Actor,
    *,
    person_id: int,
    competency_code: str,
    scale_code: str,
    level_code: str,
    assessed_on: dt.date | str,
    method: str,
    password: str,
    attestation_accepted: bool,
    framework_code: str | None = None,
    setting: str = "",
    comment: str = "",
    attestation_text: str = DEFAULT_ATTESTATION,
    today: dt.date | None = None,
) -> Result[AssessmentRow]:
    """Record a competency sign-off. Needs the attestation accepted and the signer's password re-entered;
    the assessor's profession is taken from their linked person record as it is today."""
    checked = check_password_first(uow, actor, password)
    with uow:
        require(actor, "records.record")
        session = uow.session
        if not attestation_accepted:
            raise ValidationError("Accept the attestation to sign off.", field="attestation")
        person = _active_person(session, person_id)
        if actor.person_id is not None and actor.person_id == person.id:
            raise ValidationError("You cannot sign off your own competencies.", field="person")
        (competency,) = _competencies(session, [competency_code], framework_code)
        scale = by_code(session, Scale, scale_code, "scale")
        level = session.scalar(
            select(ScaleLevel).where(
                ScaleLevel.scale_id == scale.id, func.upper(ScaleLevel.code) == clean(level_code).upper()
            )
        )
        if level is None:
            codes = ", ".join(lv.code for lv in scale.levels)
            raise ValidationError(
                f"{level_code!r} is not a level of the scale {scale.name} (levels: {codes}).", field="level_code"
            )
        if method not in ASSESSMENT_METHODS:
            raise ValidationError(
                f"Method must be one of: {', '.join(label(m) for m in ASSESSMENT_METHODS)}.", field="method"
            )
        day = parse_date(assessed_on, "The assessment date", "assessed_on", required=True)
        assert day is not None
        not_in_future(day, "The assessment date", "assessed_on", now=today)
        reauthenticate(session, actor, password, checked=checked)
        signer = session.get(User, actor.id)
        assessor_person = session.get(Person, signer.person_id) if signer and signer.person_id else None
        profession: Profession | None = assessor_person.profession if assessor_person else None
        assessment = Assessment(
            person_id=person.id,
            competency_id=competency.id,
            scale_id=scale.id,
            level_id=level.id,
            assessed_on=day,
            method=method,
            setting=limited_text(setting, "The setting", "setting", 200),
            comment=_comment(comment),
            attestation_text=attestation_text,
            attestation_accepted=True,
            assessor_user_id=actor.id,
            assessor_person_id=assessor_person.id if assessor_person else None,
            assessor_name=assessor_person.full_name if assessor_person else actor.label,
            assessor_profession_id=profession.id if profession else None,
            reauthenticated=True,
            recorded_at=utcnow(),
        )
        session.add(assessment)
        session.flush()
        audit.record(
            session,
            actor,
            "assessment.record",
            "assessment",
            assessment.id,
            after=_assessment_snapshot(assessment),
            reauthenticated=True,
        )
        row = assessment_row(assessment)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


def void_assessment(
    uow: UnitOfWork, actor: Actor, assessment_id: int, reason: str, today: dt.date | None = None
) -> Result[AssessmentRow]:
    """Void a sign-off with a reason; as ``void_completion``."""
    with uow:
        require(actor, "records.void")
        session = uow.session
        assessment = get_or_404(session, Assessment, assessment_id, "sign-off")
        resting = _void(session, actor, assessment, reason, "sign-off", today)
        row = replace(assessment_row(assessment), resting_certificates=resting)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT | (Change.CERTIFICATES if resting else Change.NONE))


def confirm_assessment(uow: UnitOfWork, actor: Actor, assessment_id: int, *, password: str) -> Result[AssessmentRow]:
    """An educator confirms a historical (imported, unverified) sign-off, signing with their re-entered
    password; from then on the credential rules count it."""
    checked = check_password_first(uow, actor, password)
    with uow:
        require(actor, "records.confirm")
        session = uow.session
        assessment = get_or_404(session, Assessment, assessment_id, "sign-off")
        _not_about_themselves(actor, assessment.person_id, "confirm sign-offs of your own competencies")
        if assessment.voided_at is not None:
            raise ValidationError("This sign-off was voided and cannot be confirmed.")
        if assessment.verification != "pending":
            raise ValidationError("This sign-off does not need confirming (or is already confirmed).")
        reauthenticate(session, actor, password, checked=checked)
        before = _assessment_snapshot(assessment)
        assessment.verification, assessment.verified_by_id, assessment.verified_at = "verified", actor.id, utcnow()
        session.flush()  # re-packs the person's standing evidence
        audit.record(
            session,
            actor,
            "assessment.confirm",
            "assessment",
            assessment.id,
            before=before,
            after=_assessment_snapshot(assessment),
            reauthenticated=True,
        )
        row = assessment_row(assessment)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


def person_records(uow: UnitOfWork, actor: Actor, person_id: int) -> tuple[list[CompletionRow], list[AssessmentRow]]:
    """A person's completions and sign-offs, newest first, voided ones included (marked)."""
    with uow:
        require(actor, "read")
        session = uow.session
        get_or_404(session, Person, person_id, "person")
        users: dict[int | None, str] = dict(session.execute(select(User.id, User.display_name)).all())
        comps = session.scalars(
            select(Completion)
            .where(Completion.person_id == person_id)
            .order_by(Completion.completed_on.desc(), Completion.id.desc())
        )
        completions = [completion_row(c, users.get(c.recorded_by_id) or "") for c in comps]
        assessments = [
            assessment_row(a)
            for a in session.scalars(
                select(Assessment)
                .where(Assessment.person_id == person_id)
                .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
            )
        ]
        return completions, assessments

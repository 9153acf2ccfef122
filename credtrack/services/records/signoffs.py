"""Competency sign-offs: recorded by a preceptor who signs with their password, confirmed when
historical, voided with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from credtrack.db import UnitOfWork
from credtrack.errors import ValidationError
from credtrack.models import Assessment, Person, Profession, Scale, ScaleLevel, User, utcnow
from credtrack.models.enums import ASSESSMENT_METHODS, label
from credtrack.services.accounts.signing import check_password_first, reauthenticate
from credtrack.services.audit import log as audit
from credtrack.services.catalog import _competencies
from credtrack.services.changes import Change, Result
from credtrack.services.common import (
    by_code,
    clean,
    get_or_404,
    limited_text,
    not_in_future,
    parse_date,
    refuse_controls,
)
from credtrack.services.permissions import Actor, require
from credtrack.services.records.common import active_person, not_about_themselves, void_record

DEFAULT_ATTESTATION = (
    "I attest that I assessed this learner myself, by the method stated, and that this record is true and complete."
)


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


def _comment(comment: str | None) -> str:
    """A sign-off's comment keeps its line breaks; control characters are refused like in every field."""
    refuse_controls(comment, "The comment", "comment")
    return (comment or "").strip()


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
        person = active_person(session, person_id)
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
        resting = void_record(session, actor, assessment, reason, "sign-off", today)
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
        not_about_themselves(actor, assessment.person_id, "confirm sign-offs of your own competencies")
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

"""Multi-source assessment: the rating sources educators define, and the ratings recorded from them.

A rating is one rater's form about a learner — a level for each competency the source may rate, and a
comment. A rater with an account signs their own rating with their password (collection "signed");
for someone without one (a patient or family advisor, a learner's self-assessment on paper) an
educator or preceptor records the rating, names the rater and attests how the feedback was
collected, and signs that attestation with their own password. Ratings are voided with a reason,
never deleted, and count towards credentials through the judge's "ratings" requirements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError, ValidationError
from credtrack.models import Person, Profession, Rating, RatingScore, RatingSource, ScaleLevel, User, utcnow
from credtrack.models.enums import RATING_COLLECTION, label
from credtrack.services.accounts.signing import check_password_first, reauthenticate
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import (
    by_code,
    clean,
    get_or_404,
    not_in_future,
    parse_date,
    refuse_controls,
    required_text,
)
from credtrack.services.permissions import Actor, require
from credtrack.services.records.common import active_person, not_about_themselves, void_record
from credtrack.services.requirements import competencies as _competencies

SIGNED_ATTESTATION = "I attest that I observed this learner myself and that this rating is my own."


@dataclass(frozen=True)
class RatingRow:
    id: int
    person_id: int
    source_code: str
    source_name: str
    rated_on: dt.date
    rater_name: str
    rater_profession: str | None
    collection: str
    scores: list[tuple[str, str, str]]  # (competency code, level code, level label)
    comment: str
    recorded_by: str
    voided: bool
    void_reason: str | None
    resting_certificates: tuple[str, ...] = ()  # after voiding: valid certificates issued on this rating

    @property
    def collection_label(self) -> str:
        return label(self.collection)


def _rating_row(r: Rating) -> RatingRow:
    return RatingRow(
        r.id,
        r.person_id,
        r.source.code,
        r.source.name,
        r.rated_on,
        r.rater_name,
        r.rater_profession.name if r.rater_profession else None,
        r.collection,
        [(s.competency.code, s.level.code, s.level.label) for s in r.scores],
        r.comment,
        r.recorded_by.display_name or r.recorded_by.username if r.recorded_by else "",
        r.voided_at is not None,
        r.void_reason,
    )


def _rating_snapshot(r: Rating) -> dict:
    return {
        "person_id": r.person_id,
        "source_id": r.source_id,
        "rated_on": r.rated_on,
        "rater_name": r.rater_name,
        "rater_profession_id": r.rater_profession_id,
        "collection": r.collection,
        "scores": {str(s.competency_id): s.level_id for s in r.scores},
        "comment": r.comment,
        "attestation_text": r.attestation_text,
        "recorded_by_id": r.recorded_by_id,
    }


def record_rating(
    uow: UnitOfWork,
    actor: Actor,
    *,
    person_id: int,
    source_code: str,
    rated_on: dt.date | str,
    scores: Mapping[str, str],
    collection: str,
    password: str,
    attestation_accepted: bool,
    rater_name: str = "",
    rater_profession_code: str | None = None,
    comment: str = "",
    framework_code: str | None = None,
    today: dt.date | None = None,
) -> Result[RatingRow]:
    """Record one rater's rating of a learner: ``scores`` maps each competency code rated to a level code
    of the source's scale. ``collection`` "signed" means the signed-in user is the rater; otherwise the
    rater is named and the recorder attests how the feedback was collected. Either way the recorder
    accepts the attestation and re-enters their password."""
    checked = check_password_first(uow, actor, password)
    with uow:
        require(actor, "ratings.record")
        session = uow.session
        if not attestation_accepted:
            raise ValidationError("Accept the attestation to record the rating.", field="attestation")
        person = active_person(session, person_id)
        not_about_themselves(actor, person.id, "record ratings about yourself")
        source = session.scalar(
            select(RatingSource)
            .where(func.upper(RatingSource.code) == clean(source_code).upper())
            .options(selectinload(RatingSource.competencies))
        )
        if source is None:
            raise NotFoundError(f"No rating source with code {source_code!r}.")
        if not source.active:
            raise ValidationError(f"The rating source {source.name} is no longer offered.", field="source_code")
        if collection not in RATING_COLLECTION:
            raise ValidationError(
                f"How the rating was collected must be one of: {', '.join(label(c) for c in RATING_COLLECTION)}.",
                field="collection",
            )
        day = parse_date(rated_on, "The rating date", "rated_on", required=True)
        assert day is not None
        not_in_future(day, "The rating date", "rated_on", now=today)
        refuse_controls(comment, "The comment", "comment")
        rating_scores = _scores(session, source, scores, framework_code)
        reauthenticate(session, actor, password, checked=checked)
        signer = session.get(User, actor.id) if actor.id is not None else None
        signer_person = session.get(Person, signer.person_id) if signer and signer.person_id else None
        if collection == "signed":
            name = signer_person.full_name if signer_person else actor.label
            profession_id = signer_person.profession_id if signer_person else None
        else:
            name = required_text(rater_name, "The rater's name", "rater_name", 200)
            profession_id = None
            if rater_profession_code:
                profession_id = by_code(session, Profession, rater_profession_code, "profession").id
        rating = Rating(
            person_id=person.id,
            source_id=source.id,
            scale_id=source.scale_id,
            rated_on=day,
            rater_name=name,
            rater_profession_id=profession_id,
            collection=collection,
            comment=(comment or "").strip(),
            attestation_text=SIGNED_ATTESTATION if collection == "signed" else source.attestation_text,
            attestation_accepted=True,
            recorded_by_id=actor.id,
            recorded_at=utcnow(),
            reauthenticated=True,
            scores=rating_scores,
        )
        session.add(rating)
        session.flush()
        audit.record(
            session, actor, "rating.record", "rating", rating.id, after=_rating_snapshot(rating), reauthenticated=True
        )
        row = _rating_row(rating)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


def _scores(
    session: Session, source: RatingSource, scores: Mapping[str, str], framework_code: str | None
) -> list[RatingScore]:
    """The form's scores, each a competency the source may rate at a level of the source's scale."""
    if not scores:
        raise ValidationError("Give a level for at least one competency.", field="scores")
    allowed = {c.id: c for c in source.competencies}
    levels = {
        lv.code.upper(): lv for lv in session.scalars(select(ScaleLevel).where(ScaleLevel.scale_id == source.scale_id))
    }
    built: dict[int, RatingScore] = {}
    for code, level_code in scores.items():
        (competency,) = _competencies(session, [code], framework_code)
        if competency.id not in allowed:
            may = ", ".join(c.code for c in source.competencies)
            raise ValidationError(f"{source.name} does not rate {competency.code} (it rates {may}).", field="scores")
        if competency.id in built:
            raise ValidationError(f"{competency.code} is rated twice.", field="scores")
        level = levels.get(clean(level_code).upper())
        if level is None:
            raise ValidationError(
                f"{level_code!r} is not a level of the source's scale (levels: {', '.join(levels)}).", field="scores"
            )
        built[competency.id] = RatingScore(competency_id=competency.id, scale_id=source.scale_id, level_id=level.id)
    return list(built.values())


def void_rating(
    uow: UnitOfWork, actor: Actor, rating_id: int, reason: str, *, today: dt.date | None = None
) -> Result[RatingRow]:
    """Void a rating with a reason; it stays in history and stops counting. Preceptors may void only the
    ratings they recorded. The row names the valid certificates that were issued on the rating: they stay
    valid until someone reviews them, and say their evidence was voided."""
    with uow:
        require(actor, "ratings.void")
        session = uow.session
        rating = get_or_404(session, Rating, rating_id, "rating")
        resting = void_record(session, actor, rating, reason, "rating", today, entity="rating")
        row = replace(_rating_row(rating), resting_certificates=resting)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT | (Change.CERTIFICATES if resting else Change.NONE))


def person_ratings(uow: UnitOfWork, actor: Actor, person_id: int) -> list[RatingRow]:
    """A person's ratings, newest first, voided ones included (marked)."""
    with uow:
        require(actor, "read")
        session = uow.session
        get_or_404(session, Person, person_id, "person")
        ratings = session.scalars(
            select(Rating)
            .where(Rating.person_id == person_id)
            .options(selectinload(Rating.scores), selectinload(Rating.source))
            .order_by(Rating.rated_on.desc(), Rating.id.desc())
        )
        return [_rating_row(r) for r in ratings]

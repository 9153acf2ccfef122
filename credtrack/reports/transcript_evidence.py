"""A transcript's ratings and improvement work: those standing today (a rating not voided; a work confirmed
by a supervisor and not voided), as the credentials count them.

Raters are shown as a certificate shows them (``certificates.evidence_lines.rater_shown``): by the
rating's source and the rater's profession, never by name, so a patient or family advisor is never
named on a transcript the learner shares.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from credtrack.certificates.evidence_lines import rater_shown
from credtrack.models import (
    Competency,
    ImprovementMember,
    ImprovementWork,
    Profession,
    Rating,
    RatingScore,
    RatingSource,
    ScaleLevel,
    User,
)
from credtrack.models.enums import label


class TranscriptRating(NamedTuple):
    rated_on: dt.date
    source: str
    rater_profession: str  # "" when none was recorded; the rater is never named
    collection: str
    scores: str  # "C1 Often, VE1 Always"


class TranscriptWork(NamedTuple):
    ended_on: dt.date
    kind: str
    title: str
    role: str
    started_on: dt.date
    professions: tuple[str, ...]  # the team's, the learner's own included
    confirmed_by: str


def standing_ratings(session: Session, person_id: int) -> list[TranscriptRating]:
    """The person's ratings not voided, oldest first, each with its scores in competency order."""
    rows = session.execute(
        select(Rating.id, Rating.rated_on, RatingSource.name, Profession.name, Rating.collection)
        .join(RatingSource, RatingSource.id == Rating.source_id)
        .outerjoin(Profession, Profession.id == Rating.rater_profession_id)
        .where(Rating.person_id == person_id, Rating.voided_at.is_(None))
        .order_by(Rating.rated_on, Rating.id)
    ).all()
    scores: dict[int, list[str]] = defaultdict(list)
    if rows:
        for rating_id, code, level in session.execute(
            select(RatingScore.rating_id, Competency.code, ScaleLevel.label)
            .join(Competency, Competency.id == RatingScore.competency_id)
            .join(ScaleLevel, ScaleLevel.id == RatingScore.level_id)
            .where(RatingScore.rating_id.in_([row[0] for row in rows]))
            .order_by(RatingScore.rating_id, Competency.code)
        ):
            scores[rating_id].append(f"{code} {level}")
    return [
        TranscriptRating(on, source, rater_shown(profession), label(collection), ", ".join(scores[rid]))
        for rid, on, source, profession, collection in rows
    ]


def standing_works(session: Session, person_id: int) -> list[TranscriptWork]:
    """The person's confirmed improvement work not voided, earliest ended first, with the team's professions."""
    W = ImprovementWork
    own = aliased(Profession)
    rows = session.execute(
        select(W.id, W.ended_on, W.kind, W.title, W.role, W.started_on, own.name, User.display_name, User.username)
        .outerjoin(own, own.id == W.learner_profession_id)
        .outerjoin(User, User.id == W.confirmed_by_id)
        .where(W.person_id == person_id, W.voided_at.is_(None), W.confirmed_at.is_not(None))
        .order_by(W.ended_on, W.id)
    ).all()
    team: dict[int, set[str]] = defaultdict(set)
    if rows:
        for work_id, profession in session.execute(
            select(ImprovementMember.work_id, Profession.name)
            .join(Profession, Profession.id == ImprovementMember.profession_id)
            .where(ImprovementMember.work_id.in_([row[0] for row in rows]))
        ):
            team[work_id].add(profession)
    found = []
    for work_id, ended_on, kind, title, role, started_on, learner_profession, display, username in rows:
        assert ended_on is not None  # the work's shape constraint: confirmed work has ended
        professions = team[work_id] | ({learner_profession} if learner_profession else set())
        found.append(
            TranscriptWork(
                ended_on, label(kind), title, role, started_on, tuple(sorted(professions)), display or username or ""
            )
        )
    return found


def team_text(professions: tuple[str, ...]) -> str:
    """``3 professions: Medicine, Nursing, Pharmacy``."""
    if not professions:
        return "not recorded"
    count = len(professions)
    return f"{count} profession{'s' if count != 1 else ''}: {', '.join(professions)}"

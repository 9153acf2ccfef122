"""People's standing ratings (not voided) as the rules read them: each with its source and the rank of its
lowest score, since a rating counts at a level only when every competency it rates is at that level."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack.models import Rating, RatingScore, RatingSource, ScaleLevel
from credtrack.rules.evidence import RatingFact


class StandingRating(NamedTuple):
    id: int
    person_id: int
    source_id: int
    source_name: str
    rated_on: dt.date
    rank: int  # the lowest score's rank
    level_label: str  # the lowest score's level
    rater_name: str

    def fact(self) -> RatingFact:
        return RatingFact(self.source_id, self.rank, self.rated_on)


def read_standing_ratings(session: Session, person_ids: list[int]) -> dict[int, list[StandingRating]]:
    """Each named person's standing ratings, oldest first: one query over their ratings and scores (through
    the ratings' person index), and the labels of the lowest levels from the few scales they use."""
    if not person_ids:
        return {}
    stmt = (
        select(
            Rating.id,
            Rating.person_id,
            Rating.source_id,
            RatingSource.name,
            Rating.rated_on,
            func.min(ScaleLevel.rank),
            Rating.scale_id,
            Rating.rater_name,
        )
        .join(RatingScore, RatingScore.rating_id == Rating.id)
        .join(ScaleLevel, ScaleLevel.id == RatingScore.level_id)
        .join(RatingSource, RatingSource.id == Rating.source_id)
        .where(Rating.person_id.in_(person_ids), Rating.voided_at.is_(None))
        .group_by(Rating.id, Rating.person_id, Rating.source_id, RatingSource.name, Rating.rated_on, Rating.scale_id)
        .order_by(Rating.rated_on, Rating.id)
    )
    rows = session.execute(stmt).all()
    if not rows:
        return {}
    labels = {
        (scale, rank): label
        for scale, rank, label in session.execute(
            select(ScaleLevel.scale_id, ScaleLevel.rank, ScaleLevel.label).where(
                ScaleLevel.scale_id.in_({row[6] for row in rows})
            )
        )
    }
    found: dict[int, list[StandingRating]] = defaultdict(list)
    for rid, pid, source_id, source_name, rated_on, rank, scale_id, rater in rows:
        found[pid].append(
            StandingRating(rid, pid, source_id, source_name, rated_on, rank, labels[(scale_id, rank)], rater)
        )
    return dict(found)

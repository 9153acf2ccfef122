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
    """Each named person's standing ratings, oldest first."""
    if not person_ids:
        return {}
    lowest = (
        select(RatingScore.rating_id, func.min(ScaleLevel.rank).label("rank"))
        .join(ScaleLevel, ScaleLevel.id == RatingScore.level_id)
        .group_by(RatingScore.rating_id)
        .subquery()
    )
    stmt = (
        select(
            Rating.id,
            Rating.person_id,
            Rating.source_id,
            RatingSource.name,
            Rating.rated_on,
            lowest.c.rank,
            ScaleLevel.label,
            Rating.rater_name,
        )
        .join(lowest, lowest.c.rating_id == Rating.id)
        .join(RatingSource, RatingSource.id == Rating.source_id)
        .join(ScaleLevel, (ScaleLevel.scale_id == Rating.scale_id) & (ScaleLevel.rank == lowest.c.rank))
        .where(Rating.person_id.in_(person_ids), Rating.voided_at.is_(None))
        .order_by(Rating.rated_on, Rating.id)
    )
    found: dict[int, list[StandingRating]] = defaultdict(list)
    for row in session.execute(stmt):
        found[row[1]].append(StandingRating(*row))
    return dict(found)

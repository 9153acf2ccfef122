"""Demo ratings from the starter rating sources (colleagues, patient advisors, team members, the learners
themselves), for ``credtrack.demo``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from credtrack.models import Rating, RatingScore, RatingSource, ScaleLevel, utcnow
from credtrack.services.audit import record_state
from credtrack.services.pathways import pathway_data

RATERS = ("A. Okafor", "M. Lindqvist", "R. Haddad", "S. Novak", "J. Tanaka", "L. Moreau", "D. Mensah", "K. Iyer")
RATING_COMMENTS = (
    "Explained the plan in words we understood and checked we had understood it.",
    "Asked the pharmacist's view before deciding; the handover was clear.",
    "Listened to the family's concerns and came back with an answer.",
    "Could speak up sooner when the plan is unclear.",
    "",
)


def add_ratings(
    s: Session,
    people: list[int],
    today: dt.date,
    seed: int,
    users: dict[str, int],
    preceptors: Sequence[Any],
    *,
    focus: Mapping[int, dt.date] | None = None,
) -> None:
    """Ratings from the starter sources for about a third of the people: colleagues of other professions sign
    their own, patient advisors' come from paper forms and interviews, and self-assessments from forms. The
    people of ``focus`` (groups working towards the multi-source credential; each with the day they started)
    are asked for feedback on purpose: most of them have a patient advisor's rating or two more, and a
    colleague's or a team member's, since they started and within the last four months. Random streams of
    their own, so the rest of the demo is the same with or without them."""
    rng = random.Random(seed + 101)
    asked = random.Random(seed + 103)
    # Learners' ratings of their preceptor are the preceptor pathway's (``demo_precepting``), drawn apart.
    learners_of_preceptors = pathway_data()["rating_source"]["code"]
    sources = list(
        s.scalars(
            select(RatingSource)
            .where(RatingSource.active.is_(True), RatingSource.code != learners_of_preceptors)
            .order_by(RatingSource.code)
        )
    )
    if not sources:
        return
    levels = {(lv.scale_id, lv.rank): lv.id for lv in s.scalars(select(ScaleLevel))}
    ratings: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    for pid in people:
        if rng.random() > 0.35:
            continue
        for _ in range(rng.choice([1, 2, 3, 4])):
            source = rng.choice(sources)
            signed = source.code in ("PEER-IP", "TEAM") and preceptors
            who = rng.choice(preceptors) if signed else None
            rated = today - dt.timedelta(days=rng.randint(1, 300))
            ratings.append(_rating(pid, source, rated, who, rng, users["educator"]))
            _score(rng, source, levels, len(ratings) - 1, scores)
    by_code = {source.code: source for source in sources}
    wanted = [by_code[c] for c in ("PATIENT", "PATIENT", "PEER-IP", "TEAM") if c in by_code]
    for pid, started in sorted((focus or {}).items()):
        if not wanted or asked.random() > 0.8:
            continue
        days = max(1, min(120, (today - started).days))
        for source in asked.sample(wanted, k=asked.randint(2, len(wanted))):
            signed = source.code in ("PEER-IP", "TEAM") and preceptors
            who = asked.choice(preceptors) if signed else None
            rated = today - dt.timedelta(days=asked.randint(1, days))
            ratings.append(_rating(pid, source, rated, who, asked, users["educator"]))
            _score(asked, source, levels, len(ratings) - 1, scores)
    if ratings:
        record_state.touch_new(s, "rating")
        record_state.touch_new(s, "rating_score")
        ids = s.scalars(insert(Rating).returning(Rating.id, sort_by_parameter_order=True), ratings).all()
        for score in scores:
            score["rating_id"] = ids[score["rating_id"]]
        s.execute(insert(RatingScore), scores)


def _rating(pid: int, source: RatingSource, rated: dt.date, who: Any, rng: random.Random, educator: int) -> dict:
    """One demo rating's row: signed by a preceptor (``who``), or recorded by the educator from a form."""
    return {
        "person_id": pid,
        "source_id": source.id,
        "scale_id": source.scale_id,
        "rated_on": rated,
        "rater_name": who[1] if who else ("Self" if source.code == "SELF" else rng.choice(RATERS)),
        "rater_profession_id": who[3] if who else None,
        "collection": "signed" if who else rng.choice(["paper_form", "paper_form", "interview"]),
        "comment": rng.choice(RATING_COMMENTS),
        "attestation_text": source.attestation_text,
        "attestation_accepted": True,
        "recorded_by_id": who[0] if who else educator,
        "recorded_at": utcnow(),
        "reauthenticated": True,
        "version": 1,
        "updated_at": utcnow(),
    }


def _score(rng: random.Random, source: RatingSource, levels: dict, place: int, scores: list[dict[str, Any]]) -> None:
    """Two to four of the competencies the source rates, each at Sometimes to Always."""
    rated_competencies = rng.sample(source.competencies, k=min(len(source.competencies), rng.randint(2, 4)))
    for competency in rated_competencies:
        rank = rng.choice([3, 4, 4, 5, 5])
        scores.append(
            {
                "rating_id": place,  # the rating's place, until its id is known
                "competency_id": competency.id,
                "scale_id": source.scale_id,
                "level_id": levels[(source.scale_id, rank)],
            }
        )

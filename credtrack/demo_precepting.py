"""Demo records of the preceptor development pathway, for ``credtrack.demo``: the demo preceptors' own
facilitation modules and their learners' ratings of how they facilitated, so that one preceptor has earned
"Interprofessional facilitation", one is a rating short, one a module short and one has just begun. Their
precepting record is the sign-offs the demo already has them give. A random stream of its own, so the rest
of the demo is the same with or without it."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from credtrack.models import (
    Assessment,
    Completion,
    Module,
    Person,
    Rating,
    RatingScore,
    RatingSource,
    ScaleLevel,
    utcnow,
)
from credtrack.services.audit import record_state
from credtrack.services.pathways import pathway_data

# Per preceptor, in the order of the demo accounts: the pathway modules they completed (by position) and the
# ranks of their learners' ratings (each rating's scores all at that rank).
PATTERNS = (
    ((0, 1, 2), (5, 4, 4, 5)),  # has earned it, with the sign-offs the demo gives
    ((0, 1, 2), (4, 5, 3)),  # one rating below Often: a rating short
    ((0, 1), (4, 4, 5)),  # the psychological safety module still to do
    ((2,), (4,)),  # has just begun
)
COMMENTS = (
    "Asked what I already knew before showing me; I felt able to say when I was unsure.",
    "Feedback straight after the procedure, with one thing to do differently next time.",
    "Ran a short debrief with the whole team after the rapid response; everyone spoke.",
    "Brought the pharmacist and the physiotherapist into my plan, not just the nurses.",
    "",
)


def add_pathway_records(
    s: Session, preceptors: list[tuple[int, str]], today: dt.date, seed: int, educator_id: int
) -> None:
    """``preceptors``: (person id, name) of each demo preceptor, in the order of the demo accounts."""
    rng = random.Random(seed + 202)
    data = pathway_data()
    codes = [m["code"] for m in data["modules"]]
    modules = dict(s.execute(select(Module.code, Module.id).where(Module.code.in_(codes))).all())
    source = s.scalar(select(RatingSource).where(RatingSource.code == data["rating_source"]["code"]))
    if source is None or len(modules) != len(codes):
        return  # the pathway is not in this database (removed by an educator): nothing to add to it
    levels = {lv.rank: lv.id for lv in s.scalars(select(ScaleLevel).where(ScaleLevel.scale_id == source.scale_id))}
    completions: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    for (person_id, _name), (done, ranks) in zip(preceptors, PATTERNS, strict=False):
        for position in done:
            completions.append(
                {
                    "person_id": person_id,
                    "module_id": modules[codes[position]],
                    "completed_on": today - dt.timedelta(days=rng.randint(120, 400)),
                    "evidence": "Attendance sheet",
                    "source": "demo",
                    "verification": "not_required",
                    "recorded_by_id": educator_id,
                    "recorded_at": utcnow(),
                    "version": 1,
                    "updated_at": utcnow(),
                }
            )
        learners = list(
            s.scalars(
                select(Person.full_name)
                .join(Assessment, Assessment.person_id == Person.id)
                .where(Assessment.assessor_person_id == person_id)
                .distinct()
                .order_by(Person.full_name)
            )
        ) or ["A learner"]
        for rank in ranks:
            ratings.append(
                {
                    "person_id": person_id,
                    "source_id": source.id,
                    "scale_id": source.scale_id,
                    "rated_on": today - dt.timedelta(days=rng.randint(5, 200)),
                    "rater_name": rng.choice(learners),
                    "rater_profession_id": None,
                    "collection": rng.choice(["paper_form", "survey_export"]),
                    "comment": rng.choice(COMMENTS),
                    "attestation_text": source.attestation_text,
                    "attestation_accepted": True,
                    "recorded_by_id": educator_id,
                    "recorded_at": utcnow(),
                    "reauthenticated": True,
                    "version": 1,
                    "updated_at": utcnow(),
                }
            )
            for competency in rng.sample(source.competencies, k=min(len(source.competencies), rng.randint(2, 4))):
                scores.append(
                    {
                        "rating_id": len(ratings) - 1,  # the rating's place, until its id is known
                        "competency_id": competency.id,
                        "scale_id": source.scale_id,
                        "level_id": levels[rank],
                    }
                )
    if completions:
        record_state.touch_new(s, "completion")
        s.execute(insert(Completion), completions)
    if ratings:
        record_state.touch_new(s, "rating")
        ids = s.scalars(insert(Rating).returning(Rating.id, sort_by_parameter_order=True), ratings).all()
        for score in scores:
            score["rating_id"] = ids[score["rating_id"]]
        s.execute(insert(RatingScore), scores)

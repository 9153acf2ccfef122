"""Demo improvement work (QI projects, safety event reviews, huddles led, teach-backs) with their teams, for
``credtrack.demo``: a random stream of its own, so the rest of the demo is the same with or without it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from credtrack.models import ImprovementMember, ImprovementWork, Profession, utcnow
from credtrack.services.audit import record_state
from credtrack.services.improvement import CONFIRMATION_TEXT

TITLES = {
    "qi_project": (
        ("Fewer interruptions during the medication round", "Cut interruptions of the nurse giving medicines by half"),
        ("Falls prevention bundle on night shifts", "Reduce falls at night by a third in six months"),
        ("Earlier discharge planning for hip fracture patients", "Start discharge planning within 48 hours"),
        ("Sepsis screening within an hour of arrival", "Screen every adult with a fever within 60 minutes"),
        ("A shared handover at shift change", "Use one structured handover in every shift change"),
        ("Pressure injury prevention: repositioning every two hours", "No new grade 2 pressure injuries"),
        ("Fewer duplicate blood tests on admission", "Cut duplicate admission bloods by a quarter"),
        ("Pain reassessment within an hour of analgesia", "Reassess pain after nine in ten doses"),
    ),
    "safety_review": (
        ("Review of a near miss with an insulin dose", "Find why a tenfold dose was nearly given"),
        ("Review of a delayed escalation of a deteriorating patient", "Learn why the early warning score was missed"),
        ("Review of a fall in a patient bathroom", "Understand the fall and the call bell's place"),
        ("Review of a mislabelled blood specimen", "Trace the labelling step that failed"),
        ("Review of an allergy missed on admission", "Learn how the allergy was not recorded"),
    ),
    "huddle_led": (
        ("Morning safety huddle", "Name the day's risks and who watches them"),
        ("Bed flow huddle", "Agree discharges and admissions for the day"),
    ),
    "teach_back": (
        ("Teach-back on inhaler technique before discharge", "Patients show their inhaler use back"),
        ("Teach-back on anticoagulants at discharge", "Patients explain their doses and warning signs"),
    ),
}
ROLES = {
    "qi_project": ("Project lead", "Data collection", "Process mapping", "Team member"),
    "safety_review": ("Reviewer", "Lead reviewer", "Timeline and interviews"),
    "huddle_led": ("Huddle lead",),
    "teach_back": ("Educator",),
}
OUTCOMES = (
    "Measured over twelve weeks; the change held and the unit adopted it.",
    "Partly met: the aim was reached on day shifts, not yet at night.",
    "Findings shared at the unit meeting; two actions agreed and owned.",
    "Not met yet; the team changed the plan after the second cycle.",
)
MEMBERS = ("A. Okafor", "M. Lindqvist", "R. Haddad", "S. Novak", "J. Tanaka", "L. Moreau", "D. Mensah", "K. Iyer")


def add_improvement_work(
    s: Session,
    learners: Sequence[tuple[int, int | None, dt.date | None, dt.date | None]],
    today: dt.date,
    seed: int,
    users: dict[str, int],
    preceptors: Sequence[Any],
) -> None:
    """Improvement work for about a third of the learners (``(person id, profession id, start date, end
    date)`` each), done while they were here: mostly QI
    projects and safety event reviews with teams of two to five professions, most confirmed by a preceptor,
    some still awaiting confirmation, a few voided."""
    rng = random.Random(seed + 211)
    professions = list(s.scalars(select(Profession.id).order_by(Profession.id)))
    if not professions or not preceptors:
        return
    works: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    for pid, own, joined, left in learners:
        if rng.random() > 0.35:  # about a third of learners take part in improvement work
            continue
        for _ in range(rng.choice([1, 1, 1, 2])):
            kind = rng.choices(list(TITLES), weights=[5, 3, 1, 1])[0]
            title, aim = rng.choice(TITLES[kind])
            length = rng.randint(60, 180) if kind == "qi_project" else rng.randint(0, 14)
            ended = today - dt.timedelta(days=rng.randint(5, 400))
            started = ended - dt.timedelta(days=length)
            if joined is not None and started < joined:
                started = joined + dt.timedelta(days=rng.randint(3, 20))
                ended = started + dt.timedelta(days=length)
            if ended >= today or (left is not None and ended > left):
                continue  # joined too recently, or left before it ended
            state = rng.choices(["confirmed", "awaiting", "voided"], weights=[14, 4, 2])[0]
            supervisors = [p for p in preceptors if p[2] != pid]
            supervisor = rng.choice(supervisors)
            confirmed = state != "awaiting"
            works.append(
                {
                    "person_id": pid,
                    "kind": kind,
                    "title": title,
                    "aim": aim,
                    "role": rng.choice(ROLES[kind]),
                    "started_on": started,
                    "ended_on": ended if confirmed or rng.random() < 0.5 else None,
                    "outcome": rng.choice(OUTCOMES) if confirmed else "",
                    "learner_profession_id": own,
                    "recorded_by_id": users["educator"],
                    "recorded_at": utcnow(),
                    "confirmed_by_id": supervisor[0] if confirmed else None,
                    "confirmed_at": dt.datetime.combine(ended + dt.timedelta(days=rng.randint(1, 20)), dt.time(10))
                    if confirmed
                    else None,
                    "confirmation_text": CONFIRMATION_TEXT if confirmed else None,
                    "voided_at": utcnow() if state == "voided" else None,
                    "voided_by_id": users["educator"] if state == "voided" else None,
                    "void_reason": "Recorded against the wrong learner" if state == "voided" else None,
                    "version": 1,
                    "updated_at": utcnow(),
                }
            )
            others = [p for p in professions if p != own]
            team = rng.sample(others, k=min(len(others), rng.randint(1, 4)))  # 2-5 professions with the learner
            for position, profession in enumerate(team):
                colleague = rng.choice(preceptors) if rng.random() < 0.25 else None
                if colleague is not None and (colleague[2] == pid or colleague[3] != profession):
                    colleague = None
                members.append(
                    {
                        "work_id": len(works) - 1,  # the work's place, until its id is known
                        "position": position,
                        "name": colleague[1] if colleague else rng.choice(MEMBERS),
                        "profession_id": profession,
                        "person_id": colleague[2] if colleague else None,
                    }
                )
    if works:
        record_state.touch_new(s, "improvement")
        record_state.touch_new(s, "improvement_team")
        ids = s.scalars(
            insert(ImprovementWork).returning(ImprovementWork.id, sort_by_parameter_order=True), works
        ).all()
        for member in members:
            member["work_id"] = ids[member["work_id"]]
        s.execute(insert(ImprovementMember), members)

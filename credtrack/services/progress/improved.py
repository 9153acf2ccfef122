"""People's standing improvement work (confirmed by a supervisor, not voided) as the rules read it: each
work with its kind, the day it ended and how many distinct professions its team spans, the learner's own
included."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.models import ImprovementMember, ImprovementWork
from credtrack.rules.evidence import WorkFact
from credtrack.rules.model import RequirementRule


class StandingWork(NamedTuple):
    id: int
    person_id: int
    kind: str
    title: str
    ended_on: dt.date
    professions: int  # distinct professions on the team, the learner's own included

    def fact(self) -> WorkFact:
        return WorkFact(self.kind, self.ended_on, self.professions)


def read_standing_works(session: Session, person_ids: list[int]) -> dict[int, list[StandingWork]]:
    """Each named person's standing works, earliest ended first: the works through their person index, then
    their members' professions."""
    if not person_ids:
        return {}
    W = ImprovementWork
    rows = session.execute(
        select(W.id, W.person_id, W.kind, W.title, W.ended_on, W.learner_profession_id)
        .where(W.person_id.in_(person_ids), W.voided_at.is_(None), W.confirmed_at.is_not(None))
        .order_by(W.ended_on, W.id)
    ).all()
    if not rows:
        return {}
    team: dict[int, set[int]] = defaultdict(set)
    for work_id, profession_id in session.execute(
        select(ImprovementMember.work_id, ImprovementMember.profession_id).where(
            ImprovementMember.work_id.in_([r[0] for r in rows])
        )
    ):
        team[work_id].add(profession_id)
    found: dict[int, list[StandingWork]] = defaultdict(list)
    for work_id, pid, kind, title, ended_on, own in rows:
        assert ended_on is not None  # the work's shape constraint: confirmed work has ended
        professions = team[work_id] | ({own} if own is not None else set())
        found[pid].append(StandingWork(work_id, pid, kind, title, ended_on, len(professions)))
    return dict(found)


def qualifying_works(r: RequirementRule, works: list[StandingWork]) -> tuple[list[StandingWork], list[StandingWork]]:
    """(the person's standing works of the requirement's kind, those whose team is broad enough), oldest first."""
    mine = [w for w in works if w.kind == r.work_kind]
    return mine, [w for w in mine if w.professions >= (r.min_professions or 1)]


def shown_work(r: RequirementRule, met: bool, works: list[StandingWork]) -> tuple[StandingWork, str] | None:
    """The work to show beside an improvement requirement, with what to say of it: the last one it needed when
    met, else the latest of the kind (None when there is none)."""
    mine, counted = qualifying_works(r, works)
    need = r.min_count or 1
    if met:
        w = counted[need - 1]
        return w, f"{w.title} ({w.professions} professions on the team)"
    if mine:
        w = mine[-1]
        return w, f"{len(counted)} of {need} so far; latest: {w.title} ({w.professions} professions)"
    return None

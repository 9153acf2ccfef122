"""The interprofessional mix of QI teams by unit: how many professions the quality improvement projects of a
unit's learners brought together.

A project counts for a unit when it is standing (a supervisor confirmed it, nobody voided it), it ended in
the period, and its learner was in the unit on the day it ended. Its team's professions are its members'
and the learner's own (recorded on the project), as the improvement requirement counts them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from credtrack.models import ImprovementMember, ImprovementWork
from credtrack.reports.tables import ReportTable
from credtrack.reports.unit_scope import UnitScope, day_of

QI_PROJECT = "qi_project"
BROAD = 3  # a team of at least this many professions is interprofessional in the report's sense


@dataclass(frozen=True)
class QiTeams:
    projects: int
    learners: int
    professions: int  # all the team members' professions, summed over the projects (for the mean)
    broad: int  # projects whose team spans at least BROAD professions

    @property
    def mean_professions(self) -> float | None:
        return round(self.professions / self.projects, 1) if self.projects else None

    @property
    def share_broad(self) -> float | None:
        return round(self.broad / self.projects, 3) if self.projects else None


def qi_team_figures(scope: UnitScope) -> dict[int, QiTeams]:
    """Per unit: the standing QI projects that ended in the period while their learner was in the unit."""
    W, M = ImprovementWork, ImprovementMember
    since, until = scope.period.since, scope.period.until
    works = scope.session.execute(
        select(W.id, W.person_id, W.ended_on, W.learner_profession_id).where(
            W.kind == QI_PROJECT,
            W.confirmed_at.is_not(None),
            W.voided_at.is_(None),
            W.ended_on.is_not(None),
            W.ended_on >= since,
            W.ended_on <= until,
        )
    ).all()
    scope.check()
    if not works:
        return {}
    teams: dict[int, set[int]] = defaultdict(set)
    for work_id, profession in scope.session.execute(
        select(M.work_id, M.profession_id).where(M.work_id.in_([w[0] for w in works]))
    ):
        teams[work_id].add(profession)
    placed: dict[int, list[tuple[int, int]]] = defaultdict(list)  # unit -> (learner, professions) per project
    for work_id, person_id, ended, own in works:
        team = teams[work_id] | ({own} if own is not None else set())
        day: dt.date = day_of(ended)
        for unit_id, first, last in scope.stays.get(person_id, ()):
            if first <= day and (last is None or last >= day):
                placed[unit_id].append((person_id, len(team)))
    return {
        unit_id: QiTeams(
            len(found),
            len({pid for pid, _n in found}),
            sum(n for _pid, n in found),
            sum(n >= BROAD for _pid, n in found),
        )
        for unit_id, found in placed.items()
    }


def qi_teams_report(scope: UnitScope) -> ReportTable:
    figures = qi_team_figures(scope)
    rows = [
        (name, f.projects, f.learners, f.mean_professions, f.broad, f.share_broad)
        for unit_id, name in scope.units()
        if (f := figures.get(unit_id)) is not None
    ]
    return ReportTable(
        "Interprofessional mix of QI teams by unit",
        [
            "unit",
            "qi_projects",
            "learners",
            "mean_professions",
            f"with_{BROAD}_professions",
            f"share_{BROAD}_professions",
        ],
        rows,
        [
            f"Confirmed QI projects that ended {scope.period.describe()}, counted in the unit their learner was in "
            "on the day each ended.",
            "A team's professions are its members' and the learner's own.",
        ],
    )

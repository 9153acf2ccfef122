"""Units to support: the units ranked on the measures of the reports by unit, weakest first.

The score: on each measure the units with a figure are ranked from the weakest (rank 1) to the strongest,
tied units sharing the better of their ranks, and a unit's score is the mean of its ranks over the
measures it has a figure for. The lowest score comes first: that unit is, all measures weighed alike, the
one whose team most needs coaching. Beside the score stand each measure's figure and the unit's weakest
measure (the one it ranks lowest on, relative to how many units were ranked there).

A new measure is one function giving a figure per unit from a ``UnitScope``, and one ``Measure`` added to
``MEASURES`` (the interprofessional mix of QI teams came in that way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from credtrack.reports import unit_reports as ur
from credtrack.reports.tables import ReportTable
from credtrack.reports.unit_qi_teams import qi_team_figures
from credtrack.reports.unit_scope import UnitScope

Figures = dict[int, float | None]  # unit id -> the measure's figure (None: not enough to say)


@dataclass(frozen=True)
class Measure:
    column: str  # the column of the ranking table
    label: str  # how a person reads it ("weakest on ...")
    higher_is_better: bool
    figures: Callable[[UnitScope], Figures]


def _completion(scope: UnitScope) -> Figures:
    return {u: f.share for u, f in ur.completion_figures(scope).items()}


def _days_to_credential(scope: UnitScope) -> Figures:
    return {u: f.median_days for u, f in ur.completion_figures(scope).items()}


def _assessor_mix(scope: UnitScope) -> Figures:
    return {u: f.share for u, f in ur.assessor_mix_figures(scope).items()}


def _two_sources(scope: UnitScope) -> Figures:
    return {u: f.share_two for u, f in ur.rating_coverage_figures(scope).items()}


def _qi_teams(scope: UnitScope) -> Figures:
    return {u: f.share_broad for u, f in qi_team_figures(scope).items()}


def _retention_year(scope: UnitScope) -> Figures:
    """Everyone's retention at 1 year, whatever their onboarding status."""
    out: Figures = {}
    for unit_id, counts in ur.retention_figures(scope).items():
        n = sum(counts.get((365, g), (0, 0))[0] for g in ur.GROUPS)
        still = sum(counts.get((365, g), (0, 0))[1] for g in ur.GROUPS)
        out[unit_id] = round(still / n, 3) if n else None
    return out


MEASURES: list[Measure] = [
    Measure("completed_share", "onboarding completion", True, _completion),
    Measure("median_days_to_credential", "time to credential", False, _days_to_credential),
    Measure("other_profession_share", "sign-offs by other professions", True, _assessor_mix),
    Measure("share_2_sources", "ratings from 2 or more sources", True, _two_sources),
    Measure("share_qi_3_professions", "QI teams of 3 or more professions", True, _qi_teams),
    Measure("retention_1_year", "retention at 1 year", True, _retention_year),
]


def ranks(figures: Figures, higher_is_better: bool) -> dict[int, int]:
    """Rank 1 for the weakest figure; tied units share the better (lower) rank; units without one unranked."""
    known = {u: v for u, v in figures.items() if v is not None}
    ordered = sorted(known.values(), reverse=not higher_is_better)  # weakest first
    first: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {u: first[v] for u, v in known.items()}


def _standing(rank: int, ranked: int) -> float:
    """Where a rank stands among ``ranked`` units: 0 the weakest, 1 the strongest; a measure only one unit has a
    figure for says nothing about it (1)."""
    return (rank - 1) / (ranked - 1) if ranked > 1 else 1.0


def units_to_support(scope: UnitScope, measures: list[Measure] | None = None) -> ReportTable:
    measures = MEASURES if measures is None else measures
    # Retention asks about every onboarding credential: judged once, the completion figures read them too.
    scope.achievements(scope.onboarding)
    # The completion figures feed two measures; each report's figures are worked out once.
    cached: dict[Callable[[UnitScope], Figures], Figures] = {}
    figures = []
    for m in measures:
        if m.figures not in cached:
            cached[m.figures] = m.figures(scope)
            scope.check()
        figures.append(cached[m.figures])
    ranked = [ranks(f, m.higher_is_better) for f, m in zip(figures, measures, strict=True)]
    rows: list[tuple] = []
    for unit_id, name in scope.units():
        mine = [(r[unit_id], len(r), m) for r, m in zip(ranked, measures, strict=True) if unit_id in r]
        if not mine:
            continue
        score = round(sum(rank for rank, _n, _m in mine) / len(mine), 2)
        weakest = min(mine, key=lambda item: _standing(item[0], item[1]))[2]
        values = [f.get(unit_id) for f in figures]
        rows.append((name, len(scope.members[unit_id]), score, weakest.label, *values))
    rows.sort(key=lambda row: (row[2], str(row[0]).casefold()))
    return ReportTable(
        "Units to support",
        ["unit", "people", "support_score", "weakest_measure", *(m.column for m in measures)],
        rows,
        [
            f"People in each unit at some time from {scope.period.describe()}.",
            "Score: the mean of the unit's ranks, 1 being the weakest unit on a measure; lowest first.",
            scope.onboarding_note,
        ],
    )

"""The one judge of credential rules: each requirement's verdict, the credential's status, and the day
every requirement was first met.

Every caller asks here — the person's page, bulk progress, the dashboard, cohort issue, the
compliance matrix and the outcome reports — with ``Evidence`` read however suits it
(``credtrack.rules.evidence``). The judge works on a group of people at once (one person is a group
of one): a hundred thousand people are judged requirement by requirement, each a pass over the group,
rather than person by person. A requirement kind is two functions, registered in ``KINDS``:

* ``judge(requirement, evidence, today) -> list[Verdict]``: for each person, met, missing, lapsed or
  below the level, and (met or lapsed, for a recurring requirement) the day it lapses;
* ``first_met(requirements, evidence) -> list[date | None]``: for each person, the day every one of
  several requirements of the kind had first been met (the latest of their first days), for the
  outcome reports; later lapses do not move it.

The credential then has its status from ``credtrack.rules.status.overall_status``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from credtrack.rules.dates import months_after
from credtrack.rules.evidence import Evidence, PreceptedFact
from credtrack.rules.model import (
    COMPETENCY,
    IMPROVEMENT,
    MODULE,
    PRECEPTING,
    RATING_SOURCES,
    RATINGS,
    CredentialRules,
    Held,
    RequirementRule,
)
from credtrack.rules.status import overall_status

# Requirement states. Any state but MISSING means the person has some evidence towards it.
MET, MISSING, LAPSED, BELOW = "met", "missing", "expired", "below_level"


class Verdict(NamedTuple):
    state: str
    lapses_on: dt.date | None = None  # a recurring requirement: the day its evidence lapses (or lapsed)


_MISSING = Verdict(MISSING)
_MET = Verdict(MET)
_BELOW = Verdict(BELOW)


@cache
def _dated(day: dt.date, months: int, today: dt.date) -> Verdict:
    """The verdict on a completion on ``day`` of a module valid ``months`` (people share days: each once)."""
    until = months_after(day, months)
    return Verdict(LAPSED if until < today else MET, until)


def judge_module(r: RequirementRule, evidence: Evidence, today: dt.date) -> list[Verdict]:
    """A module requirement: met by a standing completion, for the module's validity if it has one."""
    if not r.validity_months:
        return [_MET if has else _MISSING for has in evidence.has_completion(r.target_id)]
    months = r.validity_months
    return [_MISSING if day is None else _dated(day, months, today) for day in evidence.latest_completion(r.target_id)]


def first_met_modules(rs: Sequence[RequirementRule], evidence: Evidence) -> list[dt.date | None]:
    return evidence.all_completed_by([r.target_id for r in rs])


def judge_competency(r: RequirementRule, evidence: Evidence, today: dt.date) -> list[Verdict]:
    """A competency requirement: met by a standing sign-off on its scale at or above its level."""
    assert r.scale_id is not None  # the requirement's shape constraint: a competency names its scale
    need = r.min_rank or 0
    return [
        _MISSING if best is None else _MET if best >= need else _BELOW
        for best in evidence.best_rank(r.target_id, r.scale_id)
    ]


def first_met_competencies(rs: Sequence[RequirementRule], evidence: Evidence) -> list[dt.date | None]:
    latest: list[dt.date | None] | None = None
    for r in rs:
        assert r.scale_id is not None
        days = evidence.first_sign_off(r.target_id, r.scale_id, r.min_rank)
        latest = days if latest is None else _later(latest, days)
    return latest if latest is not None else [dt.date.min] * len(evidence)


def judge_ratings(r: RequirementRule, evidence: Evidence, today: dt.date) -> list[Verdict]:
    """Ratings from one source: met by at least ``min_count`` standing ratings whose every score is at or
    above the level; short of that, any rating from the source is some evidence towards it."""
    need = r.min_count or 1
    qualifying = evidence.rating_days(r.target_id, r.min_rank)
    if r.min_rank is None:
        return [_MET if len(days) >= need else _BELOW if days else _MISSING for days in qualifying]
    return [
        _MET if len(days) >= need else _BELOW if days or some else _MISSING
        for days, some in zip(qualifying, evidence.rating_days(r.target_id, None), strict=True)
    ]


def first_met_ratings(rs: Sequence[RequirementRule], evidence: Evidence) -> list[dt.date | None]:
    """The day the last of the ratings each requirement needs was made (later ratings do not move it)."""
    latest: list[dt.date | None] | None = None
    for r in rs:
        need = r.min_count or 1
        days = [
            found[need - 1] if len(found) >= need else None for found in evidence.rating_days(r.target_id, r.min_rank)
        ]
        latest = days if latest is None else _later(latest, days)
    return latest if latest is not None else [dt.date.min] * len(evidence)


def judge_rating_sources(r: RequirementRule, evidence: Evidence, today: dt.date) -> list[Verdict]:
    """Ratings from several sources: met once the person has ratings from at least ``min_count`` sources."""
    need = r.min_count or 1
    return [_MET if len(found) >= need else _BELOW if found else _MISSING for found in evidence.rating_sources()]


def first_met_rating_sources(rs: Sequence[RequirementRule], evidence: Evidence) -> list[dt.date | None]:
    """The day the person first had ratings from as many sources as the most demanding requirement asks."""
    need = max((r.min_count or 1) for r in rs)
    return [sorted(found.values())[need - 1] if len(found) >= need else None for found in evidence.rating_sources()]


def judge_improvement(r: RequirementRule, evidence: Evidence, today: dt.date) -> list[Verdict]:
    """Improvement work: met by at least ``min_count`` standing works of the kind (confirmed by a supervisor,
    not voided) whose team spans at least ``min_professions`` distinct professions. The learner is part of
    the team: their own profession counts, so a nurse's project with a pharmacist and a physician spans
    three. Short of that, a standing work of the kind with a smaller team is some evidence towards it
    (below); unconfirmed work is none."""
    assert r.work_kind is not None  # the requirement's shape constraint: improvement names its kind
    need = r.min_count or 1
    qualifying = evidence.improvement_days(r.work_kind, r.min_professions or 1)
    return [
        _MET if len(days) >= need else _BELOW if days or some else _MISSING
        for days, some in zip(qualifying, evidence.improvement_days(r.work_kind, 0), strict=True)
    ]


def first_met_improvement(rs: Sequence[RequirementRule], evidence: Evidence) -> list[dt.date | None]:
    """The day the last of the works each requirement needs ended (later works do not move it)."""
    latest: list[dt.date | None] | None = None
    for r in rs:
        assert r.work_kind is not None
        need = r.min_count or 1
        days = [
            found[need - 1] if len(found) >= need else None
            for found in evidence.improvement_days(r.work_kind, r.min_professions or 1)
        ]
        latest = days if latest is None else _later(latest, days)
    return latest if latest is not None else [dt.date.min] * len(evidence)


def judge_precepting(r: RequirementRule, evidence: Evidence, today: dt.date) -> list[Verdict]:
    """A precepting record: met once the person has given at least ``min_count`` standing sign-offs to
    learners of professions other than their own, those learners being of at least ``min_professions``
    professions; short of that, any such sign-off is some evidence towards it."""
    need, kinds = r.min_count or 1, r.min_professions or 1
    return [
        _MET
        if len(given) >= need and len({f.learner_profession_id for f in given}) >= kinds
        else _BELOW
        if given
        else _MISSING
        for given in evidence.precepted()
    ]


def _precepting_met_on(given: list[PreceptedFact], need: int, kinds: int) -> dt.date | None:
    """The day of the sign-off that first made ``need`` sign-offs to learners of ``kinds`` professions."""
    seen: set[int] = set()
    for count, fact in enumerate(given, start=1):
        seen.add(fact.learner_profession_id)
        if count >= need and len(seen) >= kinds:
            return fact.on
    return None


def first_met_precepting(rs: Sequence[RequirementRule], evidence: Evidence) -> list[dt.date | None]:
    """The day the person's precepting record first met every precepting requirement (later voids aside)."""
    given = evidence.precepted()
    latest: list[dt.date | None] | None = None
    for r in rs:
        days = [_precepting_met_on(g, r.min_count or 1, r.min_professions or 1) for g in given]
        latest = days if latest is None else _later(latest, days)
    return latest if latest is not None else [dt.date.min] * len(evidence)


def _later(a: list[dt.date | None], b: list[dt.date | None]) -> list[dt.date | None]:
    """Per person, the later of two days, or None where either is None (never met)."""
    return [None if x is None or y is None else x if x > y else y for x, y in zip(a, b, strict=True)]


@dataclass(frozen=True)
class Kind:
    judge: Callable[[RequirementRule, Evidence, dt.date], list[Verdict]]
    # The day every one of several requirements of the kind had first been met: None where one never was.
    first_met: Callable[[Sequence[RequirementRule], Evidence], list[dt.date | None]]


KINDS: dict[str, Kind] = {
    MODULE: Kind(judge_module, first_met_modules),
    COMPETENCY: Kind(judge_competency, first_met_competencies),
    RATINGS: Kind(judge_ratings, first_met_ratings),
    RATING_SOURCES: Kind(judge_rating_sources, first_met_rating_sources),
    IMPROVEMENT: Kind(judge_improvement, first_met_improvement),
    PRECEPTING: Kind(judge_precepting, first_met_precepting),
}


class Judgement(NamedTuple):
    status: str
    met: int
    total: int
    renewal_date: dt.date | None
    expiring_band: int | None
    verdicts: tuple[Verdict, ...]  # in the order of the rules' requirements
    states: tuple[str, ...]  # each verdict's state, in the same order
    professions: frozenset[int] | None  # assessor professions of the qualifying sign-offs, when judged


def assessor_professions(rules: CredentialRules, evidence: Evidence) -> list[frozenset[int]]:
    """Per person, the professions of the assessors behind every sign-off meeting one of the competency
    requirements."""
    found: list[set[int]] = [set() for _ in range(len(evidence))]
    for r in rules.requirements:
        if r.kind == COMPETENCY and r.scale_id is not None:
            for mine, more in zip(
                found, evidence.assessor_professions(r.target_id, r.scale_id, r.min_rank), strict=True
            ):
                mine |= more
    return [frozenset(f) for f in found]


def judge_group(
    rules: CredentialRules,
    evidence: Evidence,
    today: dt.date,
    held: Sequence[Held | None],
    *,
    with_professions: bool = False,
) -> list[Judgement]:
    """Each person's standing on the credential today; ``held[i]`` is person i's latest valid certificate.

    The assessor professions are looked at only for people whose status they can change (every
    requirement met and no current certificate), or for everyone with ``with_professions``.
    """
    n = len(evidence)
    columns = [KINDS[r.kind].judge(r, evidence, today) for r in rules.requirements]
    total = len(columns)
    rows: list[tuple[Verdict, ...]] = list(zip(*columns, strict=True)) if columns else [()] * n
    states = list(zip(*[[v.state for v in column] for column in columns], strict=True)) if columns else [()] * n
    need = rules.min_assessor_professions

    def current(h: Held | None) -> bool:
        return h is not None and (h.expires_on is None or h.expires_on >= today)

    asked = [
        i for i in range(n) if with_professions or (need and states[i].count(MET) >= total and not current(held[i]))
    ]
    professions: dict[int, frozenset[int]] = {}
    if asked:
        professions = dict(zip(asked, assessor_professions(rules, evidence.select(asked)), strict=True))

    out: list[Judgement] = []
    append = out.append
    for i, (marks, verdicts, h) in enumerate(zip(states, rows, held, strict=True)):
        met = marks.count(MET)
        expiry = None  # the status weighs the day a requirement lapses only once all are met
        if met >= total:
            expiry = min((v.lapses_on for v in verdicts if v.lapses_on is not None and v.state == MET), default=None)
        found = professions.get(i) if professions else None
        # Unjudged, the professions cannot change the status: not every requirement is met, or a current
        # certificate decides alone. (Positional: this runs once per person and credential.)
        status, renewal, band = overall_status(
            met,
            total,
            marks.count(LAPSED),
            h is not None or marks.count(MISSING) < total,
            not need or found is None or len(found) >= need,
            h.expires_on if h else None,
            h is not None,
            expiry,
            today,
        )
        append(Judgement(status, met, total, renewal, band, verdicts, marks, found))
    return out


def judge(
    rules: CredentialRules,
    evidence: Evidence,
    today: dt.date,
    held: Held | None = None,
    *,
    with_professions: bool = False,
) -> Judgement:
    """One person's standing (``evidence`` a group of one)."""
    (judgement,) = judge_group(rules, evidence, today, [held], with_professions=with_professions)
    return judgement


def first_met(rules: CredentialRules, evidence: Evidence) -> list[dt.date | None]:
    """Per person, the day every requirement had first been met (the latest of their first days), or
    None if one never was. Lapses since and the assessor-profession minimum do not move it.

    Kinds are asked in the order of ``KINDS`` (modules, the quickest, first); once most of the group
    is out, the next kind is asked only of those still in."""
    n = len(evidence)
    by_kind: dict[str, list[RequirementRule]] = {}
    for r in rules.requirements:
        by_kind.setdefault(r.kind, []).append(r)
    if not by_kind:
        return [None] * n
    alive = list(range(n))
    latest: list[dt.date | None] | None = None
    group = evidence
    for kind in sorted(by_kind, key=list(KINDS).index):
        days = KINDS[kind].first_met(by_kind[kind], group)
        latest = days if latest is None else _later(latest, days)
        still = [i for i, day in enumerate(latest) if day is not None]
        if not still:
            return [None] * n
        if 2 * len(still) < len(latest):
            alive = [alive[i] for i in still]
            latest = [latest[i] for i in still]
            group = evidence.select(alive)
    assert latest is not None
    if len(alive) == n:
        return latest
    out: list[dt.date | None] = [None] * n
    for at, day in zip(alive, latest, strict=True):
        out[at] = day
    return out

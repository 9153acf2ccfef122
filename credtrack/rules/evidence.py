"""What the judge asks of people's standing evidence, and one answer to it built from records in memory.

Standing evidence is what counts towards a credential today: completions that are not voided and
not awaiting verification, sign-offs that are not voided and not historical ones awaiting
confirmation, ratings from other sources (a colleague, a patient advisor, the learner) that are
not voided, improvement work (QI projects, safety event reviews, ...) a supervisor has confirmed and
nobody has voided; and, for a preceptor, the standing sign-offs they gave to learners of a profession
other than their own. The judge (``credtrack.rules.judge``) asks only the questions of ``Evidence``, and asks
them of a group of people at once (a cohort, everyone assigned a credential, or one person): each
answer is a list with one entry per person, in the group's order. Where the answers come from is the
caller's choice:

* ``RecordsEvidence`` (here) answers from records held in memory — the person's page, a certificate
  issue, a cohort batch;
* ``credtrack.services.progress.stored.StoredEvidence`` answers from the stored projection of
  everyone's standing evidence, for bulk progress, the dashboard and the reports.

A new kind of evidence adds its questions here, answered by both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, Protocol


class Evidence(Protocol):
    """A group of people's standing evidence; every answer has one entry per person, in order.
    ``min_rank=None`` means any level."""

    def __len__(self) -> int: ...

    def select(self, indices: Sequence[int]) -> Evidence:
        """The evidence of the people at ``indices`` (a smaller group, in that order)."""
        ...

    def has_completion(self, module_id: int) -> list[bool]: ...

    def latest_completion(self, module_id: int) -> list[dt.date | None]: ...

    def all_completed_by(self, module_ids: Sequence[int]) -> list[dt.date | None]:
        """The day the person had first completed every one of the modules (the latest of their
        earliest completion days), or None if one was never completed."""
        ...

    def best_rank(self, competency_id: int, scale_id: int) -> list[int | None]:
        """The highest rank signed off on the competency on that scale (None: no sign-off on it)."""
        ...

    def first_sign_off(self, competency_id: int, scale_id: int, min_rank: int | None) -> list[dt.date | None]: ...

    def assessor_professions(self, competency_id: int, scale_id: int, min_rank: int | None) -> list[set[int]]: ...

    def rating_days(self, source_id: int, min_rank: int | None) -> list[list[dt.date]]:
        """The days of the ratings from the source whose every score is at or above ``min_rank``,
        earliest first."""
        ...

    def rating_sources(self) -> list[dict[int, dt.date]]:
        """The sources the person has any rating from, each with the day of the first one."""
        ...

    def improvement_days(self, work_kind: str, min_professions: int) -> list[list[dt.date]]:
        """The days the person's standing works of the kind ended, earliest first, for the works whose
        team spans at least ``min_professions`` distinct professions (the learner's own counted)."""
        ...

    def precepted(self) -> list[list[PreceptedFact]]:
        """The standing sign-offs the person gave as assessor to learners of a profession other than their
        own (learners with no profession recorded are not counted), earliest first."""
        ...


class SignOffFact(NamedTuple):
    """A standing sign-off as the rules see it."""

    scale_id: int
    rank: int
    on: dt.date
    assessor_profession_id: int | None


class RatingFact(NamedTuple):
    """A standing rating as the rules see it: its source, its lowest score's rank and its day."""

    source_id: int
    rank: int
    on: dt.date


class WorkFact(NamedTuple):
    """A standing (confirmed, not voided) work of improvement as the rules see it: its kind, the day it
    ended and how many distinct professions its team spans, the learner's own included."""

    kind: str
    on: dt.date
    professions: int


class PreceptedFact(NamedTuple):
    """A standing sign-off a preceptor gave, as the rules see it: its day and the learner's profession.
    Ordered by day, then profession, so that two answers list the same sign-offs in the same order."""

    on: dt.date
    learner_profession_id: int


class PersonFacts(NamedTuple):
    """One person's standing evidence in memory."""

    completions: Mapping[int, tuple[dt.date, dt.date]]  # module id -> (first, latest) completion day
    sign_offs: Mapping[int, Sequence[SignOffFact]]  # competency id -> standing sign-offs
    ratings: Sequence[RatingFact] = ()
    works: Sequence[WorkFact] = ()
    precepted: Sequence[PreceptedFact] = ()  # sign-offs given to learners of other professions


class RecordsEvidence:
    """Answers from people's records in memory, one ``PersonFacts`` each."""

    __slots__ = ("_people",)

    def __init__(self, people: Iterable[PersonFacts]) -> None:
        self._people = list(people)

    def __len__(self) -> int:
        return len(self._people)

    def select(self, indices: Sequence[int]) -> RecordsEvidence:
        return RecordsEvidence(self._people[i] for i in indices)

    def has_completion(self, module_id: int) -> list[bool]:
        return [module_id in p.completions for p in self._people]

    def latest_completion(self, module_id: int) -> list[dt.date | None]:
        return [days[1] if (days := p.completions.get(module_id)) else None for p in self._people]

    def all_completed_by(self, module_ids: Sequence[int]) -> list[dt.date | None]:
        out: list[dt.date | None] = []
        for p in self._people:
            firsts = [days[0] for m in module_ids if (days := p.completions.get(m))]
            out.append(max(firsts, default=None) if len(firsts) == len(module_ids) else None)
        return out

    @staticmethod
    def _matching(person: PersonFacts, competency_id: int, scale_id: int, min_rank: int | None) -> list[SignOffFact]:
        floor = min_rank if min_rank is not None else -1
        return [f for f in person.sign_offs.get(competency_id, ()) if f.scale_id == scale_id and f.rank >= floor]

    def best_rank(self, competency_id: int, scale_id: int) -> list[int | None]:
        return [
            max((f.rank for f in self._matching(p, competency_id, scale_id, None)), default=None) for p in self._people
        ]

    def first_sign_off(self, competency_id: int, scale_id: int, min_rank: int | None) -> list[dt.date | None]:
        return [
            min((f.on for f in self._matching(p, competency_id, scale_id, min_rank)), default=None)
            for p in self._people
        ]

    def assessor_professions(self, competency_id: int, scale_id: int, min_rank: int | None) -> list[set[int]]:
        return [
            {
                f.assessor_profession_id
                for f in self._matching(p, competency_id, scale_id, min_rank)
                if f.assessor_profession_id is not None
            }
            for p in self._people
        ]

    def rating_days(self, source_id: int, min_rank: int | None) -> list[list[dt.date]]:
        floor = min_rank if min_rank is not None else -1
        return [sorted(f.on for f in p.ratings if f.source_id == source_id and f.rank >= floor) for p in self._people]

    def rating_sources(self) -> list[dict[int, dt.date]]:
        out: list[dict[int, dt.date]] = []
        for p in self._people:
            firsts: dict[int, dt.date] = {}
            for f in p.ratings:
                if f.source_id not in firsts or f.on < firsts[f.source_id]:
                    firsts[f.source_id] = f.on
            out.append(firsts)
        return out

    def improvement_days(self, work_kind: str, min_professions: int) -> list[list[dt.date]]:
        return [
            sorted(f.on for f in p.works if f.kind == work_kind and f.professions >= min_professions)
            for p in self._people
        ]

    def precepted(self) -> list[list[PreceptedFact]]:
        return [sorted(p.precepted) for p in self._people]

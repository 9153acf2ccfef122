"""A preceptor's own record as the rules read it: the sign-offs they gave as assessor.

A sign-off is the preceptor's when it names them as its assessor (``Assessment.assessor_person_id``: the
person linked to the account that signed it in credtrack, or the assessor an imported file named). It
counts towards a precepting requirement when it is standing (not voided, not a historical sign-off
awaiting confirmation) and its learner's profession is recorded and differs from the preceptor's own
profession (any recorded profession counts when the preceptor's is not recorded).

Two readers answer alike (a test holds them equal): ``precepted_rows`` reads one preceptor's sign-offs
with everything their page shows, and ``facts_from_rows`` picks the counted ones in Python;
``precepted_facts`` counts many preceptors' sign-offs in one grouped query, for bulk progress.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from credtrack.models import Assessment, Competency, Person, Profession, Scale, ScaleLevel
from credtrack.rules.evidence import PreceptedFact

PERSON_FILTER_LIMIT = 2000  # above this many named preceptors, count everyone's and keep the named ones


class PreceptedSignOff(NamedTuple):
    """One sign-off a preceptor gave, voided ones included."""

    id: int
    learner_id: int
    learner_name: str
    learner_external_id: str
    learner_profession_id: int | None
    learner_profession: str
    competency_code: str
    competency_label: str
    scale_code: str
    level_label: str
    assessed_on: dt.date
    voided: bool
    pending: bool  # a historical sign-off awaiting an educator's confirmation

    @property
    def standing(self) -> bool:
        return not self.voided and not self.pending

    def counted(self, own_profession_id: int | None) -> bool:
        """Whether it counts towards a precepting requirement of a preceptor of ``own_profession_id``."""
        return (
            self.standing and self.learner_profession_id is not None and self.learner_profession_id != own_profession_id
        )


def precepted_rows(session: Session, person_id: int) -> list[PreceptedSignOff]:
    """Every sign-off the person gave as assessor, newest first, voided ones included. Most people gave none:
    one look through the assessor index says so before the joined read (about 2 ms a page at 100,000 people)."""
    if session.scalar(select(Assessment.id).where(Assessment.assessor_person_id == person_id).limit(1)) is None:
        return []
    return precepted_rows_of(session, [person_id]).get(person_id, [])


def precepted_rows_of(session: Session, person_ids: list[int]) -> dict[int, list[PreceptedSignOff]]:
    """Every sign-off each named person gave as assessor, newest first, voided ones included (through the
    sign-offs' assessor index); people who gave none are absent."""
    if not person_ids:
        return {}
    learner = aliased(Person)
    stmt = (
        select(
            Assessment.assessor_person_id,
            Assessment.id,
            learner.id,
            learner.full_name,
            learner.external_id,
            learner.profession_id,
            func.coalesce(Profession.name, ""),
            Competency.code,
            Competency.label,
            Scale.code,
            ScaleLevel.label,
            Assessment.assessed_on,
            Assessment.voided_at.is_not(None),
            Assessment.verification == "pending",
        )
        .join(learner, learner.id == Assessment.person_id)
        .outerjoin(Profession, Profession.id == learner.profession_id)
        .join(Competency, Competency.id == Assessment.competency_id)
        .join(Scale, Scale.id == Assessment.scale_id)
        .join(ScaleLevel, ScaleLevel.id == Assessment.level_id)
        .where(Assessment.assessor_person_id.in_(person_ids))
        .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
    )
    found: dict[int, list[PreceptedSignOff]] = defaultdict(list)
    for assessor, *row in session.execute(stmt):
        assert assessor is not None  # it is one of the named people
        found[assessor].append(PreceptedSignOff._make(row))
    return dict(found)


def facts_from_rows(rows: Iterable[PreceptedSignOff], own_profession_id: int | None) -> list[PreceptedFact]:
    """The counted sign-offs among a preceptor's rows, as the judge reads them, earliest first."""
    return sorted(
        PreceptedFact(r.assessed_on, r.learner_profession_id)
        for r in rows
        if r.counted(own_profession_id) and r.learner_profession_id is not None
    )


def precepted_facts(session: Session, person_ids: list[int] | None = None) -> dict[int, list[PreceptedFact]]:
    """Each preceptor's (or each named person's) counted sign-offs, earliest first, from one query grouped
    by preceptor, learner profession and day; people who gave none are absent."""
    learner, preceptor = aliased(Person), aliased(Person)
    stmt = (
        select(Assessment.assessor_person_id, Assessment.assessed_on, learner.profession_id, func.count())
        .join(learner, learner.id == Assessment.person_id)
        .join(preceptor, preceptor.id == Assessment.assessor_person_id)
        .where(
            Assessment.voided_at.is_(None),
            Assessment.verification != "pending",
            learner.profession_id.is_not(None),
            or_(preceptor.profession_id.is_(None), learner.profession_id != preceptor.profession_id),
        )
        .group_by(Assessment.assessor_person_id, Assessment.assessed_on, learner.profession_id)
    )
    named = set(person_ids) if person_ids is not None else None
    if person_ids is not None and len(person_ids) <= PERSON_FILTER_LIMIT:
        if not person_ids:
            return {}
        stmt = stmt.where(Assessment.assessor_person_id.in_(person_ids))
    found: dict[int, list[PreceptedFact]] = defaultdict(list)
    for pid, day, profession, count in session.execute(stmt):
        if pid is None or profession is None:
            continue  # the query's joins and conditions leave neither empty
        if named is None or pid in named:
            found[pid].extend([PreceptedFact(day, profession)] * count)
    return {pid: sorted(facts) for pid, facts in found.items()}

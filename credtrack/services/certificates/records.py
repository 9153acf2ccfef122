"""The standing records of a whole cohort, read as plain rows for deciding eligibility and drafting snapshots.

A cohort of a thousand people has thousands of completions and sign-offs. Read as ORM
objects, each one, and each lookup it points to, costs the process that also stores
the batch's rows; read as rows and joined in memory to the catalogue read once, they
cost a fraction of that. The records carry the same attributes the ORM objects do, so
progress rules and snapshots treat both alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from credtrack.models import (
    Assessment,
    Certificate,
    Competency,
    Completion,
    Module,
    Person,
    Profession,
    Scale,
    ScaleLevel,
)
from credtrack.services.progress.improved import read_standing_works
from credtrack.services.progress.person import PersonRecords
from credtrack.services.progress.precepted import precepted_rows_of
from credtrack.services.progress.rated import read_standing_ratings

_IN_CHUNK = 500  # ids per IN (...) list, well within every database's limit


class StandingCompletion(NamedTuple):
    """A current, non-pending completion, with its module."""

    id: int
    person_id: int
    module_id: int
    completed_on: dt.date
    module: Module


class StandingSignOff(NamedTuple):
    """A sign-off that is not voided, with what it points to."""

    id: int
    person_id: int
    competency_id: int
    scale_id: int
    assessed_on: dt.date
    assessor_name: str
    method: str
    competency: Competency
    scale: Scale
    level: ScaleLevel
    assessor_profession: Profession | None


class HeldCertificate(NamedTuple):
    """A valid certificate: what progress needs to know of one already held."""

    id: int
    person_id: int
    credential_id: int
    code: str
    issued_on: dt.date
    expires_on: dt.date | None


class RecordsReader:
    """Reads the standing records of many people, three queries per 500 people.

    The same records ``progress.load_person_records`` reads for one person (current,
    non-pending completions; sign-offs not voided; latest valid certificate per
    credential). The catalogue they point to — modules, competencies with their
    frameworks, scales with their levels, professions — is read once, when the reader
    starts. ``modules`` and ``competencies``, when given, limit the records read to
    those a set of credentials asks for.
    """

    def __init__(
        self, session: Session, *, modules: Collection[int] | None = None, competencies: Collection[int] | None = None
    ) -> None:
        self.session = session
        self.modules = list(modules) if modules is not None else None
        self.competencies = list(competencies) if competencies is not None else None
        self._modules = {m.id: m for m in session.scalars(select(Module))}
        self._competencies = {
            c.id: c for c in session.scalars(select(Competency).options(selectinload(Competency.framework)))
        }
        self._scales = {s.id: s for s in session.scalars(select(Scale).options(selectinload(Scale.levels)))}
        self._levels: dict[int, ScaleLevel] = {lv.id: lv for s in self._scales.values() for lv in s.levels}
        self._professions = {p.id: p for p in session.scalars(select(Profession))}

    def read(self, person_ids: list[int]) -> dict[int, PersonRecords]:
        found = {pid: PersonRecords({}, defaultdict(list), {}) for pid in person_ids}
        for start in range(0, len(person_ids), _IN_CHUNK):
            ids = person_ids[start : start + _IN_CHUNK]
            self._completions(ids, found)
            self._sign_offs(ids, found)
            for pid, ratings in read_standing_ratings(self.session, ids).items():
                found[pid].ratings = ratings
            for pid, works in read_standing_works(self.session, ids).items():
                found[pid].works = works
            for pid, given in precepted_rows_of(self.session, ids).items():
                found[pid].precepted = given
            for pid, profession in self.session.execute(
                select(Person.id, Person.profession_id).where(Person.id.in_(ids))
            ):
                found[pid].profession_id = profession
            certificates = (
                select(
                    Certificate.id,
                    Certificate.person_id,
                    Certificate.credential_id,
                    Certificate.code,
                    Certificate.issued_on,
                    Certificate.expires_on,
                )
                .where(Certificate.person_id.in_(ids), Certificate.status == "valid")
                .order_by(Certificate.issued_on, Certificate.id)
            )
            for row in self.session.execute(certificates):
                found[row.person_id].certificates[row.credential_id] = HeldCertificate(*row)  # the latest wins
        return found

    def _completions(self, ids: list[int], found: dict[int, PersonRecords]) -> None:
        query = select(Completion.id, Completion.person_id, Completion.module_id, Completion.completed_on).where(
            Completion.person_id.in_(ids), Completion.voided_at.is_(None), Completion.verification != "pending"
        )
        if self.modules is not None:
            query = query.where(Completion.module_id.in_(self.modules or [-1]))
        modules = self._modules
        for cid, pid, module_id, on in self.session.execute(query.order_by(Completion.id)):
            records = found[pid]
            best = records.completions.get(module_id)
            if best is None or on > best.completed_on:
                records.completions[module_id] = StandingCompletion(cid, pid, module_id, on, modules[module_id])
            first = records.first_completed.get(module_id)
            if first is None or on < first:
                records.first_completed[module_id] = on

    def _sign_offs(self, ids: list[int], found: dict[int, PersonRecords]) -> None:
        A = Assessment
        query = select(
            A.id,
            A.person_id,
            A.competency_id,
            A.scale_id,
            A.assessed_on,
            A.assessor_name,
            A.method,
            A.level_id,
            A.assessor_profession_id,
        ).where(A.person_id.in_(ids), A.voided_at.is_(None), A.verification != "pending")
        if self.competencies is not None:
            query = query.where(A.competency_id.in_(self.competencies or [-1]))
        comps, scales, levels, professions = self._competencies, self._scales, self._levels, self._professions
        for aid, pid, comp_id, scale_id, on, assessor, method, level_id, profession_id in self.session.execute(
            query.order_by(A.id)
        ):
            found[pid].assessments[comp_id].append(
                StandingSignOff(
                    aid,
                    pid,
                    comp_id,
                    scale_id,
                    on,
                    assessor,
                    method,
                    comps[comp_id],
                    scales[scale_id],
                    levels[level_id],
                    professions.get(profession_id) if profession_id is not None else None,
                )
            )


def load_records_for(session: Session, person_ids: list[int]) -> dict[int, PersonRecords]:
    """The standing records of many people: see ``RecordsReader``."""
    return RecordsReader(session).read(person_ids)

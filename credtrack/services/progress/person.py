"""Credential progress with the record behind each requirement.

The judge's verdict (``credtrack.rules.judge``) on people's records, for a person's page or a cohort
being issued.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError
from credtrack.models import (
    Assessment,
    Certificate,
    Cohort,
    CohortCredential,
    Completion,
    Credential,
    CredentialRequirement,
    Enrolment,
    Person,
)
from credtrack.rules.evidence import PersonFacts, RecordsEvidence, SignOffFact
from credtrack.rules.judge import BELOW, MET, judge_group
from credtrack.rules.model import (
    IMPROVEMENT,
    PRECEPTING,
    RATING_SOURCES,
    RATINGS,
    CredentialRules,
    Held,
    RequirementRule,
)
from credtrack.rules.status import STATUS_LABELS
from credtrack.services.common import get_or_404
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress.credential_rules import credential_rules as _credential
from credtrack.services.progress.credential_rules import load_rules
from credtrack.services.progress.improved import StandingWork, read_standing_works, shown_work
from credtrack.services.progress.precepted import PreceptedSignOff, facts_from_rows, precepted_rows
from credtrack.services.progress.rated import StandingRating, read_standing_ratings

if TYPE_CHECKING:
    from credtrack.services.certificates.records import (
        HeldCertificate,
        StandingCompletion,
        StandingSignOff,
    )


@dataclass(frozen=True)
class Evidence:
    kind: str  # "completion", "assessment", "rating", "improvement" or "precepted" (a sign-off the person gave)
    record_id: int
    on: dt.date
    summary: str
    valid_until: dt.date | None = None
    assessor_profession: str | None = None
    # A requirement met by several records (ratings): all of them, the last one being ``record_id``.
    record_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RequirementProgress:
    requirement_id: int
    kind: str
    code: str
    label: str
    state: str
    evidence: Evidence | None
    needed: str

    @property
    def met(self) -> bool:
        return self.state == MET


@dataclass(frozen=True)
class CredentialProgress:
    person_id: int
    credential_id: int
    credential_code: str
    credential_title: str
    status: str
    requirements: list[RequirementProgress]
    met: int
    total: int
    assessor_professions: list[str] = field(default_factory=list)
    min_assessor_professions: int | None = None
    certificate_code: str | None = None
    renewal_date: dt.date | None = None
    expiring_band: int | None = None

    @property
    def status_label(self) -> str:
        if self.expiring_band:
            return f"{STATUS_LABELS[self.status]} ({self.expiring_band} days)"
        return STATUS_LABELS[self.status]

    @property
    def professions_ok(self) -> bool:
        return not self.min_assessor_professions or len(self.assessor_professions) >= self.min_assessor_professions

    @property
    def eligible(self) -> bool:
        return self.total > 0 and self.met >= self.total and self.professions_ok


@dataclass
class PersonRecords:
    """A person's standing records, loaded once and shared by every credential's rules.

    Read one person at a time they are ORM objects; a cohort's are read in bulk as plain rows
    with the same attributes (``certificate_records``), and the rules treat both alike.
    """

    completions: dict[int, Completion | StandingCompletion]  # module id -> latest current completion
    assessments: dict[int, list[Assessment | StandingSignOff]]  # competency id -> standing sign-offs
    certificates: dict[int, Certificate | HeldCertificate]  # credential id -> latest valid certificate
    first_completed: dict[int, dt.date] = field(default_factory=dict)  # module id -> earliest current completion
    ratings: list[StandingRating] = field(default_factory=list)  # standing ratings from other sources, oldest first
    works: list[StandingWork] = field(default_factory=list)  # standing improvement work, earliest ended first
    precepted: list[PreceptedSignOff] = field(default_factory=list)  # sign-offs they gave, newest first
    profession_id: int | None = None  # their own profession, which the sign-offs they gave are set against


def load_person_records(session: Session, person_id: int) -> PersonRecords:
    completions: dict[int, Completion | StandingCompletion] = {}
    first: dict[int, dt.date] = {}
    for c in session.scalars(
        select(Completion).where(
            Completion.person_id == person_id, Completion.voided_at.is_(None), Completion.verification != "pending"
        )
    ):
        best = completions.get(c.module_id)
        if best is None or c.completed_on > best.completed_on:
            completions[c.module_id] = c
        if c.module_id not in first or c.completed_on < first[c.module_id]:
            first[c.module_id] = c.completed_on
    assessments: dict[int, list[Assessment | StandingSignOff]] = defaultdict(list)
    for a in session.scalars(
        select(Assessment)
        .where(Assessment.person_id == person_id, Assessment.voided_at.is_(None), Assessment.verification != "pending")
        .options(selectinload(Assessment.level), selectinload(Assessment.assessor_profession))
    ):
        assessments[a.competency_id].append(a)
    certificates: dict[int, Certificate | HeldCertificate] = {}
    for cert in session.scalars(
        select(Certificate)
        .where(Certificate.person_id == person_id, Certificate.status == "valid")
        .order_by(Certificate.issued_on, Certificate.id)
    ):
        certificates[cert.credential_id] = cert  # the latest issue wins
    ratings = read_standing_ratings(session, [person_id]).get(person_id, [])
    works = read_standing_works(session, [person_id]).get(person_id, [])
    given = precepted_rows(session, person_id)
    # Their own profession matters only to the sign-offs they gave (set against it); most people gave none.
    profession_id = session.scalar(select(Person.profession_id).where(Person.id == person_id)) if given else None
    return PersonRecords(completions, assessments, certificates, first, ratings, works, given, profession_id)


def facts_of(records: PersonRecords) -> PersonFacts:
    """The person's records as the judge reads them."""
    completions = {
        mid: (records.first_completed.get(mid, c.completed_on), c.completed_on)
        for mid, c in records.completions.items()
    }
    sign_offs = {
        cid: [
            SignOffFact(
                a.scale_id,
                a.level.rank,
                a.assessed_on,
                a.assessor_profession.id if a.assessor_profession is not None else None,
            )
            for a in found
        ]
        for cid, found in records.assessments.items()
    }
    precepted = facts_from_rows(records.precepted, records.profession_id)
    return PersonFacts(
        completions,
        sign_offs,
        [r.fact() for r in records.ratings],
        works=[w.fact() for w in records.works],
        precepted=precepted,
    )


def evidence_of(records: PersonRecords) -> RecordsEvidence:
    """The person's evidence, a group of one."""
    return RecordsEvidence([facts_of(records)])


def compute_person_progress(
    session: Session,
    person_id: int,
    credential: Credential | CredentialRules,
    today: dt.date,
    records: PersonRecords | None = None,
    evidence: RecordsEvidence | None = None,
) -> CredentialProgress:
    """The judge's verdict for one person and credential, with the record behind each requirement."""
    if isinstance(credential, Credential):
        credential = load_rules(session, [credential.id])[credential.id]
    records = records or load_person_records(session, person_id)
    (progress,) = group_progress(credential, [(person_id, records)], today, evidence)
    return progress


def group_progress(
    credential: CredentialRules,
    people: list[tuple[int, PersonRecords]],
    today: dt.date,
    evidence: RecordsEvidence | None = None,
) -> list[CredentialProgress]:
    """The judge's verdict for each (person id, records) on one credential, judged together (a cohort
    being issued is judged in one pass), with the record behind each requirement."""
    certs = [records.certificates.get(credential.id) for _pid, records in people]
    verdicts = judge_group(
        credential,
        evidence or RecordsEvidence([facts_of(records) for _pid, records in people]),
        today,
        [Held(c.code, c.expires_on) if c else None for c in certs],
        with_professions=True,
    )
    out = []
    for (person_id, records), cert, verdict in zip(people, certs, verdicts, strict=True):
        rows = [
            _requirement_row(r, v.state, records, v.lapses_on)
            for r, v in zip(credential.requirements, verdict.verdicts, strict=True)
        ]
        professions = sorted(_profession_names(records, verdict.professions or frozenset()))
        out.append(
            CredentialProgress(
                person_id,
                credential.id,
                credential.code,
                credential.title,
                verdict.status,
                rows,
                verdict.met,
                verdict.total,
                professions,
                credential.min_assessor_professions,
                cert.code if cert else None,
                verdict.renewal_date,
                verdict.expiring_band,
            )
        )
    return out


def _requirement_row(
    r: RequirementRule, state: str, records: PersonRecords, lapses_on: dt.date | None
) -> RequirementProgress:
    """The judged requirement with the record to show beside it."""
    if r.kind == "module":
        needed = f"Complete {r.code}" + (f" (valid {r.validity_months} months)" if r.validity_months else "")
        c = records.completions.get(r.target_id)
        ev = (
            None
            if c is None
            else Evidence("completion", c.id, c.completed_on, f"Completed {c.completed_on.isoformat()}", lapses_on)
        )
        return RequirementProgress(r.id, "module", r.code, r.label, state, ev, needed)
    if r.kind in (RATINGS, RATING_SOURCES):
        return _ratings_row(r, state, records)
    if r.kind == IMPROVEMENT:
        return _improvement_row(r, state, records)
    if r.kind == PRECEPTING:
        return _precepting_row(r, state, records)
    needed = f"Signed off at {r.min_label} or above"
    candidates = [a for a in records.assessments.get(r.target_id, []) if a.scale_id == r.scale_id]
    if state == MET:
        best = max(
            (a for a in candidates if a.level.rank >= (r.min_rank or 0)),
            key=lambda a: (a.assessed_on, a.level.rank, a.id),
        )
        ev = Evidence(
            "assessment",
            best.id,
            best.assessed_on,
            f"{best.level.label} on {best.assessed_on.isoformat()} by {best.assessor_name}",
            assessor_profession=best.assessor_profession.name if best.assessor_profession else None,
        )
    elif state == BELOW:
        latest = max(candidates, key=lambda a: (a.assessed_on, a.id))
        ev = Evidence(
            "assessment",
            latest.id,
            latest.assessed_on,
            f"{latest.level.label} on {latest.assessed_on.isoformat()} (below the level needed)",
        )
    else:
        ev = None
    return RequirementProgress(r.id, "competency", r.code, r.label, state, ev, needed)


def _ratings_row(r: RequirementRule, state: str, records: PersonRecords) -> RequirementProgress:
    """A ratings requirement with the rating that met it (the last one it needed), or the latest short of it."""
    if r.kind == RATINGS:
        mine = [x for x in records.ratings if x.source_id == r.target_id]
        counted = [x for x in mine if r.min_rank is None or x.rank >= r.min_rank]
    else:
        firsts: dict[int, StandingRating] = {}
        for x in records.ratings:  # oldest first: each source's first rating stays
            firsts.setdefault(x.source_id, x)
        mine = counted = sorted(firsts.values(), key=lambda x: (x.rated_on, x.id))
    need = r.min_count or 1
    ev = None
    if state == MET:
        x = counted[need - 1]
        ev = Evidence(
            "rating",
            x.id,
            x.rated_on,
            f"{need} of {len(counted)}: {x.source_name}, {x.level_label} by {x.rater_name}",
            record_ids=tuple(y.id for y in counted[:need]),
        )
    elif mine:
        x = mine[-1]
        ev = Evidence("rating", x.id, x.rated_on, f"{len(counted)} of {need} so far (latest {x.rated_on.isoformat()})")
    return RequirementProgress(r.id, r.kind, r.code, r.label, state, ev, r.label)


def _improvement_row(r: RequirementRule, state: str, records: PersonRecords) -> RequirementProgress:
    """An improvement requirement with the work that met it (the last one it needed), or the latest short of it."""
    shown = shown_work(r, state == MET, records.works)
    ev = Evidence("improvement", shown[0].id, shown[0].ended_on, shown[1]) if shown else None
    return RequirementProgress(r.id, r.kind, r.code, r.label, state, ev, r.label)


def _precepting_row(r: RequirementRule, state: str, records: PersonRecords) -> RequirementProgress:
    """A precepting requirement with the counts so far and the latest sign-off counted."""
    counted = [x for x in records.precepted if x.counted(records.profession_id)]  # newest first
    ev = None
    if counted:
        latest, kinds = counted[0], len({x.learner_profession_id for x in counted})
        ev = Evidence(
            "precepted",
            latest.id,
            latest.assessed_on,
            f"{len(counted)} sign-offs given to learners of {kinds} other professions "
            f"(latest {latest.assessed_on.isoformat()})",
        )
    return RequirementProgress(r.id, r.kind, r.code, r.label, state, ev, r.label)


def _profession_names(records: PersonRecords, ids: frozenset[int]) -> set[str]:
    return {
        a.assessor_profession.name
        for found in records.assessments.values()
        for a in found
        if a.assessor_profession is not None and a.assessor_profession.id in ids
    }


def person_progress(
    uow: UnitOfWork, actor: Actor, person_id: int, credential_id: int, today: dt.date | None = None
) -> CredentialProgress:
    with uow:
        require(actor, "read")
        get_or_404(uow.session, Person, person_id, "person")
        return compute_person_progress(
            uow.session, person_id, _credential(uow.session, credential_id), today or _today()
        )


def person_all_progress(
    uow: UnitOfWork, actor: Actor, person_id: int, today: dt.date | None = None
) -> list[CredentialProgress]:
    """Progress on every credential the person is assigned (through a cohort), holds, or has evidence for."""
    with uow:
        require(actor, "read")
        session = uow.session
        get_or_404(session, Person, person_id, "person")
        records = load_person_records(session, person_id)
        ids = set(
            session.scalars(
                select(CohortCredential.credential_id)
                .join(Enrolment, Enrolment.cohort_id == CohortCredential.cohort_id)
                .where(Enrolment.person_id == person_id, Enrolment.status != "withdrawn")
            )
        )
        ids |= set(records.certificates)
        if any(x.counted(records.profession_id) for x in records.precepted):
            ids |= set(
                session.scalars(
                    select(CredentialRequirement.credential_id).where(CredentialRequirement.kind == PRECEPTING)
                )
            )
        if records.completions or records.assessments or records.ratings or records.works:
            ids |= set(
                session.scalars(
                    select(CredentialRequirement.credential_id).where(
                        CredentialRequirement.module_id.in_(list(records.completions))
                        | CredentialRequirement.competency_id.in_(list(records.assessments))
                        | CredentialRequirement.source_id.in_({r.source_id for r in records.ratings})
                        | CredentialRequirement.work_kind.in_({w.kind for w in records.works})
                    )
                )
            )
        day = today or _today()
        rules = sorted(load_rules(session, ids).values(), key=lambda c: c.code)
        evidence = evidence_of(records)
        return [compute_person_progress(session, person_id, c, day, records, evidence) for c in rules]


def cohort_scope(session: Session, cohort_code: str) -> tuple[list[int], list[int]]:
    cohort = session.scalar(select(Cohort).where(Cohort.code == cohort_code.strip().upper()))
    if cohort is None:
        raise NotFoundError(f"No cohort with code {cohort_code!r}.")
    people = list(
        session.scalars(
            select(Enrolment.person_id).where(Enrolment.cohort_id == cohort.id, Enrolment.status != "withdrawn")
        )
    )
    credentials = list(
        session.scalars(select(CohortCredential.credential_id).where(CohortCredential.cohort_id == cohort.id))
    )
    return people, credentials

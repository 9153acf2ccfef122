"""Credential progress and eligibility: for one person in detail, and in bulk (in SQL) for dashboards."""

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
    Competency,
    Completion,
    Credential,
    CredentialRequirement,
    Enrolment,
    Module,
    Person,
    ScaleLevel,
)
from credtrack.services.common import get_or_404
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress_rules import STATUS_LABELS, overall_status, valid_until

if TYPE_CHECKING:
    from credtrack.services.certificate_records import (
        HeldCertificate,
        StandingCompletion,
        StandingSignOff,
    )

# Requirement states
MET, MISSING, LAPSED, BELOW = "met", "missing", "expired", "below_level"


@dataclass(frozen=True)
class Evidence:
    kind: str  # "completion" or "assessment"
    record_id: int
    on: dt.date
    summary: str
    valid_until: dt.date | None = None
    assessor_profession: str | None = None


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


@dataclass(frozen=True)
class RequirementRule:
    """One requirement as plain data: a module (target = module id) or a competency (target = competency id)."""

    id: int
    kind: str
    target_id: int
    code: str
    label: str
    validity_months: int | None = None
    scale_id: int | None = None
    min_rank: int | None = None
    min_label: str | None = None


@dataclass(frozen=True)
class CredentialRules:
    id: int
    code: str
    title: str
    min_assessor_professions: int | None
    requirements: tuple[RequirementRule, ...]


def load_rules(session: Session, credential_ids: list[int] | set[int]) -> dict[int, CredentialRules]:
    """The requirements of the given credentials, read in two queries."""
    ids = list(credential_ids)
    if not ids:
        return {}
    R = CredentialRequirement
    reqs: dict[int, list[RequirementRule]] = defaultdict(list)
    stmt = (select(R.id, R.credential_id, R.kind, R.module_id, Module.code, Module.title, Module.validity_months,
                   R.competency_id, Competency.code, Competency.label, R.scale_id, ScaleLevel.rank, ScaleLevel.label)
            .outerjoin(Module, Module.id == R.module_id).outerjoin(Competency, Competency.id == R.competency_id)
            .outerjoin(ScaleLevel, ScaleLevel.id == R.min_level_id)
            .where(R.credential_id.in_(ids)).order_by(R.credential_id, R.sort_order, R.id))
    for (rid, cid, kind, mid, mcode, mtitle, validity, comp_id, ccode, clabel, scale_id, rank,
         level_label) in session.execute(stmt):
        # The requirement's shape constraint: a module requirement names its module, a competency one its competency.
        if kind == "module":
            assert mid is not None
            reqs[cid].append(RequirementRule(rid, kind, mid, mcode, mtitle, validity))
        else:
            assert comp_id is not None
            reqs[cid].append(RequirementRule(rid, kind, comp_id, ccode, clabel, None, scale_id, rank, level_label))
    return {
        cid: CredentialRules(cid, code, title, minimum, tuple(reqs.get(cid, ())))
        for cid, code, title, minimum in session.execute(
            select(Credential.id, Credential.code, Credential.title, Credential.min_assessor_professions)
            .where(Credential.id.in_(ids)))
    }


def _credential(session: Session, credential_id: int) -> CredentialRules:
    rules = load_rules(session, [credential_id]).get(credential_id)
    if rules is None:
        raise NotFoundError(f"No credential with id {credential_id}.")
    return rules


@dataclass
class PersonRecords:
    """A person's standing records, loaded once and shared by every credential's rules.

    Read one person at a time they are ORM objects; a cohort's are read in bulk as plain rows
    with the same attributes (``certificate_records``), and the rules treat both alike.
    """

    completions: dict[int, Completion | StandingCompletion]  # module id -> latest current completion
    assessments: dict[int, list[Assessment | StandingSignOff]]  # competency id -> standing sign-offs
    certificates: dict[int, Certificate | HeldCertificate]  # credential id -> latest valid certificate


def load_person_records(session: Session, person_id: int) -> PersonRecords:
    completions: dict[int, Completion | StandingCompletion] = {}
    for c in session.scalars(select(Completion).where(
            Completion.person_id == person_id, Completion.voided_at.is_(None), Completion.verification != "pending")):
        best = completions.get(c.module_id)
        if best is None or c.completed_on > best.completed_on:
            completions[c.module_id] = c
    assessments: dict[int, list[Assessment | StandingSignOff]] = defaultdict(list)
    for a in session.scalars(select(Assessment).where(Assessment.person_id == person_id, Assessment.voided_at.is_(None),
                                                      Assessment.verification != "pending")
                             .options(selectinload(Assessment.level), selectinload(Assessment.assessor_profession))):
        assessments[a.competency_id].append(a)
    certificates: dict[int, Certificate | HeldCertificate] = {}
    for cert in session.scalars(select(Certificate).where(Certificate.person_id == person_id,
                                                          Certificate.status == "valid")
                                .order_by(Certificate.issued_on, Certificate.id)):
        certificates[cert.credential_id] = cert  # the latest issue wins
    return PersonRecords(completions, assessments, certificates)


def compute_person_progress(
    session: Session, person_id: int, credential: Credential | CredentialRules, today: dt.date,
    records: PersonRecords | None = None,
) -> CredentialProgress:
    """The rules for one person and credential, with the evidence behind each requirement."""
    if isinstance(credential, Credential):
        credential = load_rules(session, [credential.id])[credential.id]
    records = records or load_person_records(session, person_id)
    completions, assessments = records.completions, records.assessments

    rows, met, lapsed, any_evidence = [], 0, 0, False
    requirement_expiry: dt.date | None = None
    professions: set[str] = set()
    for r in credential.requirements:
        if r.kind == "module":
            c = completions.get(r.target_id)
            needed = f"Complete {r.code}" + (f" (valid {r.validity_months} months)" if r.validity_months else "")
            if c is None:
                rows.append(RequirementProgress(r.id, "module", r.code, r.label, MISSING, None, needed))
                continue
            any_evidence = True
            until = valid_until(c.completed_on, r.validity_months)
            ev = Evidence("completion", c.id, c.completed_on, f"Completed {c.completed_on.isoformat()}", until)
            if until is not None and until < today:
                lapsed += 1
                rows.append(RequirementProgress(r.id, "module", r.code, r.label, LAPSED, ev, needed))
            else:
                met += 1
                if until is not None and (requirement_expiry is None or until < requirement_expiry):
                    requirement_expiry = until
                rows.append(RequirementProgress(r.id, "module", r.code, r.label, MET, ev, needed))
        else:
            needed = f"Signed off at {r.min_label} or above"
            candidates = [a for a in assessments.get(r.target_id, []) if a.scale_id == r.scale_id]
            qualifying = [a for a in candidates if a.level.rank >= (r.min_rank or 0)]
            if candidates:
                any_evidence = True
            for a in qualifying:
                if a.assessor_profession is not None:
                    professions.add(a.assessor_profession.name)
            if qualifying:
                best = max(qualifying, key=lambda a: (a.assessed_on, a.level.rank, a.id))
                ev = Evidence("assessment", best.id, best.assessed_on,
                              f"{best.level.label} on {best.assessed_on.isoformat()} by {best.assessor_name}",
                              assessor_profession=best.assessor_profession.name if best.assessor_profession else None)
                met += 1
                rows.append(RequirementProgress(r.id, "competency", r.code, r.label, MET, ev, needed))
            elif candidates:
                latest = max(candidates, key=lambda a: (a.assessed_on, a.id))
                ev = Evidence("assessment", latest.id, latest.assessed_on,
                              f"{latest.level.label} on {latest.assessed_on.isoformat()} (below the level needed)")
                rows.append(RequirementProgress(r.id, "competency", r.code, r.label, BELOW, ev, needed))
            else:
                rows.append(RequirementProgress(r.id, "competency", r.code, r.label, MISSING, None, needed))

    cert = records.certificates.get(credential.id)
    professions_ok = not credential.min_assessor_professions or len(professions) >= credential.min_assessor_professions
    status, renewal, band = overall_status(
        met=met, total=len(rows), lapsed=lapsed, any_evidence=any_evidence or cert is not None,
        professions_ok=professions_ok, certificate_expires=cert.expires_on if cert else None,
        has_certificate=cert is not None, requirement_expiry=requirement_expiry, today=today,
    )
    return CredentialProgress(person_id, credential.id, credential.code, credential.title, status, rows, met,
                              len(rows), sorted(professions), credential.min_assessor_professions,
                              cert.code if cert else None, renewal, band)


def person_progress(
    uow: UnitOfWork, actor: Actor, person_id: int, credential_id: int, today: dt.date | None = None
) -> CredentialProgress:
    with uow:
        require(actor, "read")
        get_or_404(uow.session, Person, person_id, "person")
        return compute_person_progress(uow.session, person_id, _credential(uow.session, credential_id),
                                       today or _today())


def person_all_progress(
    uow: UnitOfWork, actor: Actor, person_id: int, today: dt.date | None = None
) -> list[CredentialProgress]:
    """Progress on every credential the person is assigned (through a cohort), holds, or has evidence for."""
    with uow:
        require(actor, "read")
        session = uow.session
        get_or_404(session, Person, person_id, "person")
        records = load_person_records(session, person_id)
        ids = set(session.scalars(
            select(CohortCredential.credential_id).join(Enrolment, Enrolment.cohort_id == CohortCredential.cohort_id)
            .where(Enrolment.person_id == person_id, Enrolment.status != "withdrawn")))
        ids |= set(records.certificates)
        if records.completions or records.assessments:
            ids |= set(session.scalars(select(CredentialRequirement.credential_id).where(
                CredentialRequirement.module_id.in_(list(records.completions))
                | CredentialRequirement.competency_id.in_(list(records.assessments)))))
        day = today or _today()
        rules = sorted(load_rules(session, ids).values(), key=lambda c: c.code)
        return [compute_person_progress(session, person_id, c, day, records) for c in rules]


def cohort_scope(session: Session, cohort_code: str) -> tuple[list[int], list[int]]:
    cohort = session.scalar(select(Cohort).where(Cohort.code == cohort_code.strip().upper()))
    if cohort is None:
        raise NotFoundError(f"No cohort with code {cohort_code!r}.")
    people = list(session.scalars(select(Enrolment.person_id).where(Enrolment.cohort_id == cohort.id,
                                                                    Enrolment.status != "withdrawn")))
    credentials = list(session.scalars(select(CohortCredential.credential_id)
                                       .where(CohortCredential.cohort_id == cohort.id)))
    return people, credentials

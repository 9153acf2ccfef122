"""Certificates whose evidence was later voided: found from what each certificate froze at issue.

A certificate is never edited or silently revoked when a record behind it is voided. Instead the
person's page and the certificate's detail say which of its evidence was voided and whether the
records that stand today still meet the credential, so an educator can decide to revoke or reissue.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.models import (
    Assessment,
    Certificate,
    Competency,
    Completion,
    Framework,
    ImprovementWork,
    Module,
    Rating,
    RatingSource,
    ScaleLevel,
)
from credtrack.services.common import get_or_404
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress.person import (
    compute_person_progress,
    load_person_records,
    load_rules,
)


@dataclass(frozen=True)
class VoidedEvidence:
    """A valid certificate some of whose evidence has since been voided."""

    certificate_id: int
    certificate_code: str
    credential_title: str
    voided: tuple[str, ...]  # "ONB-101 completed 2026-03-01 (voided: wrong learner)"
    still_met: bool  # whether the records standing today still meet the credential

    def describe(self) -> str:
        verdict = (
            "the records standing today still meet the credential"
            if self.still_met
            else "the records standing today no longer meet the credential: review it, then revoke or reissue"
        )
        return (
            f"Certificate {self.certificate_code} ({self.credential_title}) was issued on evidence since voided: "
            f"{'; '.join(self.voided)}. It stays valid until someone revokes it; {verdict}."
        )


def _completion_keys(session: Session, person_id: int) -> dict[tuple[str, str], list[tuple[bool, str | None]]]:
    """(module code, date) -> [(voided, reason)] for every completion of the person."""
    found: dict[tuple[str, str], list[tuple[bool, str | None]]] = defaultdict(list)
    for code, on, voided_at, reason in session.execute(
        select(Module.code, Completion.completed_on, Completion.voided_at, Completion.void_reason)
        .join(Module, Module.id == Completion.module_id)
        .where(Completion.person_id == person_id)
    ):
        found[(code, on.isoformat())].append((voided_at is not None, reason))
    return found


def _sign_off_keys(
    session: Session, person_id: int
) -> dict[tuple[str, str, str, str, str], list[tuple[bool, str | None]]]:
    """(framework, competency, level, date, assessor) -> [(voided, reason)] for every sign-off of the person."""
    found: dict[tuple[str, str, str, str, str], list[tuple[bool, str | None]]] = defaultdict(list)
    for fw, comp, level, on, assessor, voided_at, reason in session.execute(
        select(
            Framework.code,
            Competency.code,
            ScaleLevel.code,
            Assessment.assessed_on,
            Assessment.assessor_name,
            Assessment.voided_at,
            Assessment.void_reason,
        )
        .join(Competency, Competency.id == Assessment.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .join(ScaleLevel, ScaleLevel.id == Assessment.level_id)
        .where(Assessment.person_id == person_id)
    ):
        found[(fw, comp, level, on.isoformat(), assessor)].append((voided_at is not None, reason))
    return found


def _rating_keys(session: Session, person_id: int) -> dict[tuple[str, str, str], list[tuple[bool, str | None]]]:
    """(source code, date, rater) -> [(voided, reason)] for every rating of the person."""
    found: dict[tuple[str, str, str], list[tuple[bool, str | None]]] = defaultdict(list)
    for code, on, rater, voided_at, reason in session.execute(
        select(RatingSource.code, Rating.rated_on, Rating.rater_name, Rating.voided_at, Rating.void_reason)
        .join(RatingSource, RatingSource.id == Rating.source_id)
        .where(Rating.person_id == person_id)
    ):
        found[(code, on.isoformat(), rater)].append((voided_at is not None, reason))
    return found


def _work_keys(session: Session, person_id: int) -> dict[tuple[str, str, str], list[tuple[bool, str | None]]]:
    """(kind, title, day ended) -> [(voided, reason)] for every piece of improvement work of the person."""
    found: dict[tuple[str, str, str], list[tuple[bool, str | None]]] = defaultdict(list)
    W = ImprovementWork
    for kind, title, ended_on, voided_at, reason in session.execute(
        select(W.kind, W.title, W.ended_on, W.voided_at, W.void_reason).where(W.person_id == person_id)
    ):
        found[(kind, title, ended_on.isoformat() if ended_on else "")].append((voided_at is not None, reason))
    return found


def _all_voided(matches: list[tuple[bool, str | None]]) -> str | None:
    """The void reason when every record matching a frozen entry is voided (none stands in for it), else None."""
    if matches and all(voided for voided, _ in matches):
        return matches[-1][1] or "no reason recorded"
    return None


def voided_evidence(session: Session, person_id: int, today: dt.date) -> list[VoidedEvidence]:
    """The person's valid certificates issued on evidence that has since been voided, oldest first."""
    certificates = list(
        session.scalars(
            select(Certificate)
            .where(Certificate.person_id == person_id, Certificate.status == "valid")
            .order_by(Certificate.issued_on, Certificate.id)
        )
    )
    if not certificates:
        return []
    completions, sign_offs = _completion_keys(session, person_id), _sign_off_keys(session, person_id)
    ratings: dict[tuple[str, str, str], list[tuple[bool, str | None]]] | None = None
    works = _work_keys(session, person_id) if any('"improvement"' in c.snapshot_json for c in certificates) else {}
    found: list[VoidedEvidence] = []
    records = None
    for cert in certificates:
        snapshot = json.loads(cert.snapshot_json or "{}")
        voided: list[str] = []
        for m in snapshot.get("modules", []):
            reason = _all_voided(completions.get((m.get("code"), m.get("completed_on")), []))
            if reason is not None:
                voided.append(f"{m.get('code')} completed {m.get('completed_on')} (voided: {reason})")
        for s in snapshot.get("signoffs", []):
            key = (
                s.get("framework_code"),
                s.get("competency"),
                s.get("level_code"),
                s.get("assessed_on"),
                s.get("assessor"),
            )
            reason = _all_voided(sign_offs.get(key, []))
            if reason is not None:
                voided.append(
                    f"{s.get('competency')} signed off {s.get('assessed_on')} by {s.get('assessor')} (voided: {reason})"
                )
        if snapshot.get("ratings"):
            ratings = ratings if ratings is not None else _rating_keys(session, person_id)
            for r in snapshot["ratings"]:
                reason = _all_voided(ratings.get((r.get("source_code"), r.get("rated_on"), r.get("rater")), []))
                if reason is not None:
                    voided.append(
                        f"{r.get('source_code')} rating {r.get('rated_on')} by {r.get('rater')} (voided: {reason})"
                    )
        for w in snapshot.get("improvement", []):
            reason = _all_voided(works.get((w.get("kind"), w.get("title"), w.get("ended_on")), []))
            if reason is not None:
                voided.append(f"{w.get('kind_label')} {w.get('title')!r} ended {w.get('ended_on')} (voided: {reason})")
        if not voided:
            continue
        records = records or load_person_records(session, person_id)
        rules = load_rules(session, [cert.credential_id]).get(cert.credential_id)
        still_met = rules is not None and compute_person_progress(session, person_id, rules, today, records).eligible
        found.append(VoidedEvidence(cert.id, cert.code, cert.credential_title, tuple(voided), still_met))
    return found


def resting_on(
    session: Session, record: Completion | Assessment | Rating | ImprovementWork, today: dt.date
) -> list[VoidedEvidence]:
    """After ``record`` was voided: the certificates of its person that named it as evidence."""
    return [v for v in voided_evidence(session, record.person_id, today) if _names(session, v, record)]


def _names(
    session: Session, finding: VoidedEvidence, record: Completion | Assessment | Rating | ImprovementWork
) -> bool:
    if isinstance(record, Rating):
        prefix = f"{record.source.code} rating {record.rated_on.isoformat()} by {record.rater_name} "
        return any(v.startswith(prefix) for v in finding.voided)
    if isinstance(record, ImprovementWork):
        ended = record.ended_on.isoformat() if record.ended_on else ""
        return any(v.endswith(")") and f"{record.title!r} ended {ended} " in v for v in finding.voided)
    if isinstance(record, Completion):
        return any(
            v.startswith(f"{record.module.code} completed {record.completed_on.isoformat()} ") for v in finding.voided
        )
    return any(
        v.startswith(f"{record.competency.code} signed off {record.assessed_on.isoformat()} ") for v in finding.voided
    )


def issued_on(session: Session, record: Completion | Assessment | Rating) -> list[str]:
    """Codes of the person's valid certificates whose frozen evidence names ``record`` (before voiding it)."""
    codes = []
    for code, snapshot_json in session.execute(
        select(Certificate.code, Certificate.snapshot_json)
        .where(Certificate.person_id == record.person_id, Certificate.status == "valid")
        .order_by(Certificate.id)
    ):
        snapshot = json.loads(snapshot_json or "{}")
        if isinstance(record, Rating):
            named = any(
                r.get("source_code") == record.source.code
                and r.get("rated_on") == record.rated_on.isoformat()
                and r.get("rater") == record.rater_name
                for r in snapshot.get("ratings", [])
            )
        elif isinstance(record, Completion):
            named = any(
                m.get("code") == record.module.code and m.get("completed_on") == record.completed_on.isoformat()
                for m in snapshot.get("modules", [])
            )
        else:
            named = any(
                s.get("competency") == record.competency.code
                and s.get("framework_code") == record.competency.framework.code
                and s.get("assessed_on") == record.assessed_on.isoformat()
                and s.get("level_code") == record.level.code
                and s.get("assessor") == record.assessor_name
                for s in snapshot.get("signoffs", [])
            )
        if named:
            codes.append(code)
    return codes


def certificates_on_record(uow: UnitOfWork, actor: Actor, kind: str, record_id: int) -> list[str]:
    """For the void dialog: which valid certificates were issued on this completion (``kind="completion"``)
    or sign-off (``"assessment"``) or rating (``"rating"``)."""
    with uow:
        require(actor, "read")
        record: Completion | Assessment | Rating
        if kind == "rating":
            record = get_or_404(uow.session, Rating, record_id, "rating")
        elif kind == "completion":
            record = get_or_404(uow.session, Completion, record_id, "completion")
        else:
            record = get_or_404(uow.session, Assessment, record_id, "sign-off")
        return issued_on(uow.session, record)


def person_voided_evidence(
    uow: UnitOfWork, actor: Actor, person_id: int, today: dt.date | None = None
) -> list[VoidedEvidence]:
    """For the person's page: their valid certificates issued on evidence since voided."""
    with uow:
        require(actor, "read")
        return voided_evidence(uow.session, person_id, today or _today())

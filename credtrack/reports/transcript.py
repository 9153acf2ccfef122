"""A learner's transcript as a PDF: credentials, module completions, competency sign-offs, ratings and improvement
work."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from credtrack.config import LocalSettings
from credtrack.db import UnitOfWork
from credtrack.errors import CredtrackError, NotFoundError
from credtrack.models import (
    Assessment,
    Certificate,
    Competency,
    Completion,
    Credential,
    Module,
    Person,
    Profession,
    Scale,
    ScaleLevel,
    Setting,
)
from credtrack.models.enums import label
from credtrack.reports.transcript_evidence import TranscriptRating, TranscriptWork, standing_ratings, standing_works
from credtrack.reports.transcript_pdf import render
from credtrack.rules.status import STATUS_LABELS
from credtrack.services.permissions import Actor, require
from credtrack.services.progress.bulk import compute_bulk


@dataclass
class TranscriptData:
    """Everything a transcript shows, as plain values (also what a screen could show)."""

    name: str
    external_id: str
    profession: str
    unit: str
    start_date: dt.date | None
    institution: str
    certificates: list[tuple[str, str, str, dt.date, dt.date | None, str]] = field(default_factory=list)
    in_progress: list[tuple[str, str, str]] = field(default_factory=list)
    completions: list[tuple[dt.date, str, str, str, str]] = field(default_factory=list)
    signoffs: list[tuple[dt.date, str, str, str, str, str, str]] = field(default_factory=list)
    ratings: list[TranscriptRating] = field(default_factory=list)  # standing: not voided
    works: list[TranscriptWork] = field(default_factory=list)  # standing: confirmed, not voided


def load_transcript(session: Session, external_id: str, today: dt.date | None = None) -> TranscriptData:
    person = session.scalar(select(Person).where(Person.external_id == external_id.strip()))
    if person is None:
        raise NotFoundError(f"No person with external id {external_id!r}.")
    institution = session.scalar(select(Setting.value).where(Setting.key == "institution_name")) or ""
    data = TranscriptData(
        person.full_name,
        person.external_id,
        person.profession.name if person.profession else "",
        person.unit or "",
        person.start_date,
        institution,
    )
    for code, cred_code, title, issued, expires, status in session.execute(
        select(
            Certificate.code,
            Credential.code,
            Certificate.credential_title,
            Certificate.issued_on,
            Certificate.expires_on,
            Certificate.status,
        )
        .join(Credential, Credential.id == Certificate.credential_id)
        .where(Certificate.person_id == person.id)
        .order_by(Certificate.issued_on, Certificate.id)
    ):
        data.certificates.append((cred_code, title, code, issued, expires, status))
    held = {c[0] for c in data.certificates if c[5] == "valid"}
    titles = dict(session.execute(select(Credential.id, Credential.code)).all())
    names = dict(session.execute(select(Credential.code, Credential.title)).all())
    for summary in compute_bulk(session, today or dt.date.today(), person_ids=[person.id]):
        code = titles[summary.credential_id]
        if code not in held:
            data.in_progress.append(
                (code, names[code], f"{STATUS_LABELS[summary.status]} ({summary.met} of {summary.total} requirements)")
            )
    data.in_progress.sort()
    for on, code, title, verification, evidence in session.execute(
        select(Completion.completed_on, Module.code, Module.title, Completion.verification, Completion.evidence)
        .join(Module, Module.id == Completion.module_id)
        .where(Completion.person_id == person.id, Completion.voided_at.is_(None))
        .order_by(Completion.completed_on, Module.code)
    ):
        data.completions.append((on, code, title, label(verification), evidence))
    assessor_profession = aliased(Profession)
    for row in session.execute(
        select(
            Assessment.assessed_on,
            Competency.code,
            Competency.label,
            Scale.code,
            ScaleLevel.label,
            Assessment.method,
            Assessment.assessor_name,
            assessor_profession.name,
        )
        .join(Competency, Competency.id == Assessment.competency_id)
        .join(Scale, Scale.id == Assessment.scale_id)
        .join(ScaleLevel, ScaleLevel.id == Assessment.level_id)
        .outerjoin(assessor_profession, assessor_profession.id == Assessment.assessor_profession_id)
        .where(Assessment.person_id == person.id, Assessment.voided_at.is_(None), Assessment.verification != "pending")
        .order_by(Assessment.assessed_on, Competency.code)
    ):
        on, comp, comp_label, scale, level, method, assessor, profession = row
        data.signoffs.append(
            (
                on,
                f"{comp} {comp_label}",
                f"{level} ({scale})",
                label(method),
                assessor or "—",
                profession or "not recorded",
                comp,
            )
        )
    data.ratings = standing_ratings(session, person.id)
    data.works = standing_works(session, person.id)
    return data


def write_transcript(
    uow: UnitOfWork,
    actor: Actor,
    external_id: str,
    out: str | Path,
    today: dt.date | None = None,
    paper: str | None = None,
) -> Path:
    """Render the transcript to ``out``; the file appears only once it is complete."""
    require(actor, "read")
    with uow:
        data = load_transcript(uow.session, external_id, today)
    if paper is None:
        paper = LocalSettings.load().paper_size
    out = Path(out)
    if not out.parent.is_dir():
        raise CredtrackError(f"The folder {out.parent} does not exist.")
    handle, tmp_name = tempfile.mkstemp(prefix=".credtrack-transcript-", suffix=".pdf", dir=out.parent)
    os.close(handle)
    try:
        render(data, Path(tmp_name), paper=paper, printed_on=today or dt.date.today())
        os.replace(tmp_name, out)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return out

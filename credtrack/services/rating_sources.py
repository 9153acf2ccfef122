"""Rating sources: who a rating may come from (a colleague of another profession, a patient or family
advisor, a team member, the learner), each with its own short form — a scale from the catalog, the
competencies it may rate and the attestation the person recording a rating accepts. Editable data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, ValidationError
from credtrack.models import RatingSource, Scale
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import by_code, clean, free_text, get_or_404, required_text
from credtrack.services.permissions import Actor, require
from credtrack.services.requirements import competencies

DEFAULT_ATTESTATION = (
    "I attest that this rating is recorded as the rater gave it, collected by the method stated, "
    "and that the rater is the person named."
)


@dataclass(frozen=True)
class SourceRow:
    id: int
    code: str
    name: str
    description: str
    scale_code: str
    scale_name: str
    competency_codes: list[str]
    attestation_text: str
    active: bool
    version: int


def _source_row(s: RatingSource) -> SourceRow:
    return SourceRow(
        s.id,
        s.code,
        s.name,
        s.description,
        s.scale.code,
        s.scale.name,
        [c.code for c in s.competencies],
        s.attestation_text,
        s.active,
        s.version,
    )


def _source_snapshot(s: RatingSource) -> dict:
    return {
        "code": s.code,
        "name": s.name,
        "description": s.description,
        "scale_id": s.scale_id,
        "competencies": [c.code for c in s.competencies],
        "attestation_text": s.attestation_text,
        "active": s.active,
    }


def list_sources(uow: UnitOfWork, actor: Actor, *, include_inactive: bool = False) -> list[SourceRow]:
    with uow:
        require(actor, "read")
        stmt = select(RatingSource).options(selectinload(RatingSource.competencies)).order_by(RatingSource.code)
        if not include_inactive:
            stmt = stmt.where(RatingSource.active.is_(True))
        return [_source_row(s) for s in uow.session.scalars(stmt)]


def create_source(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    name: str,
    scale_code: str,
    competency_codes: list[str],
    description: str = "",
    attestation_text: str = "",
    framework_code: str | None = None,
) -> Result[SourceRow]:
    """A new rating source with its form: the scale its raters use and the competencies they may rate."""
    with uow:
        require(actor, "ratings.sources")
        session = uow.session
        code = required_text(code, "A source code", "code", 20).upper()
        if session.scalar(select(RatingSource.id).where(func.upper(RatingSource.code) == code)) is not None:
            raise DuplicateError(f"A rating source with code {code!r} already exists.")
        source = RatingSource(
            code=code,
            name=required_text(name, "A name", "name", 120),
            description=free_text(description, "The description", "description"),
            scale_id=by_code(session, Scale, scale_code, "scale").id,
            attestation_text=free_text(attestation_text, "The attestation", "attestation_text") or DEFAULT_ATTESTATION,
            active=True,
        )
        source.competencies = _source_competencies(session, competency_codes, framework_code)
        session.add(source)
        session.flush()
        audit.record(session, actor, "rating_source.create", "rating_source", source.id, after=_source_snapshot(source))
        row = _source_row(source)
        uow.commit()
        return Result(row, Change.CATALOG | Change.AUDIT)


def update_source(
    uow: UnitOfWork,
    actor: Actor,
    source_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    attestation_text: str | None = None,
    competency_codes: list[str] | None = None,
    active: bool | None = None,
    framework_code: str | None = None,
) -> Result[SourceRow]:
    """Change a source's name, wording, competencies or whether it is offered. Its scale stays: ratings
    already given on it would otherwise read on another scale."""
    with uow:
        require(actor, "ratings.sources")
        session = uow.session
        source = get_or_404(session, RatingSource, source_id, "rating source")
        before = _source_snapshot(source)
        if name is not None:
            source.name = required_text(name, "A name", "name", 120)
        if description is not None:
            source.description = free_text(description, "The description", "description")
        if attestation_text is not None:
            source.attestation_text = required_text(attestation_text, "The attestation", "attestation_text", 2000)
        if competency_codes is not None:
            source.competencies = _source_competencies(session, competency_codes, framework_code)
        if active is not None:
            source.active = bool(active)
        session.flush()
        after = _source_snapshot(source)
        if after != before:
            audit.record(session, actor, "rating_source.update", "rating_source", source.id, before=before, after=after)
        row = _source_row(source)
        uow.commit()
        return Result(row, Change.CATALOG | Change.AUDIT)


def _source_competencies(session: Session, codes: list[str], framework_code: str | None) -> list:
    wanted = [clean(c) for c in codes if clean(c)]
    if not wanted:
        raise ValidationError("Name at least one competency the source may rate.", field="competency_codes")
    if len({c.upper() for c in wanted}) != len(wanted):
        raise ValidationError("A competency is listed twice.", field="competency_codes")
    return competencies(session, wanted, framework_code)

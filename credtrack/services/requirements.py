"""A credential's requirements: as the user states them (``RequirementSpec``), as they are stored and as
they are shown (``RequirementRow``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack.errors import NotFoundError, ValidationError
from credtrack.models import Competency, CredentialRequirement, Framework, Module, RatingSource, Scale, ScaleLevel
from credtrack.models.enums import IMPROVEMENT_KINDS, label
from credtrack.services.common import clean


def competencies(session: Session, codes: list[str], framework_code: str | None = None) -> list[Competency]:
    found = []
    for code in codes:
        stmt = select(Competency).join(Framework).where(func.upper(Competency.code) == clean(code).upper())
        if framework_code:
            stmt = stmt.where(Framework.code == framework_code)
        matches = session.scalars(stmt).all()
        if not matches:
            raise NotFoundError(f"No competency with code {code!r}.")
        if len(matches) > 1:
            raise ValidationError(f"The code {code!r} exists in several frameworks; name the framework.")
        found.append(matches[0])
    return found


@dataclass(frozen=True)
class RequirementSpec:
    """A requirement as the user states it: a module code; a competency code at a minimum level; how many
    ratings from a source (``source_code``, ``min_count``, optionally at or above ``min_level_code`` of the
    source's scale); ratings from how many sources (``min_count``); or a precepting record: how many
    standing sign-offs the person gave (``min_count``) to learners of how many professions other than their
    own (``min_professions``)."""

    kind: str  # "module", "competency", "ratings", "rating_sources", "improvement" or "precepting"
    module_code: str | None = None
    competency_code: str | None = None
    framework_code: str | None = None
    scale_code: str | None = None
    min_level_code: str | None = None
    source_code: str | None = None
    min_count: int | None = None
    work_kind: str | None = None
    min_professions: int | None = None


@dataclass(frozen=True)
class RequirementRow:
    id: int
    kind: str
    module_id: int | None
    module_code: str | None
    module_title: str | None
    competency_id: int | None
    competency_code: str | None
    competency_label: str | None
    scale_code: str | None
    min_level_code: str | None
    min_level_label: str | None
    min_level_rank: int | None
    source_code: str | None = None
    source_name: str | None = None
    min_count: int | None = None
    work_kind: str | None = None
    min_professions: int | None = None

    @property
    def describe(self) -> str:
        if self.kind == "module":
            return f"Complete {self.module_code} – {self.module_title}"
        if self.kind == "ratings":
            return ratings_needed(self.min_count, self.source_name or "", self.min_level_label)
        if self.kind == "rating_sources":
            return sources_needed(self.min_count)
        if self.kind == "improvement":
            return works_needed(self.min_count, self.work_kind or "", self.min_professions)
        if self.kind == "precepting":
            return precepting_needed(self.min_count, self.min_professions)
        return f"{self.competency_code} – {self.competency_label}: at least {self.min_level_label} ({self.scale_code})"


def ratings_needed(count: int | None, source: str, level: str | None) -> str:
    """What a ratings requirement asks, in words."""
    n = count or 1
    what = f"{n} rating{'s' if n != 1 else ''} from {source}"
    return f"{what}, each at {level} or above" if level else what


def works_needed(count: int | None, work_kind: str, professions: int | None) -> str:
    """What an improvement requirement asks, in words."""
    n = count or 1
    what = f"{n} confirmed {label(work_kind)}{'s' if n != 1 else ''}"
    p = professions or 1
    return f"{what} with at least {p} professions on the team (the learner's included)" if p > 1 else what


def sources_needed(count: int | None) -> str:
    return f"Ratings from at least {count or 1} different sources"


def precepting_needed(count: int | None, professions: int | None) -> str:
    """What a precepting requirement asks, in words."""
    n, k = count or 1, professions or 1
    learners = f"learners of at least {k} other profession{'s' if k != 1 else ''}"
    return f"Precepting: {n} sign-off{'s' if n != 1 else ''} given to {learners}"


def requirement_row(r: CredentialRequirement) -> RequirementRow:
    lv = r.min_level
    return RequirementRow(
        r.id,
        r.kind,
        r.module_id,
        r.module.code if r.module else None,
        r.module.title if r.module else None,
        r.competency_id,
        r.competency.code if r.competency else None,
        r.competency.label if r.competency else None,
        r.scale.code if r.scale else None,
        lv.code if lv else None,
        lv.label if lv else None,
        lv.rank if lv else None,
        r.source.code if r.source else None,
        r.source.name if r.source else None,
        r.min_count,
        r.work_kind,
        r.min_professions,
    )


def build_requirements(session: Session, specs: list[RequirementSpec]) -> list[CredentialRequirement]:
    if not specs:
        raise ValidationError("A credential needs at least one requirement.", field="requirements")
    built, seen = [], set()
    for order, spec in enumerate(specs):
        if spec.kind == "module":
            module = session.scalar(select(Module).where(func.upper(Module.code) == clean(spec.module_code).upper()))
            if module is None:
                raise NotFoundError(f"No module with code {spec.module_code!r}.")
            key = ("module", module.id)
            req = CredentialRequirement(kind="module", module_id=module.id, sort_order=order)
        elif spec.kind == "competency":
            (competency,) = competencies(session, [spec.competency_code or ""], spec.framework_code)
            scale = session.scalar(select(Scale).where(Scale.code == clean(spec.scale_code)))
            if scale is None:
                raise NotFoundError(f"No scale with code {spec.scale_code!r}.")
            level = session.scalar(
                select(ScaleLevel).where(ScaleLevel.scale_id == scale.id, ScaleLevel.code == clean(spec.min_level_code))
            )
            if level is None:
                raise ValidationError(
                    f"The scale {scale.name} has no level {spec.min_level_code!r}.", field="min_level_code"
                )
            key = ("competency", competency.id)
            req = CredentialRequirement(
                kind="competency",
                competency_id=competency.id,
                scale_id=scale.id,
                min_level_id=level.id,
                sort_order=order,
            )
        elif spec.kind == "ratings":
            key, req = _ratings_requirement(session, spec, order)
        elif spec.kind == "rating_sources":
            key = ("rating_sources", 0)
            req = CredentialRequirement(
                kind="rating_sources", min_count=_count(spec.min_count, "sources"), sort_order=order
            )
        elif spec.kind == "precepting":
            key = ("precepting", 0)
            req = CredentialRequirement(
                kind="precepting",
                min_count=_count(spec.min_count, "sign-offs given"),
                min_professions=_count(spec.min_professions, "learner professions", "min_professions"),
                sort_order=order,
            )
        elif spec.kind == "improvement":
            key, req = _improvement_requirement(spec, order)
        else:
            raise ValidationError(
                f"A requirement is a module, a competency, ratings from a source, ratings from several "
                f"sources, improvement work or a precepting record, not {spec.kind!r}."
            )
        if key in seen:
            raise ValidationError("The same requirement is listed twice.", field="requirements")
        seen.add(key)
        built.append(req)
    return built


def _ratings_requirement(session: Session, spec: RequirementSpec, order: int) -> tuple[tuple, CredentialRequirement]:
    source = session.scalar(
        select(RatingSource).where(func.upper(RatingSource.code) == clean(spec.source_code).upper())
    )
    if source is None:
        raise NotFoundError(f"No rating source with code {spec.source_code!r}.")
    level_id = None
    if spec.min_level_code:
        level_id = session.scalar(
            select(ScaleLevel.id).where(
                ScaleLevel.scale_id == source.scale_id,
                func.upper(ScaleLevel.code) == clean(spec.min_level_code).upper(),
            )
        )
        if level_id is None:
            raise ValidationError(
                f"The scale of {source.name} has no level {spec.min_level_code!r}.", field="min_level_code"
            )
    req = CredentialRequirement(
        kind="ratings",
        source_id=source.id,
        scale_id=source.scale_id if level_id is not None else None,
        min_level_id=level_id,
        min_count=_count(spec.min_count, "ratings"),
        sort_order=order,
    )
    return ("ratings", source.id), req


def _improvement_requirement(spec: RequirementSpec, order: int) -> tuple[tuple, CredentialRequirement]:
    kind = clean(spec.work_kind).lower()
    if kind not in IMPROVEMENT_KINDS:
        raise ValidationError(
            f"The kind of improvement work must be one of: {', '.join(IMPROVEMENT_KINDS)}; not {spec.work_kind!r}.",
            field="work_kind",
        )
    req = CredentialRequirement(
        kind="improvement",
        work_kind=kind,
        min_count=_count(spec.min_count, "works"),
        min_professions=_count(spec.min_professions, "professions on the team", "min_professions"),
        sort_order=order,
    )
    return ("improvement", kind), req


def _count(value: object, what: str, field: str = "min_count") -> int:
    """A requirement's count: a whole number from 1 to 50."""
    try:
        number = int(value) if value not in (None, "") else 1  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ValidationError(f"The number of {what} must be a whole number.", field=field) from None
    if not 1 <= number <= 50:
        raise ValidationError(f"The number of {what} must be 1–50.", field=field)
    return number

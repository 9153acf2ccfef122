"""Competency frameworks and scales: import from JSON or CSV, list as a tree. Frameworks are data."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, ValidationError
from credtrack.models import Competency, CompetencyDomain, Framework, Scale, ScaleLevel
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import clean, free_text, limited_text, required_text
from credtrack.services.permissions import Actor, require


@dataclass(frozen=True)
class CompetencyRow:
    id: int
    code: str
    label: str
    description: str
    domain_code: str | None
    domain_name: str | None
    framework_code: str


@dataclass(frozen=True)
class DomainRow:
    code: str
    name: str
    competencies: list[CompetencyRow] = field(default_factory=list)


@dataclass(frozen=True)
class FrameworkRow:
    id: int
    code: str
    name: str
    version_label: str
    domains: list[DomainRow]
    competency_count: int


@dataclass(frozen=True)
class LevelRow:
    id: int
    code: str
    label: str
    description: str
    rank: int
    passing: bool


@dataclass(frozen=True)
class ScaleRow:
    id: int
    code: str
    name: str
    description: str
    levels: list[LevelRow]


# Reading framework files ----------------------------------------------------------------------


def parse_framework_file(path: Path) -> dict[str, Any]:
    """Read a framework from JSON (as in resources/starter) or CSV (domain,code,label[,description])."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"Could not read {path}: {exc.strerror}.") from exc
    text = raw.decode("utf-8-sig", errors="strict") if _is_utf8(raw) else raw.decode("cp1252", errors="replace")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"{path.name} is not valid JSON: {exc}.") from exc
        if not isinstance(data, dict) or not isinstance(data.get("competencies"), list):
            raise ValidationError(f"{path.name} has no list of competencies.")
        return data
    if path.suffix.lower() == ".csv":
        return _framework_from_csv(text, path)
    raise ValidationError(f"{path.name}: choose a .json or .csv framework file.")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _framework_from_csv(text: str, path: Path) -> dict[str, Any]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        return _framework_rows(reader, path)
    except csv.Error as exc:
        raise ValidationError(
            f"{path.name} near line {reader.line_num + 1} cannot be read as CSV ({exc}); "
            "check its quotes, or split a very long description."
        ) from None


def _framework_rows(reader: csv.DictReader, path: Path) -> dict[str, Any]:
    headers = {h.strip().lower(): h for h in (reader.fieldnames or [])}
    missing = [h for h in ("code", "label") if h not in headers]
    if missing:
        raise ValidationError(f"{path.name} needs the columns code and label (missing: {', '.join(missing)}).")
    competencies: list[dict[str, str | None]] = []
    domains: dict[str, dict[str, str]] = {}
    for number, row in enumerate(reader, start=2):
        where = f"{path.name} row {number}:"
        if any(v.strip() for v in row.get(None) or []):
            raise ValidationError(
                f"{where} more values than the header has columns; a value containing the "
                f"separator {reader.reader.dialect.delimiter!r} must be in double quotes."
            )
        code = clean(row.get(headers["code"]), f"{where} the code", "code")
        label = clean(row.get(headers["label"]), f"{where} the label", "label")
        if not code or not label:
            raise ValidationError(f"{where} code and label are both required.")
        domain = clean(row.get(headers["domain"]), f"{where} the domain", "domain") if "domain" in headers else ""
        if domain:
            domains.setdefault(domain, {"code": domain, "name": domain})
        description = row.get(headers["description"]) if "description" in headers else ""
        competencies.append(
            {
                "code": code,
                "label": label,
                "domain": domain or None,
                "description": clean(description, f"{where} the description", "description"),
            }
        )
    stem = path.stem
    return {"code": stem.upper()[:40], "name": stem, "domains": list(domains.values()), "competencies": competencies}


def import_framework(
    uow: UnitOfWork, actor: Actor, data: dict[str, Any] | Path, *, code: str | None = None, name: str | None = None
) -> Result[FrameworkRow]:
    """Create a framework with its domains and competencies; refuses a code that already exists."""
    if isinstance(data, Path | str):
        data = parse_framework_file(Path(data))
    with uow:
        require(actor, "catalog.edit")
        session = uow.session
        framework = _create_framework(session, data, code=code, name=name)
        audit.record(
            session,
            actor,
            "framework.import",
            "framework",
            framework.id,
            after={
                "code": framework.code,
                "name": framework.name,
                "competencies": [c["code"] for c in data["competencies"]],
            },
        )
        row = _framework_row(session, framework.id)
        uow.commit()
        return Result(row, Change.CATALOG | Change.AUDIT)


def _check_shape(data: dict[str, Any]) -> None:
    """Refuse a framework whose parts are not the objects and texts expected, before anything is written."""
    domains, competencies = data.get("domains") or [], data.get("competencies")
    if not isinstance(competencies, list) or not isinstance(domains, list):
        raise ValidationError("This framework's 'competencies' and 'domains' must be lists.")
    for kind, items in (("domain", domains), ("competency", competencies)):
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise ValidationError(f"This framework's {kind} {number} is not an object with a code and a label.")
            for key in ("code", "name", "label", "domain", "description"):
                if item.get(key) is not None and not isinstance(item[key], str):
                    raise ValidationError(
                        f"This framework's {kind} {number} has a {key} that is not text ({item[key]!r})."
                    )
    for key in ("code", "name", "version_label", "description", "source"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValidationError(f"This framework's {key} is not text ({data[key]!r}).")


def _create_framework(session: Session, data: dict[str, Any], *, code: str | None, name: str | None) -> Framework:
    _check_shape(data)
    fw_code = required_text(code or data.get("code"), "A framework code", "code", 40)
    if session.scalar(select(Framework.id).where(Framework.code == fw_code)) is not None:
        raise DuplicateError(f"A framework with code {fw_code!r} already exists.")
    framework = Framework(
        code=fw_code,
        name=required_text(name or data.get("name"), "A framework name", "name"),
        version_label=limited_text(data.get("version_label"), "A version label", "version_label", 40),
        description=free_text(data.get("description"), "The framework description", "description"),
        source=free_text(data.get("source"), "The framework source", "source"),
    )
    session.add(framework)
    session.flush()
    domains: dict[str, CompetencyDomain] = {}
    for order, d in enumerate(data.get("domains", [])):
        dcode = required_text(d.get("code"), "A domain code", "domain", 20)
        if dcode in domains:
            raise ValidationError(f"The domain {dcode} appears twice.")
        domains[dcode] = CompetencyDomain(
            framework_id=framework.id,
            code=dcode,
            name=limited_text(d.get("name"), "A domain name", "domain", 200) or dcode,
            description=free_text(d.get("description"), f"The description of domain {dcode}", "domain"),
            sort_order=order,
        )
        session.add(domains[dcode])
    session.flush()
    seen: set[str] = set()
    for order, c in enumerate(data["competencies"]):
        ccode = required_text(c.get("code"), "A competency code", "code", 20)
        if ccode in seen:
            raise ValidationError(f"The competency code {ccode} appears twice.")
        seen.add(ccode)
        dcode = c.get("domain")
        if dcode and dcode not in domains:
            raise ValidationError(f"Competency {ccode} names an unknown domain {dcode!r}.")
        session.add(
            Competency(
                framework_id=framework.id,
                domain_id=domains[dcode].id if dcode else None,
                code=ccode,
                label=required_text(c.get("label"), f"A label for {ccode}", "label"),
                description=free_text(c.get("description"), f"The description of {ccode}", "description"),
                sort_order=order,
            )
        )
    session.flush()
    return framework


def _framework_row(session: Session, framework_id: int) -> FrameworkRow:
    fw = session.scalar(
        select(Framework)
        .where(Framework.id == framework_id)
        .options(selectinload(Framework.domains), selectinload(Framework.competencies).selectinload(Competency.domain))
    )
    assert fw is not None
    by_domain: dict[str | None, list[CompetencyRow]] = {}
    for c in fw.competencies:
        by_domain.setdefault(c.domain.code if c.domain else None, []).append(_competency_row(c, fw.code))
    domains = [DomainRow(d.code, d.name, by_domain.get(d.code, [])) for d in fw.domains]
    if by_domain.get(None):
        domains.append(DomainRow("", "Other", by_domain[None]))
    return FrameworkRow(fw.id, fw.code, fw.name, fw.version_label, domains, len(fw.competencies))


def _competency_row(c: Competency, framework_code: str) -> CompetencyRow:
    return CompetencyRow(
        c.id,
        c.code,
        c.label,
        c.description,
        c.domain.code if c.domain else None,
        c.domain.name if c.domain else None,
        framework_code,
    )


def list_frameworks(uow: UnitOfWork, actor: Actor) -> list[FrameworkRow]:
    with uow:
        require(actor, "read")
        ids = uow.session.scalars(select(Framework.id).order_by(Framework.code)).all()
        return [_framework_row(uow.session, i) for i in ids]


def list_competencies(uow: UnitOfWork, actor: Actor, framework_code: str | None = None) -> list[CompetencyRow]:
    with uow:
        require(actor, "read")
        stmt = (
            select(Competency, Framework.code)
            .join(Framework)
            .options(selectinload(Competency.domain))
            .order_by(Framework.code, Competency.sort_order)
        )
        if framework_code:
            stmt = stmt.where(Framework.code == framework_code)
        return [_competency_row(c, fcode) for c, fcode in uow.session.execute(stmt)]


# Scales ---------------------------------------------------------------------------------------


def create_scale(uow: UnitOfWork, actor: Actor, data: dict[str, Any]) -> Result[ScaleRow]:
    """Create a scale from ``{"code", "name", "description", "levels": [{"code","label","description","passing"}]}``
    with levels in ascending order."""
    with uow:
        require(actor, "catalog.edit")
        scale = _create_scale(uow.session, data)
        audit.record(
            uow.session,
            actor,
            "scale.create",
            "scale",
            scale.id,
            after={"code": scale.code, "levels": [lv["code"] for lv in data["levels"]]},
        )
        row = _scale_row(scale)
        uow.commit()
        return Result(row, Change.CATALOG | Change.AUDIT)


def _create_scale(session: Session, data: dict[str, Any]) -> Scale:
    code = required_text(data.get("code"), "A scale code", "code", 40)
    if session.scalar(select(Scale.id).where(Scale.code == code)) is not None:
        raise DuplicateError(f"A scale with code {code!r} already exists.")
    levels = data.get("levels") or []
    if len(levels) < 2:
        raise ValidationError("A scale needs at least two levels.", field="levels")
    codes = [limited_text(lv.get("code"), "A level code", "levels", 20) for lv in levels]
    if len(set(codes)) != len(codes) or not all(codes):
        raise ValidationError("Every level needs its own, non-empty code.", field="levels")
    scale = Scale(
        code=code,
        name=required_text(data.get("name"), "A scale name", "name"),
        description=free_text(data.get("description"), "The scale description", "description"),
    )
    scale.levels = [
        ScaleLevel(
            code=lv_code,
            label=required_text(lv.get("label"), f"A label for level {lv_code}", "levels", 120),
            description=free_text(lv.get("description"), f"The description of level {lv_code}", "levels"),
            rank=rank,
            passing=bool(lv.get("passing", True)),
        )
        for rank, (lv_code, lv) in enumerate(zip(codes, levels, strict=True), start=1)
    ]
    session.add(scale)
    session.flush()
    return scale


def _scale_row(scale: Scale) -> ScaleRow:
    return ScaleRow(
        scale.id,
        scale.code,
        scale.name,
        scale.description,
        [LevelRow(lv.id, lv.code, lv.label, lv.description, lv.rank, lv.passing) for lv in scale.levels],
    )


def list_scales(uow: UnitOfWork, actor: Actor) -> list[ScaleRow]:
    with uow:
        require(actor, "read")
        scales = uow.session.scalars(select(Scale).options(selectinload(Scale.levels)).order_by(Scale.name))
        return [_scale_row(s) for s in scales]

"""Modules and credentials (with their requirements): the catalog educators define."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, NotFoundError, ValidationError
from credtrack.models import (
    Credential,
    CredentialRequirement,
    Module,
)
from credtrack.models.enums import MODULE_KINDS
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import check_version, clean, free_text, get_or_404, required_text
from credtrack.services.permissions import Actor, require
from credtrack.services.requirements import (
    RequirementRow,
    RequirementSpec,
    build_requirements,
    requirement_row,
)
from credtrack.services.requirements import competencies as _competencies

__all__ = ["RequirementRow", "RequirementSpec"]  # part of this module's interface since before the split


@dataclass(frozen=True)
class ModuleRow:
    id: int
    code: str
    title: str
    description: str
    kind: str
    contact_hours: Decimal
    validity_months: int | None
    requires_verification: bool
    requires_enrolment: bool
    active: bool
    competency_codes: list[str]
    version: int


@dataclass(frozen=True)
class CredentialRow:
    id: int
    code: str
    title: str
    description: str
    criteria: str
    validity_months: int | None
    min_assessor_professions: int | None
    template: str
    active: bool
    requirements: list[RequirementRow]
    version: int


# Modules -------------------------------------------------------------------------------------


def _module_row(m: Module) -> ModuleRow:
    return ModuleRow(
        m.id,
        m.code,
        m.title,
        m.description,
        m.kind,
        Decimal(m.contact_hours or 0),
        m.validity_months,
        m.requires_verification,
        m.requires_enrolment,
        m.active,
        sorted(c.code for c in m.competencies),
        m.version,
    )


def _module_snapshot(m: Module) -> dict[str, Any]:
    return {
        "code": m.code,
        "title": m.title,
        "kind": m.kind,
        "contact_hours": m.contact_hours,
        "validity_months": m.validity_months,
        "requires_verification": m.requires_verification,
        "requires_enrolment": m.requires_enrolment,
        "active": m.active,
        "competencies": sorted(c.code for c in m.competencies),
    }


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise ValidationError(f"Contact hours {value!r} is not a number.", field="contact_hours") from None
    if hours < 0 or hours > 9999:
        raise ValidationError("Contact hours must be between 0 and 9999.", field="contact_hours")
    return hours


def _months(value: Any, what: str, field: str) -> int | None:
    if value in (None, "", 0):
        return None
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} must be a whole number of months.", field=field) from None
    if months <= 0 or months > 600:
        raise ValidationError(f"{what} must be between 1 and 600 months.", field=field)
    return months


def create_module(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    title: str,
    description: str = "",
    kind: str = "e_learning",
    contact_hours: Any = 0,
    validity_months: Any = None,
    requires_verification: bool = False,
    requires_enrolment: bool = False,
    competency_codes: list[str] | None = None,
) -> Result[ModuleRow]:
    with uow:
        require(actor, "catalog.edit")
        session = uow.session
        code = required_text(code, "A module code", "code", 40).upper()
        if session.scalar(select(Module.id).where(func.upper(Module.code) == code)) is not None:
            raise DuplicateError(f"A module with code {code!r} already exists.")
        if kind not in MODULE_KINDS:
            raise ValidationError(f"Kind must be one of: {', '.join(MODULE_KINDS)}.", field="kind")
        module = Module(
            code=code,
            title=required_text(title, "A title", "title"),
            description=free_text(description, "The description", "description"),
            kind=kind,
            contact_hours=_hours(contact_hours),
            validity_months=_months(validity_months, "Validity", "validity_months"),
            requires_verification=requires_verification,
            requires_enrolment=requires_enrolment,
        )
        module.competencies = _competencies(session, competency_codes or [])
        session.add(module)
        session.flush()
        audit.record(session, actor, "module.create", "module", module.id, after=_module_snapshot(module))
        row = _module_row(module)
        uow.commit()
        return Result(row, Change.CATALOG | Change.AUDIT)


def update_module(
    uow: UnitOfWork, actor: Actor, module_id: int, *, expected_version: int | None = None, **changes: Any
) -> Result[ModuleRow]:
    """Change any of title, description, kind, contact_hours, validity_months, requires_verification,
    requires_enrolment, active, competency_codes."""
    allowed = {
        "title",
        "description",
        "kind",
        "contact_hours",
        "validity_months",
        "requires_verification",
        "requires_enrolment",
        "active",
        "competency_codes",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Modules have no field(s) {', '.join(sorted(unknown))}.")
    with uow:
        require(actor, "catalog.edit")
        session = uow.session
        module = get_or_404(session, Module, module_id, "module")
        check_version(module, expected_version, f"The module {module.code}")
        before = _module_snapshot(module)
        if "title" in changes:
            module.title = required_text(changes["title"], "A title", "title")
        if "description" in changes:
            module.description = free_text(changes["description"], "The description", "description")
        if "kind" in changes:
            if changes["kind"] not in MODULE_KINDS:
                raise ValidationError(f"Kind must be one of: {', '.join(MODULE_KINDS)}.", field="kind")
            module.kind = changes["kind"]
        if "contact_hours" in changes:
            module.contact_hours = _hours(changes["contact_hours"])
        if "validity_months" in changes:
            module.validity_months = _months(changes["validity_months"], "Validity", "validity_months")
        for flag in ("requires_verification", "requires_enrolment", "active"):
            if flag in changes:
                setattr(module, flag, bool(changes[flag]))
        if "competency_codes" in changes:
            module.competencies = _competencies(session, changes["competency_codes"] or [])
        after = _module_snapshot(module)
        if after == before:
            return Result(_module_row(module), Change.NONE)
        audit.record(session, actor, "module.update", "module", module.id, before=before, after=after)
        session.flush()
        row = _module_row(module)
        uow.commit()
        return Result(row, Change.CATALOG | Change.AUDIT)


def list_modules(uow: UnitOfWork, actor: Actor, *, include_inactive: bool = True) -> list[ModuleRow]:
    with uow:
        require(actor, "read")
        stmt = select(Module).options(selectinload(Module.competencies)).order_by(Module.code)
        if not include_inactive:
            stmt = stmt.where(Module.active.is_(True))
        return [_module_row(m) for m in uow.session.scalars(stmt)]


# Credentials ---------------------------------------------------------------------------------


def _credential_row(c: Credential) -> CredentialRow:
    return CredentialRow(
        c.id,
        c.code,
        c.title,
        c.description,
        c.criteria,
        c.validity_months,
        c.min_assessor_professions,
        c.template,
        c.active,
        [requirement_row(r) for r in c.requirements],
        c.version,
    )


def _credential_snapshot(c: Credential) -> dict[str, Any]:
    return {
        "code": c.code,
        "title": c.title,
        "description": c.description,
        "criteria": c.criteria,
        "validity_months": c.validity_months,
        "min_assessor_professions": c.min_assessor_professions,
        "template": c.template,
        "active": c.active,
        "requirements": [requirement_row(r).describe for r in c.requirements],
    }


def _validate_credential_fields(fields: dict[str, Any]) -> None:
    if "min_assessor_professions" in fields:
        value = fields["min_assessor_professions"]
        if value in (None, "", 0):
            fields["min_assessor_professions"] = None
        else:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ValidationError(
                    "The minimum number of assessor professions must be a whole number.",
                    field="min_assessor_professions",
                ) from None
            if number < 1 or number > 20:
                raise ValidationError(
                    "The minimum number of assessor professions must be 1–20.", field="min_assessor_professions"
                )
            fields["min_assessor_professions"] = number
    if "validity_months" in fields:
        fields["validity_months"] = _months(fields["validity_months"], "Validity", "validity_months")


def create_credential(
    uow: UnitOfWork,
    actor: Actor,
    *,
    code: str,
    title: str,
    requirements: list[RequirementSpec],
    description: str = "",
    criteria: str = "",
    validity_months: Any = None,
    min_assessor_professions: Any = None,
    template: str = "standard",
) -> Result[CredentialRow]:
    with uow:
        require(actor, "catalog.edit")
        session = uow.session
        code = required_text(code, "A credential code", "code", 40).upper()
        if session.scalar(select(Credential.id).where(func.upper(Credential.code) == code)) is not None:
            raise DuplicateError(f"A credential with code {code!r} already exists.")
        fields = {"validity_months": validity_months, "min_assessor_professions": min_assessor_professions}
        _validate_credential_fields(fields)
        credential = Credential(
            code=code,
            title=required_text(title, "A title", "title"),
            description=free_text(description, "The description", "description"),
            criteria=free_text(criteria, "The criteria", "criteria"),
            template=template,
            **fields,
        )
        credential.requirements = build_requirements(session, requirements)
        session.add(credential)
        session.flush()
        audit.record(
            session, actor, "credential.create", "credential", credential.id, after=_credential_snapshot(credential)
        )
        row = _credential_row(credential)
        uow.commit()
        return Result(row, Change.CATALOG | Change.AUDIT)


def update_credential(
    uow: UnitOfWork,
    actor: Actor,
    credential_id: int,
    *,
    expected_version: int | None = None,
    requirements: list[RequirementSpec] | None = None,
    **changes: Any,
) -> Result[CredentialRow]:
    """Change title, description, criteria, validity_months, min_assessor_professions, template, active,
    and/or replace the requirements. Certificates already issued keep their own snapshot."""
    allowed = {"title", "description", "criteria", "validity_months", "min_assessor_professions", "template", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Credentials have no field(s) {', '.join(sorted(unknown))}.")
    with uow:
        require(actor, "catalog.edit")
        session = uow.session
        credential = get_or_404(session, Credential, credential_id, "credential")
        check_version(credential, expected_version, f"The credential {credential.code}")
        before = _credential_snapshot(credential)
        _validate_credential_fields(changes)
        if "title" in changes:
            changes["title"] = required_text(changes["title"], "A title", "title")
        for key in ("description", "criteria", "template"):
            if isinstance(changes.get(key), str):
                changes[key] = free_text(changes[key], f"The {key}", key)
        for key, value in changes.items():
            setattr(credential, key, value)
        if requirements is not None:
            credential.requirements.clear()
            session.flush()
            credential.requirements.extend(build_requirements(session, requirements))
        session.flush()
        session.expire(credential, ["requirements"])
        after = _credential_snapshot(credential)
        if after == before:
            return Result(_credential_row(credential), Change.NONE)
        audit.record(session, actor, "credential.update", "credential", credential.id, before=before, after=after)
        row = _credential_row(credential)
        uow.commit()
        return Result(row, Change.CATALOG | Change.AUDIT)


def _credential_query():
    return select(Credential).options(
        selectinload(Credential.requirements).options(
            selectinload(CredentialRequirement.module),
            selectinload(CredentialRequirement.competency),
            selectinload(CredentialRequirement.scale),
            selectinload(CredentialRequirement.min_level),
        )
    )


def list_credentials(uow: UnitOfWork, actor: Actor, *, include_inactive: bool = True) -> list[CredentialRow]:
    with uow:
        require(actor, "read")
        stmt = _credential_query().order_by(Credential.code)
        if not include_inactive:
            stmt = stmt.where(Credential.active.is_(True))
        return [_credential_row(c) for c in uow.session.scalars(stmt)]


def get_credential(uow: UnitOfWork, actor: Actor, code_or_id: str | int) -> CredentialRow:
    with uow:
        require(actor, "read")
        stmt = _credential_query()
        if isinstance(code_or_id, int):
            stmt = stmt.where(Credential.id == code_or_id)
        else:
            stmt = stmt.where(func.upper(Credential.code) == clean(code_or_id).upper())
        credential = uow.session.scalar(stmt)
        if credential is None:
            raise NotFoundError(f"No credential {code_or_id!r}.")
        return _credential_row(credential)

"""Reminder rules as editable data: the default, and one per credential or module that overrides it; and
the unit educator copied on a unit's learners' reminders when a rule asks for it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError, ValidationError
from credtrack.models import Credential, Module, ReminderRule, Unit, unit_key
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import clean
from credtrack.services.people import _email as checked_email
from credtrack.services.permissions import Actor, require
from credtrack.services.reminders.schedule import CREDENTIAL, DEFAULT_RULE, MODULE, Rule, Subject, parse_days

DEFAULT = "default"


@dataclass(frozen=True)
class RuleRow:
    scope: str  # "default", "credential" or "module"
    code: str  # the credential's or module's code ("" for the default)
    title: str
    rule: Rule
    stored: bool  # False: the default as credtrack ships it

    def describe(self) -> str:
        r = self.rule
        if not r.enabled:
            return "off"
        parts = [", ".join(str(d) for d in r.days_before) + " days before"] if r.days_before else []
        parts += ["on expiry"] * r.on_expiry + ["when overdue"] * r.overdue
        return "; ".join(parts) + ("; copy unit educator" if r.copy_educator else "")


def _rule(row: ReminderRule) -> Rule:
    days = parse_days(row.days_before) if row.days_before else ()
    return Rule(days, row.on_expiry, row.overdue, row.enabled, row.copy_educator)


@dataclass(frozen=True)
class Rules:
    """The rules in force: the default and the overrides, by subject."""

    default: Rule
    by_credential: dict[int, Rule]
    by_module: dict[int, Rule]

    def of(self, subject: Subject) -> Rule:
        table = self.by_credential if subject.kind == CREDENTIAL else self.by_module
        return table.get(subject.subject_id, self.default)


def load_rules(session: Session) -> Rules:
    default, credentials, modules = DEFAULT_RULE, {}, {}
    for row in session.scalars(select(ReminderRule)):
        if row.scope == DEFAULT:
            default = _rule(row)
        elif row.scope == CREDENTIAL:
            assert row.credential_id is not None
            credentials[row.credential_id] = _rule(row)
        else:
            assert row.module_id is not None
            modules[row.module_id] = _rule(row)
    return Rules(default, credentials, modules)


def list_rules(uow: UnitOfWork, actor: Actor) -> list[RuleRow]:
    """The default rule first, then each credential's and module's own rule."""
    with uow:
        require(actor, "reminders.read")
        session = uow.session
        rows = {r.scope_key: r for r in session.scalars(select(ReminderRule))}
        default = rows.get(DEFAULT)
        out = [
            RuleRow(
                DEFAULT,
                "",
                "Every credential and module without a rule of its own",
                _rule(default) if default else DEFAULT_RULE,
                default is not None,
            )
        ]
        for r in sorted(rows.values(), key=lambda r: r.scope_key):
            if r.credential_id is not None:
                c = session.get(Credential, r.credential_id)
                assert c is not None
                out.append(RuleRow(CREDENTIAL, c.code, c.title, _rule(r), True))
            elif r.module_id is not None:
                m = session.get(Module, r.module_id)
                assert m is not None
                out.append(RuleRow(MODULE, m.code, m.title, _rule(r), True))
        return out


def set_rule(
    uow: UnitOfWork,
    actor: Actor,
    *,
    credential_code: str | None = None,
    module_code: str | None = None,
    days_before: str | None = None,
    on_expiry: bool | None = None,
    overdue: bool | None = None,
    enabled: bool | None = None,
    copy_educator: bool | None = None,
) -> Result[RuleRow]:
    """Set the reminder rule of a credential, a module, or (naming neither) the default. What is not given
    keeps its current value (a credential or module without a rule starts from the default)."""
    if credential_code and module_code:
        raise ValidationError("Name a credential or a module, not both.")
    with uow:
        require(actor, "reminders.edit")
        session = uow.session
        target: Credential | Module | None = None
        scope, code, title = DEFAULT, "", "Every credential and module without a rule of its own"
        if credential_code:
            target = session.scalar(select(Credential).where(Credential.code == clean(credential_code).upper()))
            if target is None:
                raise NotFoundError(f"No credential with code {credential_code!r}.")
            scope, code, title = CREDENTIAL, target.code, target.title
        elif module_code:
            target = session.scalar(select(Module).where(Module.code == clean(module_code).upper()))
            if target is None:
                raise NotFoundError(f"No module with code {module_code!r}.")
            scope, code, title = MODULE, target.code, target.title
        key = DEFAULT if target is None else f"{scope}:{target.id}"
        row = session.scalar(select(ReminderRule).where(ReminderRule.scope_key == key))
        start = _rule(row) if row else load_rules(session).default
        days = start.days_before
        if days_before is not None:
            try:
                days = parse_days(days_before)
            except ValueError as exc:
                raise ValidationError(f"Days before the expiry: {exc}", field="days_before") from exc
        new = Rule(
            days,
            start.on_expiry if on_expiry is None else on_expiry,
            start.overdue if overdue is None else overdue,
            start.enabled if enabled is None else enabled,
            start.copy_educator if copy_educator is None else copy_educator,
        )
        values = {
            "days_before": ",".join(str(d) for d in new.days_before),
            "on_expiry": new.on_expiry,
            "overdue": new.overdue,
            "enabled": new.enabled,
            "copy_educator": new.copy_educator,
        }
        before = None
        if row is None:
            row = ReminderRule(
                scope=scope,
                scope_key=key,
                credential_id=target.id if isinstance(target, Credential) else None,
                module_id=target.id if isinstance(target, Module) else None,
                **values,
            )
            session.add(row)
        else:
            before = {k: getattr(row, k) for k in values}
            for k, v in values.items():
                setattr(row, k, v)
        session.flush()
        audit.record(session, actor, "reminder.rule", "reminder_rule", key, before=before, after=values)
        uow.commit()
        return Result(RuleRow(scope, code, title, new, True), Change.SETTINGS | Change.AUDIT)


def set_unit_educator(uow: UnitOfWork, actor: Actor, unit_name: str, email: str | None) -> Result[str | None]:
    """The e-mail address copied on the unit's learners' reminders (when their rule says so); None clears it."""
    address = checked_email(clean(email))  # the same check as a person's address
    with uow:
        require(actor, "units.edit")
        session = uow.session
        unit = session.scalar(select(Unit).where(Unit.name_key == unit_key(clean(unit_name))))
        if unit is None:
            raise NotFoundError(f"No unit named {unit_name!r}.")
        before = unit.educator_email
        unit.educator_email = address
        session.flush()
        audit.record(
            session,
            actor,
            "unit.educator_email",
            "unit",
            unit.id,
            before={"educator_email": before},
            after={"educator_email": address},
        )
        uow.commit()
        return Result(address, Change.PEOPLE | Change.SETTINGS | Change.AUDIT)


@dataclass(frozen=True)
class UnitEducator:
    unit: str
    email: str | None  # copied on the unit's learners' reminders when their rule says so


def unit_educators(uow: UnitOfWork, actor: Actor) -> list[UnitEducator]:
    """Every active unit with the educator address its learners' reminders may be copied to, by name."""
    with uow:
        require(actor, "reminders.read")
        return [
            UnitEducator(name, email)
            for name, email in uow.session.execute(
                select(Unit.name, Unit.educator_email).where(Unit.active.is_(True)).order_by(Unit.name_key)
            )
        ]

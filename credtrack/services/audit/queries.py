"""Reading the audit log for screens and reports: filtered event lists and the chain check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select

from credtrack.db import UnitOfWork
from credtrack.models import AuditEvent
from credtrack.services.audit import check as audit_check
from credtrack.services.permissions import Actor, require
from credtrack.text import for_search

DEFAULT_LIMIT = 5000


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: dt.datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: str
    after: str
    reauthenticated: bool
    note: str

    @property
    def entity(self) -> str:
        return f"{self.entity_type} {self.entity_id}".strip()


def list_events(
    uow: UnitOfWork,
    actor: Actor,
    *,
    text: str = "",
    action: str = "",
    actor_name: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[AuditRow]:
    """Newest first. ``action`` matches a whole action or a prefix ending in '.' ("user.")."""
    with uow:
        require(actor, "audit.read")
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if action:
            query = query.where(
                AuditEvent.action.startswith(action) if action.endswith(".") else AuditEvent.action == action
            )
        if actor_name:
            query = query.where(AuditEvent.actor == actor_name)
        if since is not None:
            query = query.where(AuditEvent.occurred_at >= dt.datetime.combine(since, dt.time.min))
        if until is not None:
            query = query.where(AuditEvent.occurred_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
        text = for_search(text).strip()
        if text:
            pattern = f"%{text}%"
            query = query.where(
                or_(
                    AuditEvent.entity_id.ilike(pattern),
                    AuditEvent.note.ilike(pattern),
                    AuditEvent.before_json.ilike(pattern),
                    AuditEvent.after_json.ilike(pattern),
                )
            )
        return [
            AuditRow(
                e.id,
                e.occurred_at,
                e.actor,
                e.action,
                e.entity_type,
                e.entity_id,
                e.before_json or "",
                e.after_json or "",
                e.reauthenticated,
                e.note,
            )
            for e in uow.session.scalars(query)
        ]


def filter_choices(uow: UnitOfWork, actor: Actor) -> tuple[list[str], list[str]]:
    """The distinct actions and actor names present in the log, for filter lists."""
    with uow:
        require(actor, "audit.read")
        actions = sorted(uow.session.scalars(select(AuditEvent.action).distinct()))
        actors = sorted(uow.session.scalars(select(AuditEvent.actor).distinct()))
        return actions, actors


def verify_chain(uow: UnitOfWork, actor: Actor) -> audit_check.Verdict:
    """The whole audit check, as ``credtrack-cli audit verify``: links, checkpoints, records against the log."""
    with uow:
        require(actor, "audit.read")
        return audit_check.verify(uow.session)

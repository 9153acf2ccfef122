"""What reminders were queued, sent, failed or cancelled, and settling those an interrupted run left sending."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError, ValidationError
from credtrack.models import Person, Reminder, utcnow
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import Actor, require
from credtrack.services.reminders.outbox import describe, step_label


@dataclass(frozen=True)
class HistoryRow:
    id: int
    external_id: str
    name: str
    subject_kind: str
    subject_id: int
    step: str
    about_on: dt.date
    state: str
    attempts: int
    last_error: str | None
    queued_at: dt.datetime
    sent_at: dt.datetime | None
    cancel_reason: str | None
    recipient: str
    copy_to: str
    subject: str
    body: str

    @property
    def step_label(self) -> str:
        return step_label(self.step)


def _history_rows(session: Session, *where: Any, limit: int | None = None) -> list[HistoryRow]:
    stmt = (
        select(Reminder, Person.external_id, Person.full_name)
        .join(Person, Person.id == Reminder.person_id)
        .where(*where)
        .order_by(Reminder.queued_at.desc(), Reminder.id.desc())
        .limit(limit)
    )
    return [
        HistoryRow(
            r.id,
            ext,
            name,
            r.subject_kind,
            r.subject_id,
            r.step,
            r.about_on,
            r.state,
            r.attempts,
            r.last_error,
            r.queued_at,
            r.sent_at,
            r.cancel_reason,
            r.recipient,
            r.copy_to,
            r.subject,
            r.body,
        )  # fmt: skip
        for r, ext, name in session.execute(stmt)
    ]


def history(uow: UnitOfWork, actor: Actor, *, limit: int = 1000) -> list[HistoryRow]:
    """Reminders queued, sent, failed or cancelled, the newest first."""
    with uow:
        require(actor, "reminders.read")
        return _history_rows(uow.session, limit=limit)


def settle_interrupted(uow: UnitOfWork, actor: Actor, reminder_id: int, *, was_sent: bool) -> Result[HistoryRow]:
    """A reminder a run left "sending" (it stopped between handing it to the server and hearing back): once
    someone has checked the mail server's log, record it as sent, or put it back in the queue to go again."""
    with uow:
        require(actor, "reminders.send")
        session = uow.session
        row = session.get(Reminder, reminder_id)
        if row is None:
            raise NotFoundError(f"No reminder {reminder_id}.")
        if row.state != "sending":
            raise ValidationError(
                f"Reminder {reminder_id} is {row.state}, not left sending by an interrupted run; nothing to settle."
            )
        if was_sent:
            row.state, row.sent_at, row.last_error = "sent", utcnow(), None
        else:
            row.state, row.last_error = "queued", "Put back in the queue after an interrupted run."
        session.flush()
        action = "reminder.settled_sent" if was_sent else "reminder.requeued"
        audit.record(session, actor, action, "reminder", row.id, after={**describe(row), "state": row.state})
        uow.commit()
        (found,) = [h for h in _history_rows(session, Reminder.id == row.id)]
        return Result(found, Change.AUDIT)

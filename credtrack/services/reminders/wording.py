"""The wording of reminders: one editable template per kind of step, its placeholders, and rendering.

Placeholders are written in braces (``{name}``); a literal brace is doubled (``{{``). Saving a template
with a placeholder that does not exist is refused, naming it and the ones that do.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import ValidationError
from credtrack.models import ReminderTemplate
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import refuse_controls
from credtrack.services.permissions import Actor, require

KINDS = ("before", "on_expiry", "overdue")
KIND_LABELS = {"before": "Before expiry", "on_expiry": "On expiry", "overdue": "Overdue"}
PLACEHOLDERS = {
    "name": "the learner's name",
    "credential": "the credential's or module's title",
    "date": "the expiry or due date",
    "days": 'how long until the expiry: "16 days", "1 day", "today"',
    "still_needed": "what is still needed, from the learner's progress checklist",
    "unit": "the learner's unit",
    "institution": "the institution's name (Settings › Institution)",
}
MAX_SUBJECT = 300
MAX_BODY = 10_000

_SIGN_OFF = "\n\nWith thanks,\nThe education team\n{institution}\n"
DEFAULTS: dict[str, tuple[str, str]] = {
    "before": (
        "Reminder: your {credential} expires on {date}",
        "Dear {name},\n\n"
        "Your {credential} expires on {date}, in {days}. To keep it current, this is what is still "
        "needed:\n\n{still_needed}\n\n"
        "If you have already done this, thank you: it will show once it is recorded. If you are unsure what "
        "to do or need a session booked, please ask your unit educator." + _SIGN_OFF,
    ),
    "on_expiry": (
        "Your {credential} expires today",
        "Dear {name},\n\n"
        "Your {credential} expires today, {date}. From tomorrow it no longer counts as current for your "
        "role on {unit}. To renew it, this is what is still needed:\n\n{still_needed}\n\n"
        "Please speak to your unit educator as soon as you can so that a session can be arranged." + _SIGN_OFF,
    ),
    "overdue": (
        "Overdue: {credential} was due on {date}",
        "Dear {name},\n\n"
        "{credential} was due to be completed by {date} and is not complete yet. This is what is still "
        "needed:\n\n{still_needed}\n\n"
        "If something is stopping you from finishing (shifts, access to a session, a sign-off not yet "
        "recorded), please tell your unit educator so we can help." + _SIGN_OFF,
    ),
}


@dataclass(frozen=True)
class Template:
    kind: str
    subject: str
    body: str
    edited: bool  # False: the wording credtrack ships

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def placeholders_in(text: str, what: str, field: str) -> set[str]:
    """The placeholders ``text`` uses; a malformed brace or an unknown placeholder is refused."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(
            f"{what} has a brace out of place ({exc}). Write placeholders as {{name}} and a literal brace as {{{{.",
            field=field,
        ) from exc
    used: set[str] = set()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            raise ValidationError(
                f"{what} uses {{{name}}}, which is not a placeholder. Use one of: {known}.", field=field
            )
        used.add(name)
    return used


def format_date(day: dt.date) -> str:
    """A date no reader can misread whatever their country's order: "7 March 2027"."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def render(template: Template, values: Mapping[str, str]) -> tuple[str, str]:
    """The subject (one line) and body of a message from its template."""
    subject = template.subject.format_map(values)
    return " ".join(subject.split()), template.body.format_map(values).rstrip() + "\n"


def load_templates(session: Session) -> dict[str, Template]:
    stored = {t.kind: t for t in session.scalars(select(ReminderTemplate))}
    out = {}
    for kind in KINDS:
        row = stored.get(kind)
        subject, body = (row.subject, row.body) if row else DEFAULTS[kind]
        out[kind] = Template(kind, subject, body, row is not None)
    return out


def list_templates(uow: UnitOfWork, actor: Actor) -> list[Template]:
    with uow:
        require(actor, "reminders.read")
        return list(load_templates(uow.session).values())


def set_template(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    *,
    subject: str | None = None,
    body: str | None = None,
    reset: bool = False,
) -> Result[Template]:
    """Change the wording of one kind of reminder (``reset``: back to the wording credtrack ships)."""
    if kind not in KINDS:
        raise ValidationError(f"No reminder template {kind!r}; the templates are {', '.join(KINDS)}.", field="kind")
    with uow:
        require(actor, "reminders.edit")
        session = uow.session
        current = load_templates(session)[kind]
        if reset:
            new_subject, new_body = DEFAULTS[kind]
        else:
            new_subject = current.subject if subject is None else subject.strip()
            new_body = current.body if body is None else body.strip() + "\n"
        if not new_subject:
            raise ValidationError("The subject cannot be empty.", field="subject")
        if "\n" in new_subject or len(new_subject) > MAX_SUBJECT:
            raise ValidationError(f"The subject must be one line of at most {MAX_SUBJECT} characters.", field="subject")
        if not new_body.strip() or len(new_body) > MAX_BODY:
            raise ValidationError(f"The body must have some text and at most {MAX_BODY} characters.", field="body")
        refuse_controls(new_subject, "The subject", "subject")
        refuse_controls(new_body.replace("\n", " ").replace("\t", " "), "The body", "body")
        placeholders_in(new_subject, "The subject", "subject")
        placeholders_in(new_body, "The body", "body")
        row = session.get(ReminderTemplate, kind)
        before = {"subject": current.subject, "body": current.body}
        if row is None:
            row = ReminderTemplate(kind=kind, subject=new_subject, body=new_body)
            session.add(row)
        else:
            row.subject, row.body = new_subject, new_body
        session.flush()
        audit.record(
            session,
            actor,
            "reminder.template",
            "reminder_template",
            kind,
            before=before,
            after={"subject": new_subject, "body": new_body},
        )
        uow.commit()
        return Result(Template(kind, new_subject, new_body, True), Change.SETTINGS | Change.AUDIT)

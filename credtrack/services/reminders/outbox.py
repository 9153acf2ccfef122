"""What is due today, with each message as it will be sent; sending it; and the history of what was sent.

A reminder is kept as a row keyed by person, subject, step and the date it is about, so each step goes at
most once. Sending runs in three steps: the due reminders are queued and marked "sending" in one
transaction; the batch is handed to the mail server; each one's outcome (sent, or failed with the server's
answer) is recorded as the answers come, a few dozen to a transaction. A failed one stays queued for the
next run; one whose date has moved since (a renewal, a new completion) or that is no longer due (earned,
left) is cancelled, not sent.
A run interrupted between the hand-over and the record leaves its reminders "sending": they are shown, not
sent again, since the server may already have them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.db import Database, UnitOfWork
from credtrack.models import Reminder, utcnow
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import Check, no_check
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.reminders.compose import Composer, Message
from credtrack.services.reminders.rules import load_rules
from credtrack.services.reminders.schedule import ON_EXPIRY, OVERDUE, DueStep, days_of, schedule
from credtrack.services.reminders.subjects import Holder, active_people, read_subjects, titles
from credtrack.services.reminders.wording import load_templates
from credtrack.writers import serialise_writers

NO_ADDRESS = "No e-mail address on record: add one on the person's page, then send again."
PENDING = ("queued", "failed")


def step_label(step: str) -> str:
    days = days_of(step)
    if days is not None:
        return f"{days} days before expiry"
    return {ON_EXPIRY: "On expiry", OVERDUE: "Overdue"}.get(step, step)


@dataclass(frozen=True)
class DueReminder:
    """One reminder due today, with its message as it will be sent."""

    reminder_id: int | None  # None: not queued yet
    person_id: int
    external_id: str
    name: str
    subject_kind: str
    subject_code: str
    subject_title: str
    step: str
    about_on: dt.date
    due_on: dt.date
    state: str  # "new", "queued", "failed" or "sending" (an interrupted run's: not sent again)
    attempts: int
    last_error: str | None
    to: str | None
    copy_to: str | None
    subject: str
    body: str

    @property
    def step_label(self) -> str:
        return step_label(self.step)

    @property
    def problem(self) -> str | None:
        return None if self.to else NO_ADDRESS


@dataclass
class _Plan:
    due: list[tuple[DueStep, Holder, Message]]
    rows: dict[tuple, Reminder]  # every reminder row, by key
    titles: dict
    dates: dict[tuple, dt.date]  # (person, subject kind, subject id) -> the date it is about today


def _key(r: Reminder) -> tuple:
    return (r.person_id, r.subject_kind, r.subject_id, r.step, r.about_on)


_CHUNK = 5000


def _rows_concerned(session: Session, steps: list[DueStep]) -> dict[tuple, Reminder]:
    """The reminders a run needs, by key: every one still pending (to send, or cancel), and those of today's
    steps (sent ones are not sent again) — not the whole history, which grows by the day."""
    rows = {_key(r): r for r in session.scalars(select(Reminder).where(Reminder.state.in_((*PENDING, "sending"))))}
    people = sorted({d.subject.person_id for d in steps})
    wanted = {d.key for d in steps}
    for start in range(0, len(people), _CHUNK):
        chunk = people[start : start + _CHUNK]
        for r in session.scalars(select(Reminder).where(Reminder.person_id.in_(chunk))):
            if _key(r) in wanted:
                rows[_key(r)] = r
    return rows


def _plan(session: Session, today: dt.date) -> _Plan:
    subjects = read_subjects(session, today)
    rules = load_rules(session)
    steps = schedule(subjects, rules.of, today)
    holders = active_people(session, today, sorted({d.subject.person_id for d in steps})) if steps else {}
    named = titles(session, [d.subject for d in steps])
    composer = Composer(session, today, rules, load_templates(session), named, sorted(holders))
    rows = _rows_concerned(session, steps)
    due = []
    for d in steps:
        existing = rows.get(d.key)
        if existing is not None and existing.state == "sent":
            continue  # at most once per step
        holder = holders[d.subject.person_id]
        due.append((d, holder, composer.message(d, holder)))
    dates = {(s.person_id, s.kind, s.subject_id): s.on for s in subjects}
    return _Plan(due, rows, named, dates)


def _due_row(d: DueStep, holder: Holder, m: Message, row: Reminder | None, named: dict) -> DueReminder:
    s = d.subject
    code, title = named[(s.kind, s.subject_id)]
    state = "new" if row is None or row.state == "cancelled" else row.state
    return DueReminder(
        row.id if row is not None else None,
        s.person_id,
        holder.external_id,
        holder.name,
        s.kind,
        code,
        title,
        d.step,
        s.on,
        d.due_on,
        state,
        row.attempts if row is not None else 0,
        row.last_error if row is not None else None,
        m.to,
        m.copy_to,
        m.subject,
        m.body,
    )


def due_reminders(uow: UnitOfWork, actor: Actor, today: dt.date | None = None) -> list[DueReminder]:
    """Every reminder due today that has not been sent, with its message. Writes nothing."""
    with uow:
        require(actor, "reminders.read")
        plan = _plan(uow.session, today or _today())
        return [_due_row(d, h, m, plan.rows.get(d.key), plan.titles) for d, h, m in plan.due]


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    without_address: int = 0
    interrupted: int = 0  # left "sending" by an earlier run: not sent again
    left_queued: int = 0  # never tried (the server stopped first): queued for the next run
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{self.sent} sent", f"{self.failed} failed (kept to retry)"]
        if self.left_queued:
            parts.append(f"{self.left_queued} not tried (still queued)")
        if self.cancelled:
            parts.append(f"{self.cancelled} cancelled (no longer due)")
        if self.without_address:
            parts.append(f"{self.without_address} waiting for an e-mail address")
        if self.interrupted:
            parts.append(f"{self.interrupted} from an interrupted run not sent again")
        return ", ".join(parts) + "."


# Hands a batch to the mail server in order: calls ``answered(index, None)`` for each message the server
# accepted and ``answered(index, reason)`` for each it refused, as soon as it answers; calls ``check()``
# before each message (it raises to cancel); returns why it stopped before the end ("" if it did not).
Answered = Callable[[int, str | None], None]
Sender = Callable[[Sequence[EmailMessage], Answered, Check], str]


def _email(r: Reminder) -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = r.recipient
    if r.copy_to:
        msg["Cc"] = r.copy_to
    msg["Subject"] = r.subject
    msg.set_content(r.body)
    return msg


def describe(r: Reminder) -> dict:
    return {
        "person_id": r.person_id,
        "subject": f"{r.subject_kind}:{r.subject_id}",
        "step": r.step,
        "about_on": r.about_on,
    }


def _message_of(r: Reminder) -> tuple:
    return (r.state, r.recipient, r.copy_to, r.subject, r.body)


def _cancel_reason(row: Reminder, plan: _Plan) -> str:
    on = plan.dates.get((row.person_id, row.subject_kind, row.subject_id))
    if on is not None and on != row.about_on:
        return f"The date moved to {on.isoformat()} (renewed or completed again)."
    for d, _h, _m in plan.due:
        s = d.subject
        if (s.person_id, s.kind, s.subject_id, s.on) == (row.person_id, row.subject_kind, row.subject_id, on):
            return f"Superseded by the {step_label(d.step).lower()} reminder."
    return "No longer due (earned, renewed, no longer assigned or no longer active)."


def queue_due(uow: UnitOfWork, actor: Actor, today: dt.date, report: SendReport) -> list[Reminder]:
    """Queue today's reminders, cancel those no longer due, and mark those to send now "sending"."""
    with uow:
        require(actor, "reminders.send")
        session = uow.session
        # Two workstations sending at once: the second waits here for the first to commit, then reads its
        # reminders as "sending" or sent, and sends none of them again (SQLite's writers queue by themselves).
        serialise_writers(session)
        plan = _plan(session, today)
        planned = {d.key: d for d, _h, _m in plan.due}
        entries: list[audit.Entry] = []
        for row in plan.rows.values():
            if row.state in PENDING and _key(row) not in planned:
                row.state, row.cancelled_at = "cancelled", utcnow()
                row.cancel_reason = _cancel_reason(row, plan)
                report.cancelled += 1
                entries.append(
                    audit.Entry(
                        "reminder.cancel", "reminder", row.id, after={**describe(row), "reason": row.cancel_reason}
                    )
                )
        to_send: list[Reminder] = []
        new: list[Reminder] = []
        refreshed: list[Reminder] = []
        for d, _holder, m in plan.due:
            found = plan.rows.get(d.key)
            if found is not None and found.state == "sending":
                report.interrupted += 1
                continue
            if found is not None:
                row = found
            else:
                s = d.subject
                row = Reminder(
                    person_id=s.person_id,
                    subject_kind=s.kind,
                    subject_id=s.subject_id,
                    step=d.step,
                    about_on=s.on,
                    due_on=d.due_on,
                    attempts=0,
                    queued_at=utcnow(),
                )
                session.add(row)
                new.append(row)
            was = _message_of(row) if found is not None else None
            row.state = "queued" if row.state in (None, "cancelled") else row.state
            row.cancelled_at = row.cancel_reason = None
            row.recipient, row.copy_to = m.to or "", m.copy_to or ""
            row.subject, row.body = m.subject, m.body
            if m.to:
                row.state = "sending"
                to_send.append(row)
            else:
                report.without_address += 1
                if was is not None and was != _message_of(row):
                    refreshed.append(row)  # worded again (a template, an address or a unit changed)
        session.flush()  # one flush for every new reminder, which gives them their ids
        entries += [audit.Entry("reminder.queue", "reminder", row.id, after=describe(row)) for row in new]
        # Every reminder this transaction changes is named by an event, so the log vouches for its row.
        if refreshed:
            ids = [row.id for row in refreshed]
            entries.append(audit.Entry("reminder.reworded", "reminder", "", after={"reminders": ids}))
        if to_send:
            ids = [row.id for row in to_send]
            entries.append(audit.Entry("reminder.sending", "reminder", "", after={"reminders": ids}))
        if entries:
            audit.record_many(session, actor, entries)
        uow.commit()
        for row in to_send:
            session.expunge(row)
        return to_send


def _record_outcomes(uow: UnitOfWork, actor: Actor, answers: list[tuple[int, str | None]], report: SendReport) -> None:
    """Reminders the server answered for: sent, or failed with its reason (kept to be tried again)."""
    if not answers:
        return
    with uow:
        require(actor, "reminders.send")
        session = uow.session
        entries = []
        for reminder_id, error in answers:
            row = session.get(Reminder, reminder_id)
            assert row is not None
            row.attempts += 1
            if error is None:
                row.state, row.sent_at, row.last_error = "sent", utcnow(), None
                report.sent += 1
                after = {**describe(row), "to": row.recipient, "copy_to": row.copy_to}
                entries.append(audit.Entry("reminder.sent", "reminder", row.id, after=after))
            else:
                row.state, row.last_error = "failed", error
                report.failed += 1
                report.errors.append(f"{row.recipient}: {error}")
                after = {**describe(row), "error": error}
                entries.append(audit.Entry("reminder.failed", "reminder", row.id, after=after))
        session.flush()
        audit.record_many(session, actor, entries)
        uow.commit()


# Answers are recorded this often. One transaction per answer cost 25 ms a message on SQLite (bench/
# bench_reminders.py); a batch costs nothing in safety: answers not yet recorded when a run stops leave their
# reminders "sending", which are never sent again until someone settles them.
RECORD_EVERY = 50
RECORD_SECONDS = 2.0


def _release(uow: UnitOfWork, actor: Actor, reminder_ids: list[int], reason: str, report: SendReport) -> None:
    """Reminders handed over but never tried (the connection dropped first, or the run was cancelled): back
    to the queue, untouched but for the reason, to go on the next run."""
    with uow:
        require(actor, "reminders.send")
        session = uow.session
        entries = []
        for rid in reminder_ids:
            row = session.get(Reminder, rid)
            assert row is not None
            row.state, row.last_error = "queued", reason
            report.left_queued += 1
            entries.append(audit.Entry("reminder.requeued", "reminder", rid, after={**describe(row), "reason": reason}))
        if entries:
            audit.record_many(session, actor, entries)
        uow.commit()


def send_reminders(
    db: Database,
    actor: Actor,
    send: Sender,
    *,
    today: dt.date | None = None,
    check: Check = no_check,
    progress: Callable[[int, int], None] | None = None,
) -> Result[SendReport]:
    """Queue and send every reminder due today; see the module's description for what a failure leaves.
    The server's answers are recorded as they come, a few dozen at a time."""
    day = today or _today()
    report = SendReport()
    batch = queue_due(db.unit_of_work(), actor, day, report)
    if not batch:
        return Result(report, Change.AUDIT)
    answered: set[int] = set()
    pending: list[tuple[int, str | None]] = []
    last = [time.monotonic()]

    def record_pending() -> None:
        _record_outcomes(db.unit_of_work(), actor, pending, report)
        pending.clear()
        last[0] = time.monotonic()

    def on_answer(index: int, error: str | None) -> None:
        answered.add(index)
        pending.append((batch[index].id, error))
        if len(pending) >= RECORD_EVERY or time.monotonic() - last[0] >= RECORD_SECONDS:
            record_pending()
        if progress is not None:
            progress(len(answered), len(batch))

    try:
        stopped = send([_email(r) for r in batch], on_answer, check)
    except BaseException:
        record_pending()
        untried = [r.id for i, r in enumerate(batch) if i not in answered]
        _release(db.unit_of_work(), actor, untried, "Sending was cancelled before this one.", report)
        raise
    record_pending()
    untried = [r.id for i, r in enumerate(batch) if i not in answered]
    if untried:
        reason = stopped or "The mail server did not answer for this one."
        _release(db.unit_of_work(), actor, untried, reason, report)
        report.errors.append(reason)
    return Result(report, Change.AUDIT)

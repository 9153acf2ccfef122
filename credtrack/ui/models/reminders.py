"""Table models for the Reminders page: what is due today, and the history of what was sent."""

from __future__ import annotations

from typing import Any

from credtrack.ui.style import BAD, MUTED, WARN
from credtrack.ui.table import Column, RowTableModel

DUE_STATES = {"new": "To send", "queued": "Queued", "failed": "Failed, will retry", "sending": "Interrupted"}
HISTORY_STATES = {
    "queued": "Queued",
    "sending": "Interrupted (not sent again)",
    "sent": "Sent",
    "failed": "Failed, will retry",
    "cancelled": "Cancelled",
}


def _due_state(row: Any) -> str:
    if row.problem:
        return "No e-mail address"
    if row.state == "failed":
        return f"Failed {row.attempts}×, will retry"
    return DUE_STATES.get(row.state, row.state)


def _due_colour(row: Any) -> str | None:
    return BAD if row.problem else WARN if row.state in ("failed", "sending") else None


class DueRemindersTableModel(RowTableModel[Any]):
    columns = (
        Column("Person", lambda r: r.name, width=150),
        Column("ID", lambda r: r.external_id, width=100),
        Column("About", lambda r: r.subject_code, width=80, tooltip=lambda r: r.subject_title),
        Column("Reminder", lambda r: r.step_label, sort_key=lambda r: r.due_on, width=140),
        Column("Date", lambda r: r.about_on, width=85),
        Column("State", _due_state, colour=_due_colour, width=150, tooltip=lambda r: r.problem or r.last_error or ""),
        Column("To", lambda r: r.to or "—"),
    )


def _history_detail(row: Any) -> str:
    if row.state == "failed" or (row.state == "queued" and row.last_error):
        return row.last_error or ""
    if row.state == "cancelled":
        return row.cancel_reason or ""
    return row.recipient + (f" (cc {row.copy_to})" if row.copy_to else "")


class ReminderHistoryTableModel(RowTableModel[Any]):
    columns = (
        Column("Queued (UTC)", lambda r: r.queued_at, width=140),
        Column("Sent (UTC)", lambda r: r.sent_at, width=140),
        Column("Person", lambda r: r.name, width=170),
        Column("Reminder", lambda r: r.step_label, width=150),
        Column("Date", lambda r: r.about_on, width=90),
        Column(
            "State",
            lambda r: HISTORY_STATES.get(r.state, r.state),
            width=170,
            colour=lambda r: BAD if r.state == "failed" else MUTED if r.state == "cancelled" else None,
        ),
        Column("Tries", lambda r: r.attempts, right=True, width=50),
        Column("Detail", _history_detail, tooltip=_history_detail),
    )

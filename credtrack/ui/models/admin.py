"""Table models for accounts and the audit log."""

from __future__ import annotations

from typing import Any

from credtrack.ui.style import BAD, MUTED
from credtrack.ui.table import Column, RowTableModel


def _user_state(row: Any) -> str:
    if not row.active:
        return "Switched off"
    if row.locked:
        return "Locked"
    return "Active"


class UsersTableModel(RowTableModel[Any]):
    columns = (
        Column("User name", lambda r: r.username, width=140),
        Column("Name", lambda r: r.display_name, width=200),
        Column("Role", lambda r: r.role.capitalize(), width=100),
        Column("Person", lambda r: r.person or "", width=220),
        Column(
            "State", _user_state, width=110, colour=lambda r: BAD if r.locked else (MUTED if not r.active else None)
        ),
        Column("Failed log-ins", lambda r: r.failed_logins, right=True, width=110),
        Column("Last log-in", lambda r: r.last_login_at),
    )


def _change(row: Any) -> str:
    text = row.after or row.before
    return text if len(text) <= 160 else text[:157] + "…"


class AuditTableModel(RowTableModel[Any]):
    columns = (
        Column("#", lambda r: r.id, right=True, width=60),
        Column("When (UTC)", lambda r: r.occurred_at, width=140),
        Column("Who", lambda r: r.actor, width=110),
        Column("Action", lambda r: r.action, width=170),
        Column("Record", lambda r: r.entity, width=140),
        Column(
            "Signed",
            lambda r: "✔" if r.reauthenticated else "",
            width=60,
            tooltip=lambda r: "Password re-entered (e-signature)" if r.reauthenticated else "",
        ),
        Column("Change", _change, tooltip=lambda r: f"Before: {r.before or '—'}\nAfter: {r.after or '—'}"),
    )
    # An exported log keeps every changed value in full, and the note.
    export_columns = (
        *columns[:5],
        Column("Signed", lambda r: r.reauthenticated),
        Column("Note", lambda r: r.note),
        Column("Before", lambda r: r.before),
        Column("After", lambda r: r.after),
    )

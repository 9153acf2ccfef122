"""Table model for a person's improvement work (QI projects, safety event reviews, huddles, teach-backs)."""

from __future__ import annotations

from typing import Any

from credtrack.ui.style import GOOD, MUTED, WARN
from credtrack.ui.table import Column, RowTableModel


def _dates(r: Any) -> str:
    return f"{r.started_on:%b %Y} – {r.ended_on:%b %Y}" if r.ended_on else f"{r.started_on:%b %Y} –"


def _state_tip(r: Any) -> str:
    if r.voided:
        tip = f"Voided: {r.void_reason}"
    elif r.standing:
        tip = f"Confirmed by {r.confirmed_by}; counts towards credentials"
    else:
        tip = "Counts once a supervisor confirms it"
    files = ", ".join(a.file_name for a in r.attachments)
    return f"{tip}. Files: {files}" if files else tip


class ImprovementTableModel(RowTableModel[Any]):
    """One piece of work a row (``services.improvement.WorkRow``), voided work included and marked."""

    columns = (
        Column("Kind", lambda r: r.kind_label, width=90),
        Column("Title", lambda r: r.title, width=140, tooltip=lambda r: r.aim or r.title),
        Column(
            "Dates",
            _dates,
            sort_key=lambda r: r.started_on,
            width=145,
            tooltip=lambda r: (
                f"{r.started_on:%d %b %Y} to {r.ended_on:%d %b %Y}"
                if r.ended_on
                else f"From {r.started_on:%d %b %Y}, under way"
            ),
        ),
        Column(
            "Team",
            lambda r: len(r.professions),
            width=50,
            right=True,
            tooltip=lambda r: (
                f"{len(r.professions)} professions with the learner's: "
                + ("; ".join(f"{name} ({prof})" for name, prof in r.team) or "the learner alone")
            ),
        ),
        Column(
            "State",
            lambda r: r.state,
            colour=lambda r: MUTED if r.voided else GOOD if r.standing else WARN,
            tooltip=_state_tip,
        ),
    )

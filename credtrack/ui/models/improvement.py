"""Table model for a person's improvement work (QI projects, safety event reviews, huddles, teach-backs)."""

from __future__ import annotations

from typing import Any

from credtrack.ui.style import GOOD, MUTED, WARN
from credtrack.ui.table import Column, RowTableModel


def _dates(r: Any) -> str:
    return f"{r.started_on:%d %b %Y} – {r.ended_on:%d %b %Y}" if r.ended_on else f"{r.started_on:%d %b %Y} –"


class ImprovementTableModel(RowTableModel[Any]):
    """One piece of work a row (``services.improvement.WorkRow``), voided work included and marked."""

    columns = (
        Column("Kind", lambda r: r.kind_label, width=120),
        Column("Title", lambda r: r.title, width=230, tooltip=lambda r: r.aim or r.title),
        Column("Dates", _dates, sort_key=lambda r: r.started_on, width=170),
        Column(
            "Team",
            lambda r: f"{len(r.professions)} professions",
            sort_key=lambda r: len(r.professions),
            width=95,
            tooltip=lambda r: "; ".join(f"{name} ({prof})" for name, prof in r.team) or "The learner alone",
        ),
        Column(
            "Files",
            lambda r: len(r.attachments) or "",
            width=45,
            tooltip=lambda r: ", ".join(a.file_name for a in r.attachments),
        ),
        Column(
            "State",
            lambda r: r.state,
            colour=lambda r: MUTED if r.voided else GOOD if r.standing else WARN,
            tooltip=lambda r: (
                f"Voided: {r.void_reason}"
                if r.voided
                else f"Confirmed by {r.confirmed_by}; counts towards credentials"
                if r.standing
                else "Counts once a supervisor confirms it"
            ),
        ),
    )

"""Table models for what a person has precepted: the sign-offs they gave, and counts by learner profession."""

from __future__ import annotations

from typing import Any

from credtrack.ui.style import MUTED, WARN
from credtrack.ui.table import Column, RowTableModel


class PreceptedTableModel(RowTableModel[Any]):
    """The sign-offs a person gave as assessor (``progress.precepted.PreceptedSignOff``), voided ones included."""

    columns = (
        Column("Assessed", lambda r: r.assessed_on, width=85),
        Column(
            "Learner",
            lambda r: r.learner_name,
            sort_key=lambda r: r.learner_name.casefold(),
            width=130,
            tooltip=lambda r: r.learner_external_id,
        ),
        Column("Learner's profession", lambda r: r.learner_profession or "(not recorded)", width=140),
        Column("Competency", lambda r: r.competency_code, width=85, tooltip=lambda r: r.competency_label),
        Column("Level", lambda r: r.level_label, width=120, tooltip=lambda r: f"{r.level_label} ({r.scale_code})"),
        Column(
            "State",
            lambda r: "Voided" if r.voided else "Historical, unverified" if r.pending else "Standing",
            colour=lambda r: MUTED if r.voided else (WARN if r.pending else None),
            tooltip=lambda r: "Voided: it no longer counts" if r.voided else "",
        ),
    )


class PreceptedCountsTableModel(RowTableModel[Any]):
    """Standing sign-offs given, by learner profession (``services.precepting.ProfessionCount``)."""

    columns = (
        Column("Learners' profession", lambda r: r.profession, width=200),
        Column("Sign-offs", lambda r: r.given, width=80, right=True),
        Column(
            "Counts towards precepting",
            lambda r: "Yes" if r.counted else "No",
            colour=lambda r: None if r.counted else MUTED,
            tooltip=lambda r: (
                ""
                if r.counted
                else "Learners of the preceptor's own profession, or with no profession recorded, do not count."
            ),
        ),
    )

"""Table models for people and their records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from credtrack.models.enums import label
from credtrack.ui.filtering import FilterableTableModel
from credtrack.ui.style import BAD, GOOD, MUTED, WARN
from credtrack.ui.table import Column, RowTableModel


class PeopleTableModel(FilterableTableModel[Any]):
    columns = (
        Column("Name", lambda r: r.full_name, sort_key=lambda r: r.full_name.casefold(), width=190),
        Column("ID", lambda r: r.external_id, width=100),
        Column("Profession", lambda r: r.profession_name or "", width=130),
        Column("Unit", lambda r: r.unit or "", width=120),
        Column("Started", lambda r: r.start_date, width=85),
        Column("Status", lambda r: r.status.capitalize(), colour=lambda r: None if r.status == "active" else MUTED),
    )

    def search_text(self, row: Any) -> str:
        return f"{row.full_name} {row.external_id}"


class CompletionsTableModel(RowTableModel[Any]):
    columns = (
        Column("Completed", lambda r: r.completed_on, width=100),
        Column("Module", lambda r: f"{r.module_code} — {r.module_title}", width=280),
        Column(
            "Verification",
            lambda r: "Voided" if r.voided else label(r.verification),
            width=150,
            colour=lambda r: MUTED if r.voided else (WARN if r.verification == "pending" else None),
            tooltip=lambda r: f"Voided: {r.void_reason}" if r.voided else "",
        ),
        Column("Recorded by", lambda r: r.recorded_by, width=150),
        Column("Evidence", lambda r: r.evidence),
    )


class AssessmentsTableModel(RowTableModel[Any]):
    columns = (
        Column("Assessed", lambda r: r.assessed_on, width=100),
        Column(
            "Competency",
            lambda r: f"{r.competency_code} — {r.competency_label}",
            width=280,
            tooltip=lambda r: r.competency_label,
        ),
        Column(
            "Level",
            lambda r: f"{r.level_code} · {r.level_label}",
            sort_key=lambda r: r.level_rank,
            width=170,
            colour=lambda r: MUTED if r.voided else (GOOD if r.passing else BAD),
        ),
        Column("Method", lambda r: label(r.method), width=140),
        Column(
            "Assessor",
            lambda r: r.assessor_name + (f" ({r.assessor_profession})" if r.assessor_profession else ""),
            width=200,
        ),
        Column(
            "State",
            lambda r: _assessment_state(r),
            colour=lambda r: MUTED if r.voided else (WARN if r.verification == "pending" else None),
            tooltip=lambda r: (
                f"Voided: {r.void_reason}"
                if r.voided
                else (
                    "Imported without an assessor on record: the credential rules do not count it until an "
                    "educator confirms it."
                    if r.verification == "pending"
                    else ""
                )
            ),
        ),
    )


def _assessment_state(row: Any) -> str:
    if row.voided:
        return "Voided"
    if row.verification == "pending":
        return "Historical, unverified"
    if row.verification == "verified":
        return "Confirmed"
    return "Signed" if row.reauthenticated else "Recorded"


class RatingsTableModel(RowTableModel[Any]):
    """A person's ratings from other sources: one rater's form a row."""

    columns = (
        Column("Rated", lambda r: r.rated_on, width=90),
        Column("Source", lambda r: r.source_name, width=120, tooltip=lambda r: r.source_name),
        Column(
            "Rater",
            lambda r: r.rater_name + (f" ({r.rater_profession})" if r.rater_profession else ""),
            width=130,
            tooltip=lambda r: f"{r.collection_label}; recorded by {r.recorded_by}",
        ),
        Column(
            "Scores",
            lambda r: ", ".join(f"{code} {level_label}" for code, _level, level_label in r.scores),
            width=260,
            tooltip=lambda r: r.comment,
        ),
        Column(
            "State",
            lambda r: "Voided" if r.voided else label(r.collection),
            colour=lambda r: MUTED if r.voided else None,
            tooltip=lambda r: f"Voided: {r.void_reason}" if r.voided else "Counts towards credentials",
        ),
    )


class UnitHistoryTableModel(RowTableModel[Any]):
    """A person's unit memberships (``services.units.MembershipRow``), latest first."""

    columns = (
        Column("Unit", lambda r: r.unit_name, width=160, tooltip=lambda r: f"Membership {r.id}"),
        Column("From", lambda r: r.start_date, width=90),
        Column("To", lambda r: r.end_date or "now", sort_key=lambda r: r.end_date or dt.date.max, width=90),
        Column(
            "Days",
            lambda r: ((r.end_date or dt.date.today()) - r.start_date).days + 1,
            width=60,
            right=True,
            tooltip=lambda r: "Both days included; so far, while it is open",
        ),
    )

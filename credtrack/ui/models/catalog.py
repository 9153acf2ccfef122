"""Table models for the catalog: modules, credentials and their requirements, cohorts and enrolments."""

from __future__ import annotations

from typing import Any

from credtrack.models.enums import label
from credtrack.ui.style import MUTED
from credtrack.ui.table import Column, RowTableModel


def _inactive(row: Any) -> str | None:
    return None if row.active else MUTED


class ModulesTableModel(RowTableModel[Any]):
    columns = (
        Column("Code", lambda r: r.code, width=100, colour=_inactive),
        Column("Title", lambda r: r.title, width=260, colour=_inactive, tooltip=lambda r: r.description),
        Column("Kind", lambda r: label(r.kind), width=100),
        Column("Hours", lambda r: float(r.contact_hours), right=True, width=60),
        Column(
            "Valid for",
            lambda r: f"{r.validity_months} months" if r.validity_months else "always",
            width=90,
            sort_key=lambda r: r.validity_months or 0,
        ),
        Column("Verified by preceptor", lambda r: r.requires_verification, width=140),
        Column("Competencies", lambda r: ", ".join(r.competency_codes)),
    )


class CredentialsTableModel(RowTableModel[Any]):
    columns = (
        Column("Code", lambda r: r.code, width=110, colour=_inactive),
        Column("Title", lambda r: r.title, width=280, colour=_inactive, tooltip=lambda r: r.description),
        Column("Requirements", lambda r: len(r.requirements), right=True, width=100),
        Column(
            "Valid for",
            lambda r: f"{r.validity_months} months" if r.validity_months else "no expiry",
            sort_key=lambda r: r.validity_months or 0,
            width=100,
        ),
        Column(
            "Assessor professions",
            lambda r: r.min_assessor_professions or "",
            sort_key=lambda r: r.min_assessor_professions or 0,
            width=150,
        ),
        Column("Active", lambda r: r.active),
    )


_KINDS = {
    "module": "Module",
    "competency": "Competency",
    "ratings": "Ratings",
    "rating_sources": "Sources",
    "improvement": "Improvement",
    "precepting": "Precepting",
}


def requirement_text(r: Any) -> str:
    if r.kind == "module":
        return f"Complete {r.module_code} · {r.module_title}"
    if r.kind in ("ratings", "rating_sources", "improvement", "precepting"):
        return r.describe
    return f"Signed off {r.competency_code} · {r.competency_label}"


class RequirementsTableModel(RowTableModel[Any]):
    columns = (
        Column("Kind", lambda r: _KINDS.get(r.kind, r.kind), width=100),
        Column("Requirement", requirement_text, width=380),
        Column(
            "At least",
            lambda r: f"{r.min_level_code} · {r.min_level_label} ({r.scale_code})" if r.min_level_code else "",
            sort_key=lambda r: r.min_level_rank or 0,
        ),
    )


class CohortsTableModel(RowTableModel[Any]):
    columns = (
        Column("Code", lambda r: r.code, width=150),
        Column("Name", lambda r: r.name, width=260),
        Column("Starts", lambda r: r.start_date, width=100),
        Column("People", lambda r: r.active_enrolments, right=True, width=70),
        Column(
            "Credentials (due)",
            lambda r: ", ".join(
                f"{c.code}" + (f" by {c.due_date:%d %b %Y}" if c.due_date else "") for c in r.credentials
            ),
        ),
    )


class EnrolmentsTableModel(RowTableModel[Any]):
    columns = (
        Column("Name", lambda r: r.person_name, width=220),
        Column("ID", lambda r: r.external_id, width=110),
        Column("Enrolled", lambda r: r.enrolled_on, width=100),
        Column("Status", lambda r: r.status.capitalize(), colour=lambda r: None if r.status == "active" else MUTED),
    )

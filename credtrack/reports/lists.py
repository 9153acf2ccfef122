"""Plain record lists for export: people, enrolments, completions and sign-offs."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from credtrack.models import (
    Assessment,
    Cohort,
    Competency,
    Completion,
    Enrolment,
    Module,
    Person,
    Profession,
    Scale,
    ScaleLevel,
)
from credtrack.reports.tables import ReportTable


def people(session: Session) -> ReportTable:
    stmt = (
        select(
            Person.external_id,
            Person.full_name,
            Person.email,
            Profession.code,
            Person.unit,
            Person.start_date,
            Person.end_date,
            Person.status,
        )
        .outerjoin(Profession, Profession.id == Person.profession_id)
        .order_by(Person.external_id)
    )
    return ReportTable(
        "People",
        ["external_id", "full_name", "email", "profession", "unit", "start_date", "end_date", "status"],
        [tuple(r) for r in session.execute(stmt)],
    )


def enrolments(session: Session) -> ReportTable:
    stmt = (
        select(Person.external_id, Person.full_name, Cohort.code, Enrolment.enrolled_on, Enrolment.status)
        .join(Person, Person.id == Enrolment.person_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .order_by(Cohort.code, Person.external_id)
    )
    return ReportTable(
        "Enrolments",
        ["external_id", "full_name", "cohort", "enrolled_on", "status"],
        [tuple(r) for r in session.execute(stmt)],
    )


def completions(session: Session, include_voided: bool = False) -> ReportTable:
    stmt = (
        select(
            Person.external_id,
            Person.full_name,
            Module.code,
            Module.title,
            Completion.completed_on,
            Completion.verification,
            Completion.evidence,
            Completion.source,
            Completion.void_reason,
        )
        .join(Person, Person.id == Completion.person_id)
        .join(Module, Module.id == Completion.module_id)
        .order_by(Person.external_id, Completion.completed_on, Module.code)
    )
    if not include_voided:
        stmt = stmt.where(Completion.voided_at.is_(None))
    return ReportTable(
        "Completions",
        [
            "external_id",
            "full_name",
            "module",
            "module_title",
            "completed_on",
            "verification",
            "evidence",
            "source",
            "void_reason",
        ],
        [tuple(r) for r in session.execute(stmt)],
    )


def assessments(session: Session, include_voided: bool = False) -> ReportTable:
    assessor_prof = aliased(Profession)
    stmt = (
        select(
            Person.external_id,
            Person.full_name,
            Competency.code,
            Scale.code,
            ScaleLevel.code,
            ScaleLevel.label,
            Assessment.assessed_on,
            Assessment.method,
            Assessment.assessor_name,
            assessor_prof.code,
            Assessment.setting,
            Assessment.comment,
            Assessment.void_reason,
        )
        .join(Person, Person.id == Assessment.person_id)
        .join(Competency, Competency.id == Assessment.competency_id)
        .join(Scale, Scale.id == Assessment.scale_id)
        .join(ScaleLevel, ScaleLevel.id == Assessment.level_id)
        .outerjoin(assessor_prof, assessor_prof.id == Assessment.assessor_profession_id)
        .order_by(Person.external_id, Assessment.assessed_on, Competency.code)
    )
    if not include_voided:
        stmt = stmt.where(Assessment.voided_at.is_(None))
    return ReportTable(
        "Sign-offs",
        [
            "external_id",
            "full_name",
            "competency",
            "scale",
            "level",
            "level_label",
            "assessed_on",
            "method",
            "assessor",
            "assessor_profession",
            "setting",
            "comment",
            "void_reason",
        ],
        [tuple(r) for r in session.execute(stmt)],
    )


# Every list takes the session; completions and assessments also take include_voided.
LISTS: dict[str, Callable[..., ReportTable]] = {
    "people": people,
    "enrolments": enrolments,
    "completions": completions,
    "assessments": assessments,
}

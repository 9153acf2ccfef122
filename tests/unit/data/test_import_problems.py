"""Each kind of problem in a file is reported by row and column, and importing it writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from credtrack.importing import ImportRejectedError, check, run_import
from credtrack.models import Assessment, AuditEvent, Completion, Enrolment, Person
from tests.unit.data.conftest import EDUCATOR, FIXTURES

CASES = [
    # file, kind, row, column, words the message must contain
    ("completions_unknown_module.csv", "completions", 3, "Module", "unknown module code 'NOPE-999'"),
    ("completions_impossible_date.csv", "completions", 4, "completed_on", "impossible date"),
    ("completions_missing_field.csv", "completions", 3, "Completed on", "missing required field"),
    ("people_unknown_profession.csv", "people", 3, "Profession", "unknown profession 'Astrology'"),
    ("people_duplicate_id.csv", "people", 4, "External ID", "duplicate id 'P101': row 2"),
    ("assessments_level_not_in_scale.csv", "assessments", 3, "level", "level '7' is not in the scale ENTRUST5"),
    ("completions_wrong_encoding.csv", "completions", 3, None, "wrong encoding"),
    ("completions_utf16.csv", "completions", None, None, "wrong encoding"),
    ("enrolments_unknown_cohort.csv", "enrolments", 3, "Cohort", "unknown cohort 'NOPE'"),
]


def _counts(db) -> tuple[int, ...]:
    with db.unit_of_work() as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(model))
            for model in (Person, Enrolment, Completion, Assessment, AuditEvent)
        )


@pytest.mark.parametrize(("file", "kind", "row", "column", "words"), CASES, ids=[c[0] for c in CASES])
def test_dry_run_reports_row_and_column_and_import_writes_nothing(db, seeded, file, kind, row, column, words):
    report = check(db.unit_of_work(), EDUCATOR, kind, FIXTURES / file, remembered={})
    assert len(report.problems) == 1, [p.describe() for p in report.problems]
    problem = report.problems[0]
    assert (problem.row, problem.column) == (row, column)
    assert words in problem.message
    where = f"row {row}, column {column}: " if column else (f"row {row}: " if row else "")
    assert problem.describe().startswith(where)

    before = _counts(db)
    with pytest.raises(ImportRejectedError) as raised:
        run_import(db.unit_of_work(), EDUCATOR, kind, FIXTURES / file, remembered={}, remember=False)
    assert raised.value.problems == report.problems
    assert _counts(db) == before


def test_unknown_person_and_future_date_are_problems(db, seeded, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "External ID,Module,Completed on\nP999,IPE-101,2024-01-01\nP001,IPE-101,2999-01-01\n", encoding="utf-8"
    )
    report = check(db.unit_of_work(), EDUCATOR, "completions", path, remembered={})
    assert [p.describe() for p in report.problems] == [
        "row 2, column External ID: unknown person 'P999': import them as people first",
        "row 3, column Completed on: impossible date: 2999-01-01 is in the future",
    ]


def test_a_required_field_with_no_column_is_reported_once(db, seeded, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("External ID,Module\nP001,IPE-101\n", encoding="utf-8")
    report = check(db.unit_of_work(), EDUCATOR, "completions", path, remembered={})
    assert [p.describe() for p in report.problems] == [
        "column Completed on: missing required field: no column of the file is mapped to it"
    ]


def test_module_that_requires_enrolment_refuses_unenrolled_people(db, seeded, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("External ID,Module,Completed on\nP001,ENR-301,2024-02-01\n", encoding="utf-8")
    report = check(db.unit_of_work(), EDUCATOR, "completions", path, remembered={})
    assert len(report.problems) == 1 and "requires an enrolment" in report.problems[0].message

"""A row with more filled cells than the header is a row error, in every kind of import and file type."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from credtrack.importing import ImportRejectedError, check, run_import
from credtrack.models import Enrolment, Person
from tests.unit.data.conftest import EDUCATOR

# kind -> (header, a good row, the misaligned row: one value written with an unquoted comma)
FILES = {
    "people": (
        "External ID,Full name,Email,Profession,Unit,Start date",
        "P201,Ada Rivers,ada@example.org,Nursing,4 West,2024-01-08",
        "P202,Okafor, Ben,ben@example.org,Nursing,ICU,2024-01-08",
    ),
    "enrolments": ("External ID,Cohort,Enrolled on", "P001,C2024,2024-01-08", "P002,C2024,8 January, 2024"),
    "completions": (
        "External ID,Module,Completed on,Evidence",
        "P001,IPE-101,2024-02-01,LMS export",
        "P002,IPE-101,2024-02-02,LMS export, second attempt",
    ),
}


def _write(tmp_path, kind, suffix, rows):
    path = tmp_path / f"{kind}{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    else:
        book = Workbook()
        for line in rows:
            book.active.append(line.split(","))
        book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", sorted(FILES))
def test_a_row_with_more_cells_than_the_header_is_refused_by_row(db, seeded, tmp_path, kind, suffix):
    header, good, shifted = FILES[kind]
    path = _write(tmp_path, kind, suffix, [header, good, shifted])
    report = check(db.unit_of_work(), EDUCATOR, kind, path, remembered={})
    assert [(p.row, p.column) for p in report.problems] == [(3, None)], [p.describe() for p in report.problems]
    message = report.problems[0].message
    width = len(header.split(","))
    assert f"has {width + 1} cells but the header has {width} columns" in message
    if suffix == ".csv":
        assert "double quotes" in message
    with db.unit_of_work() as uow:
        before = (
            uow.session.scalar(select(func.count()).select_from(Person)),
            uow.session.scalar(select(func.count()).select_from(Enrolment)),
        )
    with pytest.raises(ImportRejectedError):
        run_import(db.unit_of_work(), EDUCATOR, kind, path, remembered={}, remember=False)
    with db.unit_of_work() as uow:
        after = (
            uow.session.scalar(select(func.count()).select_from(Person)),
            uow.session.scalar(select(func.count()).select_from(Enrolment)),
        )
    assert after == before


def test_quoting_the_value_imports_the_row_and_trailing_empty_cells_are_ignored(db, seeded, tmp_path):
    header, good, _ = FILES["people"]
    path = _write(
        tmp_path, "people", ".csv", [header, good + ",,", 'P202,"Okafor, Ben",ben@example.org,Nursing,ICU,2024-01-08']
    )
    report = check(db.unit_of_work(), EDUCATOR, "people", path, remembered={})
    assert report.problems == []
    run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False)
    with db.unit_of_work() as uow:
        name = uow.session.scalar(select(Person.full_name).where(Person.external_id == "P202"))
    assert name == "Okafor, Ben"

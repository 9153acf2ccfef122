"""Control characters in a file are row errors at the dry run (PostgreSQL cannot store a NUL, a workbook
cannot hold an ESC); an export still completes when an older version stored one; a bad framework CSV is a
message, not a traceback."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from credtrack.errors import ValidationError
from credtrack.importing import ImportRejectedError, check, run_import
from credtrack.models import Person
from credtrack.reports.tables import ReportTable, write_table
from credtrack.services import frameworks
from tests.unit.data.conftest import EDUCATOR

HEADER = "External ID,Full name,Email,Profession,Unit,Start date"


def test_a_nul_or_escape_in_a_cell_is_a_row_error_at_the_dry_run(db, seeded, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "P201,Ada Rivers,ada@example.org,Nursing,4 West,2024-01-08",
                "P202,Ben\x00 Okafor,ben@example.org,Nursing,ICU,2024-01-08",
                "P203,Cleo Marsh,cleo@example.org,Nursing,\x1b[1mICU,2024-01-08",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    report = check(db.unit_of_work(), EDUCATOR, "people", path, remembered={})
    assert [(p.row, p.column) for p in report.problems] == [(3, "Full name"), (4, "Unit")]
    assert all("control character" in p.message for p in report.problems)
    assert "U+0000" in report.problems[0].message and "U+001B" in report.problems[1].message
    with db.unit_of_work() as uow:
        before = uow.session.scalar(select(func.count()).select_from(Person))
    with pytest.raises(ImportRejectedError) as rejected:
        run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False)
    assert "P201" not in str(rejected.value)  # the refusal names the rows, it does not print them all
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Person)) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_completes_when_a_stored_name_holds_a_control_character(tmp_path, fmt):
    table = ReportTable("People\x07", ["Name", "Unit"], [("Ben\x01 Okafor", "ICU"), ("Ada Rivers", "4\x0bWest")])
    path = write_table(table, tmp_path / f"people.{fmt}")
    if fmt == "xlsx":
        rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
        assert rows == [["Name", "Unit"], ["Ben\ufffd Okafor", "ICU"], ["Ada Rivers", "4\ufffdWest"]]
    else:
        assert "Ada Rivers" in path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,label,description\nA1,Thing," + "x" * 200_000 + "\n", r"near line 2 cannot be read as CSV"),
        ("code,label\nA1,Thing,Okafor, Ben\n", r"row 2: more values than the header has columns.*double quotes"),
        ("code,label\nA1,Th\x00ing\n", r"row 2: the label contains an invisible control character \(U\+0000"),
    ],
)
def test_a_bad_framework_csv_is_refused_with_a_message(tmp_path, content, message):
    path = tmp_path / "framework.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        frameworks.parse_framework_file(path)

"""A people file's end dates close the stay the person is in, as the person form does: a file moving an end date
moves the end of that stay, and one naming again the unit someone left from is not a move."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from credtrack.importing import ImportOptions, check, run_import
from credtrack.importing.problems import ImportRejectedError
from credtrack.models import AuditEvent, Person
from credtrack.services import units
from credtrack.services.audit import record_check
from tests.unit.data.conftest import EDUCATOR, VIEWER

D = dt.date
HEADER = "External ID,Full name,Profession,Ward,Start date,End date\n"
IMPORT_DAY = D(2024, 6, 3)


def _file(tmp_path, rows: str, name: str = "people.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _import(db, path):
    options = ImportOptions(today=IMPORT_DAY)
    return run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False, options=options)


def _check(db, path):
    return check(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, options=ImportOptions(today=IMPORT_DAY))


def _spans(db, ext: str) -> list[tuple[str, dt.date, dt.date | None]]:
    with db.unit_of_work() as uow:
        pid = uow.session.scalar(select(Person.id).where(Person.external_id == ext))
    return [(m.unit_name, m.start_date, m.end_date) for m in units.history(db.unit_of_work(), VIEWER, pid)]


def _person(db, ext: str) -> tuple[str | None, dt.date | None, str]:
    with db.unit_of_work() as uow:
        p = uow.session.scalars(select(Person).where(Person.external_id == ext)).one()
        return p.unit, p.end_date, p.status


def _summary(db, report) -> dict:
    with db.unit_of_work() as uow:
        return json.loads(uow.session.get_one(AuditEvent, report.audit_event_id).after_json)


def _memberships_vouched(db) -> None:
    with db.unit_of_work() as uow:
        findings = [f for f in record_check.check(uow.session).findings if f.kind == "unit_membership"]
    assert findings == []


def test_someone_added_with_an_end_date_is_in_their_unit_until_then_and_a_second_import_changes_nothing(
    db, seeded, tmp_path
) -> None:
    path = _file(tmp_path, "N1,Ada Rivers,NURS,4 West,2024-01-08,2024-04-30\nN2,Ben Okafor,MED,ICU,2024-02-01,\n")
    report = _import(db, path).value
    assert _spans(db, "N1") == [("4 West", D(2024, 1, 8), D(2024, 4, 30))]
    assert _person(db, "N1") == (None, D(2024, 4, 30), "inactive")  # in no unit now, as leaving in the app
    assert _spans(db, "N2") == [("ICU", D(2024, 2, 1), None)]
    assert _summary(db, report)["unit_memberships_ended"] == 1
    again = _import(db, path).value
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)  # "4 West" is where Ada was, not a move
    assert _spans(db, "N1") == [("4 West", D(2024, 1, 8), D(2024, 4, 30))]
    _memberships_vouched(db)


def test_an_end_date_given_later_closes_the_stay_and_moving_it_moves_the_end(db, seeded, tmp_path) -> None:
    _import(db, _file(tmp_path, "N1,Ada Rivers,NURS,4 West,2024-01-08,\n"))
    report = _import(db, _file(tmp_path, "N1,Ada Rivers,NURS,,,2024-05-31\n", "leaves.csv")).value
    assert report.updated == 1
    assert _summary(db, report)["updated_records"][0]["changed"]["unit"] == ["4 West", None]
    assert _spans(db, "N1") == [("4 West", D(2024, 1, 8), D(2024, 5, 31))]
    assert _person(db, "N1")[0] is None
    _import(db, _file(tmp_path, "N1,Ada Rivers,NURS,4 West,,2024-08-15\n", "stays-longer.csv"))
    assert _spans(db, "N1") == [("4 West", D(2024, 1, 8), D(2024, 8, 15))]  # the stay follows the end date
    assert units.unit_on(db.unit_of_work(), VIEWER, _id(db, "N1"), "2024-07-01").unit_name == "4 West"
    _memberships_vouched(db)


def test_an_end_date_before_the_stay_began_is_a_problem_of_its_row_and_nothing_is_written(db, seeded, tmp_path) -> None:
    _import(db, _file(tmp_path, "N1,Ada Rivers,NURS,4 West,2024-01-08,\n"))
    bad = _file(tmp_path, "N1,Ada Rivers,NURS,ICU,,2024-05-31\nN3,Cleo Marsh,NURS,ICU,,2024-05-01\n", "bad.csv")
    report = _check(db, bad)
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (
            2,
            "End date",
            "N1 is in ICU from 2024-06-03, after the end date 2024-05-31: give a later end date (or a start date), "
            "or correct that membership first",
        ),
        (
            3,
            "End date",
            "N3 is in ICU from 2024-06-03, after the end date 2024-05-01: give a later end date (or a start date), "
            "or correct that membership first",
        ),
    ]
    with pytest.raises(ImportRejectedError):
        _import(db, bad)
    assert _spans(db, "N1") == [("4 West", D(2024, 1, 8), None)]
    assert _person(db, "N1") == ("4 West", None, "active")


def _id(db, ext: str) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalars(select(Person.id).where(Person.external_id == ext)).one()

"""Importing people with a unit puts them in it through dated memberships; an unknown unit is a row problem."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, update

from credtrack.importing import ImportOptions, check, run_import
from credtrack.importing.problems import ImportRejectedError
from credtrack.models import AuditEvent, Person, Unit
from credtrack.services import units
from credtrack.services.audit import record_check
from tests.unit.data.conftest import EDUCATOR, VIEWER

D = dt.date
HEADER = "External ID,Full name,Profession,Ward,Start date\n"
IMPORT_DAY = D(2024, 6, 3)


def _file(tmp_path, rows: str, name: str = "people.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _import(db, path, today: dt.date = IMPORT_DAY):
    options = ImportOptions(today=today)
    return run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False, options=options)


def _spans(db, ext: str) -> list[tuple[str, dt.date, dt.date | None]]:
    with db.unit_of_work() as uow:
        pid = uow.session.scalar(select(Person.id).where(Person.external_id == ext))
    return [(m.unit_name, m.start_date, m.end_date) for m in units.history(db.unit_of_work(), VIEWER, pid)]


def _unit_of(db, ext: str) -> str | None:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(Person.unit).where(Person.external_id == ext))


def test_new_people_are_in_their_unit_from_their_start_date(db, seeded, tmp_path) -> None:
    path = _file(tmp_path, "N1,Ada Rivers,NURS,4 west,2024-02-01\nN2,Ben Okafor,MED, icu ,\nN3,Cleo Marsh,NURS,,\n")
    report = _import(db, path).value
    assert report.inserted == 3
    assert _spans(db, "N1") == [("4 West", D(2024, 2, 1), None)]
    assert _spans(db, "N2") == [("ICU", IMPORT_DAY, None)]  # no start date: from the day of the import
    assert _spans(db, "N3") == []
    assert (_unit_of(db, "N1"), _unit_of(db, "N2"), _unit_of(db, "N3")) == ("4 West", "ICU", None)
    with db.unit_of_work() as uow:
        after = json.loads(uow.session.get_one(AuditEvent, report.audit_event_id).after_json)
        # The seeded units and roster were written without events; what the import wrote must all agree.
        findings = [f for f in record_check.check(uow.session).findings if f.kind in ("unit_membership", "person")]
    assert after["unit_memberships"] == 2
    assert [f for f in findings if f.kind == "unit_membership"] == []
    assert not any(f.label in ("N1", "N2", "N3") or "Ada Rivers" in f.label for f in findings)


def test_an_unknown_unit_is_a_problem_of_its_row_and_column_and_nothing_is_written(db, seeded, tmp_path) -> None:
    path = _file(tmp_path, "N1,Ada Rivers,NURS,4 West,2024-02-01\nN2,Ben Okafor,MED,Ward 9,2024-02-01\n")
    report = check(db.unit_of_work(), EDUCATOR, "people", path, remembered={})
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (3, "Ward", "unknown unit 'Ward 9' (known: 4 West, ICU); add it first (Units, or credtrack-cli units add)")
    ]
    with pytest.raises(ImportRejectedError):
        _import(db, path)
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(Person.id).where(Person.external_id == "N1")) is None
        assert uow.session.scalar(select(Unit.id).where(Unit.name == "Ward 9")) is None  # not made up either


def test_a_deactivated_unit_takes_nobody_new(db, seeded, tmp_path) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(update(Unit).where(Unit.name == "ICU").values(active=False))
        uow.commit()
    path = _file(tmp_path, "N1,Ada Rivers,NURS,ICU,2024-02-01\n")
    report = check(db.unit_of_work(), EDUCATOR, "people", path, remembered={})
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "Ward", "the unit 'ICU' is deactivated: nobody can be moved into it")
    ]


def test_a_changed_unit_moves_the_person_from_the_day_of_the_import(db, seeded, tmp_path) -> None:
    _import(db, _file(tmp_path, "N1,Ada Rivers,NURS,4 West,2024-02-01\nN2,Ben Okafor,MED,ICU,2024-02-01\n"))
    again = _file(tmp_path, "N1,Ada Rivers,NURS,ICU,\nN2,Ben Okafor,MED,icu,\n", "again.csv")
    report = _import(db, again).value
    assert (report.updated, report.unchanged) == (1, 1)  # "icu" is where Ben already is
    assert _spans(db, "N1") == [("4 West", D(2024, 2, 1), IMPORT_DAY - dt.timedelta(days=1)), ("ICU", IMPORT_DAY, None)]
    assert _unit_of(db, "N1") == "ICU"
    # Moved again the same day: the later file stands, as a second move in the app does; moved back to
    # where they were, the move is undone and their first membership runs on unbroken.
    _import(db, _file(tmp_path, "N1,Ada Rivers,NURS,ICU,\nN2,Ben Okafor,MED,4 West,\n", "third.csv"))
    units.create_unit(db.unit_of_work(), EDUCATOR, name="Emergency")
    _import(db, _file(tmp_path, "N2,Ben Okafor,MED,Emergency,\n", "fourth.csv"))
    _import(db, _file(tmp_path, "N1,Ada Rivers,NURS,4 West,\n", "fifth.csv"))
    assert _spans(db, "N1") == [("4 West", D(2024, 2, 1), None)]
    assert _spans(db, "N2") == [
        ("ICU", D(2024, 2, 1), IMPORT_DAY - dt.timedelta(days=1)),
        ("Emergency", IMPORT_DAY, None),
    ]
    assert (_unit_of(db, "N1"), _unit_of(db, "N2")) == ("4 West", "Emergency")
    with db.unit_of_work() as uow:
        findings = [f for f in record_check.check(uow.session).findings if f.kind == "unit_membership"]
    assert findings == []


def test_a_file_cannot_move_someone_into_the_past_of_their_history(db, seeded, tmp_path) -> None:
    _import(db, _file(tmp_path, "N1,Ada Rivers,NURS,4 West,2024-02-01\n"), today=D(2024, 9, 1))
    later = _file(tmp_path, "N1,Ada Rivers,NURS,ICU,\n", "later.csv")
    report = check(
        db.unit_of_work(), EDUCATOR, "people", later, remembered={}, options=ImportOptions(today=D(2024, 9, 1))
    )
    assert report.problems == []
    _import(db, later, today=D(2024, 9, 1))
    earlier = _file(tmp_path, "N1,Ada Rivers,NURS,4 West,\n", "earlier.csv")
    report = check(
        db.unit_of_work(), EDUCATOR, "people", earlier, remembered={}, options=ImportOptions(today=D(2024, 8, 1))
    )
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (
            2,
            "Ward",
            "N1 has unit history up to 2024-09-01, on or after 2024-08-01 when this file would move them: "
            "correct that membership instead",
        )
    ]

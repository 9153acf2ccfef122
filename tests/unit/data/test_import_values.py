"""Reading dates and files: Excel serials, written dates, day/month order, encodings, progress and cancel."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from credtrack.importing import ImportCancelledError, run_import
from credtrack.importing.fields import auto_mapping, load_mapping_file, resolve_mapping
from credtrack.importing.reading import read_csv_bytes
from credtrack.importing.values import BadValue, infer_day_first, parse_date
from credtrack.models import AuditEvent, Completion
from tests.unit.data.conftest import EDUCATOR


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2024/03/05", dt.date(2024, 3, 5)),
        ("05.03.2024", dt.date(2024, 3, 5)),
        ("5 Mar 2024", dt.date(2024, 3, 5)),
        ("March 5, 2024", dt.date(2024, 3, 5)),
        ("05-Mar-24", dt.date(2024, 3, 5)),
        ("2024-03-05T08:30:00", dt.date(2024, 3, 5)),
        (45356, dt.date(2024, 3, 5)),
        (45356.75, dt.date(2024, 3, 5)),
        ("45356", dt.date(2024, 3, 5)),
        (1, dt.date(1900, 1, 1)),
        (61, dt.date(1900, 3, 1)),
        (dt.datetime(2024, 3, 5, 10, 0), dt.date(2024, 3, 5)),
        ("", None),
    ],
)
def test_dates_in_the_forms_spreadsheets_write(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["2024-02-30", "31/04/2024", "not a date", 60, -3, "13/13/2024"])
def test_impossible_dates_are_refused(cell):
    with pytest.raises(BadValue):
        parse_date(cell)


def test_day_month_order_is_inferred_from_the_column():
    assert infer_day_first(["03/04/2024", "25/04/2024"]) is True
    assert infer_day_first(["03/04/2024", "04/25/2024"]) is False
    assert infer_day_first(["03/04/2024"]) is None
    assert parse_date("03/04/2024", day_first=False) == dt.date(2024, 3, 4)
    assert parse_date("03/04/2024", day_first=True) == dt.date(2024, 4, 3)


def test_headers_map_whatever_their_case_spaces_or_underscores():
    assert auto_mapping("people", ["EXTERNAL_ID", " name ", "E-Mail", "Start Date", "profession"]) == {
        "external_id": "EXTERNAL_ID",
        "full_name": " name ",
        "email": "E-Mail",
        "start_date": "Start Date",
        "profession": "profession",
    }


def test_explicit_mapping_beats_remembered_beats_automatic(tmp_path):
    headers = ["ID", "Badge", "Name"]
    assert resolve_mapping("people", headers)["external_id"] == "ID"
    assert resolve_mapping("people", headers, remembered={"external_id": "Badge"})["external_id"] == "Badge"
    # A column taken explicitly is not offered to another field automatically.
    assert resolve_mapping("people", headers, {"external_id": "Name"}, {"external_id": "Badge"}) == {
        "external_id": "Name"
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"external_id": "Badge"}), encoding="utf-8")
    assert load_mapping_file(path) == {"external_id": "Badge"}


def test_a_field_left_out_explicitly_stays_out():
    headers = ["ID", "Name", "Email", "Unit"]
    assert resolve_mapping("people", headers)["email"] == "Email"
    # The person mapping the columns said "do not import Email": neither memory nor guessing brings it back.
    chosen = resolve_mapping("people", headers, {"email": "", "unit": ""}, {"email": "Email"})
    assert chosen == {"external_id": "ID", "full_name": "Name"}


def test_csv_details_bom_quotes_blank_lines_and_crlf():
    data = '\ufeff"External ID";"Name"\r\n\r\n"P1";"Smith; Jo"\r\n;\r\n'.encode()
    table = read_csv_bytes(data)
    assert (table.encoding, table.delimiter, table.headers) == ("utf-8-sig", ";", ["External ID", "Name"])
    assert [list(row) for row in table.rows[:2]] == [[], ["P1", "Smith; Jo"]]
    assert table.row_number(1) == 3


def test_progress_is_reported_and_cancel_leaves_nothing(db, seeded, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "External ID,Module,Completed on\n"
        + "".join(f"P00{1 + i % 3},IPE-101,{dt.date(1990, 1, 1) + dt.timedelta(days=i)}\n" for i in range(12000))
    )
    seen: list[tuple[int, int, str]] = []

    def cancel() -> bool:
        return any(stage == "writing" for _, _, stage in seen)

    with pytest.raises(ImportCancelledError):
        run_import(
            db.unit_of_work(),
            EDUCATOR,
            "completions",
            path,
            remembered={},
            remember=False,
            progress=lambda done, total, stage: seen.append((done, total, stage)),
            cancel=cancel,
        )
    assert ("checking" in {s for _, _, s in seen}) and seen[-1][2] == "writing"
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Completion)) == 0
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    report = run_import(db.unit_of_work(), EDUCATOR, "completions", path, remembered={}, remember=False).value
    assert report.inserted == 12000
    with db.unit_of_work() as uow:
        event = uow.session.get(AuditEvent, report.audit_event_id)
        ranges = json.loads(event.after_json)["inserted_ids"]
        assert sum(b - a + 1 for a, b in ranges) == 12000

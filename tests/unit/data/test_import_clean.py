"""Clean files import the same whatever their encoding, delimiter or format, and only once."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from credtrack.importing import ImportOptions, check, preview, run_import
from credtrack.models import (
    Assessment,
    AuditEvent,
    Completion,
    Enrolment,
    Person,
    Profession,
    evidence,
)
from credtrack.services.audit.log import verify_chain
from tests.unit.data.conftest import EDUCATOR, SIGNER_PASSWORD

HEADER = ["Employee ID", "Name", "E-mail", "PROFESSION", "unit_department", "Start_Date", "end date"]
ROWS = [
    ["N100", "Zoë O'Brien", "zoe@example.org", "NURS", "4 West", "2023-09-04", ""],
    ["N101", "José Núñez", "jose@example.org", "Pharmacy", "ICU", "2023-10-02", "2024-03-29"],
    ["N102", "Renée Côté", "", "social work", "", "2024-01-15", ""],
]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252"]
DELIMITERS = [",", ";", "\t"]


def _write_csv(path, rows, encoding, delimiter):
    lines = [delimiter.join(HEADER)] + [delimiter.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _people(db):
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(
                Person.external_id,
                Person.full_name,
                Person.email,
                Profession.code,
                Person.unit,
                Person.start_date,
                Person.end_date,
                Person.status,
                Person.search_key,
            )
            .outerjoin(Profession)
            .where(Person.external_id.like("N%"))
            .order_by(Person.external_id)
        ).all()
        return [tuple(r) for r in rows]


EXPECTED = [
    (
        "N100",
        "Zoë O'Brien",
        "zoe@example.org",
        "NURS",
        "4 West",
        dt.date(2023, 9, 4),
        None,
        "active",
        "zoe o'brien n100",
    ),
    (
        "N101",
        "José Núñez",
        "jose@example.org",
        "PHARM",
        None,  # in ICU until they left on 2024-03-29 (their unit history says so), in no unit now
        dt.date(2023, 10, 2),
        dt.date(2024, 3, 29),
        "inactive",
        "jose nunez n101",
    ),
    ("N102", "Renée Côté", None, "SW", None, dt.date(2024, 1, 15), None, "active", "renee cote n102"),
]


@pytest.mark.parametrize("delimiter", DELIMITERS, ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_each_encoding_and_delimiter_imports_identically(db, seeded, tmp_path, encoding, delimiter):
    path = _write_csv(tmp_path / "people.csv", ROWS, encoding, delimiter)
    shown = preview("people", path, remembered={})
    assert shown.encoding == encoding
    assert set(shown.mapping) == {"external_id", "full_name", "email", "profession", "unit", "start_date", "end_date"}
    result = run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False)
    assert (result.value.inserted, result.value.updated, result.value.unchanged) == (3, 0, 0)
    assert _people(db) == EXPECTED


def test_xlsx_with_real_dates_serials_and_text_dates_imports_identically(db, seeded, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["N100", "Zoë O'Brien", "zoe@example.org", "NURS", "4 West", dt.datetime(2023, 9, 4), None])
    sheet.append(["N101", "José Núñez", "jose@example.org", "Pharmacy", "ICU", 45201, "29/03/2024"])
    sheet.append(["N102", "Renée Côté", None, "social work", None, "15 Jan 2024", None])
    path = tmp_path / "people.xlsx"
    book.save(path)
    result = run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False)
    assert result.value.inserted == 3
    assert _people(db) == EXPECTED


def _counts(db):
    with db.unit_of_work() as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(m))
            for m in (Person, Enrolment, Completion, Assessment, AuditEvent)
        )


def test_importing_every_kind_twice_changes_nothing_the_second_time(db, seeded, signer, tmp_path):
    files = {
        "people": _write_csv(tmp_path / "people.csv", ROWS, "utf-8", ","),
        "enrolments": tmp_path / "enrolments.csv",
        "completions": tmp_path / "completions.csv",
        "assessments": tmp_path / "assessments.csv",
    }
    files["enrolments"].write_text("External ID,Cohort,Enrolled on\nN100,C2024,2024-01-08\nP001,c2024,\n")
    files["completions"].write_text(
        "External ID,Module,Completed on\nN100,IPE-101,2024-02-01\nN100,SIM-201,01/03/2024\n"
        "P001,ENR-301,2024-02-14\nN101,ipe-101,45330\n"
    )
    files["assessments"].write_text(
        "External ID,Competency,Scale,Level,Assessed on,Assessor ID,Assessor name,Method\n"
        "N100,VE1,ENTRUST5,4,2024-03-01,R001,,Direct observation\n"
        "N100,RR1,METNOT,Met,2024-03-02,,Dana Visiting,simulation\n"
        "N101,IPEC-2023:C1,ENTRUST5,Entrustment 3,2024-03-03,R002,,\n"
    )
    signed = {
        "attestation_accepted": True,
        "password": SIGNER_PASSWORD,
        "options": ImportOptions(historical=True),
    }  # Dana Visiting is not on record
    for kind, path in files.items():
        extra = signed if kind == "assessments" else {}
        first = run_import(db.unit_of_work(), signer, kind, path, remembered={}, remember=False, **extra).value
        assert first.problems == [] and first.inserted > 0, kind
    after_first = _counts(db)
    assert after_first == (8, 2, 4, 3, 7)  # 4 imports + the signer fixture: two accounts and a sign-in
    for kind, path in files.items():
        extra = signed if kind == "assessments" else {}
        again = run_import(db.unit_of_work(), signer, kind, path, remembered={}, remember=False, **extra).value
        assert (again.inserted, again.updated) == (0, 0), kind
        assert again.unchanged == again.rows
    assert _counts(db) == after_first

    with db.unit_of_work() as uow:
        s = uow.session
        sim = s.execute(
            select(Completion.completed_on, Completion.verification, Completion.source).where(
                Completion.module_id == seeded.modules["SIM-201"]
            )
        ).one()
        assert tuple(sim) == (dt.date(2024, 3, 1), "pending", "import")
        visiting = s.scalars(select(Assessment).where(Assessment.assessor_name == "Dana Visiting")).one()
        assert visiting.level_id == seeded.levels[("METNOT", "M")] and visiting.assessor_profession_id is None
        assert visiting.verification == "pending"  # historical: not counted until an educator confirms it
        rita = s.scalars(select(Assessment).where(Assessment.assessor_person_id == seeded.people["R001"])).one()
        assert rita.assessor_name == "Rita Preceptor"
        assert rita.assessor_profession_id == seeded.professions["PHARM"]
        assert verify_chain(s).intact
        # Imported records reach the packed evidence that progress and reports read (pending ones do not).
        assert evidence.stale_people(s.connection()) == []
        n100 = s.scalar(
            select(evidence.PersonEvidence.completions).where(
                evidence.PersonEvidence.person_id == s.scalar(select(Person.id).where(Person.external_id == "N100"))
            )
        )
        assert f",{seeded.modules['IPE-101']}:2024-02-01," in n100
        assert f",{seeded.modules['SIM-201']}:" not in n100


def test_reimport_with_changes_updates_people_and_records_the_difference(db, seeded, tmp_path):
    path = _write_csv(tmp_path / "people.csv", ROWS, "utf-8", ",")
    run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False)
    changed = [row[:] for row in ROWS]
    changed[0][6] = "2024-06-30"  # N100 left
    changed[2][2] = ""  # a blank cell keeps what is stored
    path = _write_csv(tmp_path / "people2.csv", changed, "utf-8", ",")
    dry = check(db.unit_of_work(), EDUCATOR, "people", path, remembered={})
    assert (dry.inserted, dry.updated, dry.unchanged, dry.committed) == (0, 1, 2, False)
    report = run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False).value
    assert report.updated == 1
    with db.unit_of_work() as uow:
        person = uow.session.scalars(select(Person).where(Person.external_id == "N100")).one()
        assert (person.end_date, person.version) == (dt.date(2024, 6, 30), 2)
        event = uow.session.get(AuditEvent, report.audit_event_id)
        assert event.action == "import.people" and report.sha256 in event.after_json
        assert '"end_date":[null,"2024-06-30"]' in event.after_json


def test_mapping_is_remembered_per_kind(db, seeded, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Badge,Who\nN200,Ann Odd\n", encoding="utf-8")
    mapping = {"external_id": "Badge", "full_name": "Who"}
    run_import(db.unit_of_work(), EDUCATOR, "people", path, mapping=mapping)
    assert preview("people", path).mapping == mapping
    assert check(db.unit_of_work(), EDUCATOR, "people", path).unchanged == 1


def test_people_who_have_left_are_inactive_and_a_future_leaving_date_waits(db, seeded, tmp_path):
    path = tmp_path / "leavers.csv"
    path.write_text(
        "External ID,Name,End date,Status\nL1,Left Already,2024-03-29,\nL2,Leaving Later,2024-12-31,\n"
        "L3,Kept Active,2024-01-31,active\n",
        encoding="utf-8",
    )
    options = ImportOptions(today=dt.date(2024, 6, 1))
    report = check(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, options=options)
    assert report.problems == []
    run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False, options=options)
    with db.unit_of_work() as uow:
        status = dict(
            uow.session.execute(select(Person.external_id, Person.status).where(Person.external_id.like("L%"))).all()
        )
    assert status == {"L1": "inactive", "L2": "active", "L3": "active"}
    # A later file giving a leaving date for someone on record makes them inactive too.
    path.write_text("External ID,Name,End date\nP001,Nguyễn Thị Minh,2024-05-01\n", encoding="utf-8")
    report = check(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, options=options)
    assert report.problems == []
    run_import(db.unit_of_work(), EDUCATOR, "people", path, remembered={}, remember=False, options=options)
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(Person.status).where(Person.external_id == "P001")) == "inactive"

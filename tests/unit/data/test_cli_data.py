"""credtrack-cli import / export / report / transcript, end to end on a SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from credtrack.cli import main
from credtrack.models import Credential, Person, Unit, UnitMembership
from credtrack.reports import achieved_days
from credtrack.reports.achievement import Achievements
from credtrack.services import rating_sources
from credtrack.services.accounts import users as accounts
from credtrack.services.database import open_database
from credtrack.services.permissions import SYSTEM
from credtrack.services.progress.credential_rules import load_rules
from tests.unit.data.conftest import FIXTURES, seed


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = open_database(url)
    seed(db)
    accounts.create_user(db.unit_of_work(), SYSTEM, username="admin", password="a-long-password", role="admin")
    db.dispose()
    monkeypatch.setenv("CREDTRACK_DATABASE_URL", url)
    monkeypatch.setenv("CREDTRACK_USER", "admin")
    monkeypatch.setenv("CREDTRACK_PASSWORD", "a-long-password")
    return url


def test_import_prints_one_line_per_problem_and_exits_non_zero(cli_db, capsys):
    code = main(["import", "completions", str(FIXTURES / "completions_unknown_module.csv"), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[0].startswith("row 3, column Module: unknown module code 'NOPE-999'")


def test_import_dry_run_then_import_then_export_and_report(cli_db, tmp_path, capsys):
    people = tmp_path / "people.csv"
    people.write_text("Badge;Who;Profession\nN1;Ann Example;NURS\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text('{"external_id": "Badge", "full_name": "Who"}', encoding="utf-8")
    assert main(["import", "people", str(people), "--mapping", str(mapping), "--dry-run"]) == 0
    assert "would import 1 new" in capsys.readouterr().out
    assert main(["import", "preceptors", str(people), "--mapping", str(mapping)]) == 0
    assert "imported 1 new" in capsys.readouterr().out
    out = tmp_path / "people.xlsx"
    assert main(["export", "people", "--out", str(out)]) == 0
    assert "Wrote 6 rows" in capsys.readouterr().out
    from openpyxl import load_workbook

    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("N1", "Ann Example")
    assert main(["report", "interprofessionality-summary"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[0] == "profession,learners,mean_assessor_professions,share_with_2_or_more"
    )
    assert main(["transcript", "N1", "--out", str(tmp_path / "n1.pdf")]) == 0
    assert (tmp_path / "n1.pdf").read_bytes().startswith(b"%PDF")


def test_importing_sign_offs_is_attested_and_invented_assessors_are_refused(cli_db, tmp_path, capsys):
    path = tmp_path / "signoffs.csv"
    path.write_text(
        "External ID,Competency,Scale,Level,Assessed on,Assessor name,Assessor profession\n"
        "P001,VE1,ENTRUST5,4,2024-03-01,Rita Preceptor,\n"
        "P002,VE1,ENTRUST5,4,2024-03-01,Jane Doe,Social work\n",
        encoding="utf-8",
    )
    assert main(["import", "assessments", str(path)]) == 1
    assert "row 3, column Assessor name: the assessor 'Jane Doe' is not a person on record" in capsys.readouterr().out
    assert main(["import", "assessments", str(path), "--historical"]) == 1
    err = capsys.readouterr().err
    assert "attested act" in err and "--attest" in err and "Traceback" not in err
    assert main(["import", "assessments", str(path), "--historical", "--attest"]) == 0
    assert "imported 2 new" in capsys.readouterr().out


def test_importing_ratings_is_checked_by_row_then_attested(cli_db, tmp_path, capsys):
    db = open_database(cli_db)
    rating_sources.create_source(
        db.unit_of_work(), SYSTEM, code="PEER", name="Colleague", scale_code="ENTRUST5", competency_codes=["VE1", "C1"]
    )
    db.dispose()
    path = tmp_path / "ratings.csv"
    header = "Learner ID,Source,Rated on,Rater name,How collected,VE1,C1,RR1\n"
    path.write_text(header + "P001,PEER,2024-03-01,Grace Ho,paper_form,4,,M\n", encoding="utf-8")
    assert main(["import", "ratings", str(path), "--dry-run"]) == 1
    assert capsys.readouterr().out.splitlines()[0].startswith("row 2, column RR1: Colleague (PEER) does not rate RR1")
    path.write_text(header + "P001,PEER,2024-03-01,Grace Ho,paper_form,4,5,\n", encoding="utf-8")
    assert main(["import", "ratings", str(path), "--dry-run"]) == 0
    assert "would import 1 new" in capsys.readouterr().out
    assert main(["import", "ratings", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Importing ratings is an attested act" in err and "--attest" in err and "Traceback" not in err
    assert main(["import", "ratings", str(path), "--attest"]) == 0
    assert "imported 1 new" in capsys.readouterr().out


def test_a_report_by_unit_runs_over_the_period_given_and_a_bad_period_is_one_line(cli_db, tmp_path, capsys):
    db = open_database(cli_db)
    with db.unit_of_work() as uow:
        s = uow.session
        people = dict(s.execute(select(Person.external_id, Person.id)).all())
        units = dict(s.execute(select(Unit.name, Unit.id)).all())
        s.add(UnitMembership(person_id=people["P001"], unit_id=units["ICU"], start_date=dt.date(2024, 1, 8)))
        s.add(UnitMembership(person_id=people["P002"], unit_id=units["4 West"], start_date=dt.date(2024, 3, 1)))
        uow.commit()
    db.dispose()
    assert main(["report", "unit-rating-coverage", "--from", "2024-01-01", "--to", "2024-02-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "unit,people,rated,from_2_sources,share_2_sources,from_3_sources,share_3_sources",
        "ICU,1,0,0,0,0,0",  # P002 joined 4 West after the period
    ]
    out = tmp_path / "support.xlsx"
    assert main(["report", "units-to-support", "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out)]) == 0
    from openpyxl import load_workbook

    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert [row[:2] for row in rows] == [("unit", "people"), ("4 West", 1), ("ICU", 1)]
    # The report read its first days from the projection, brought in step first as the desktop does.
    db = open_database(cli_db)
    with db.unit_of_work() as uow:
        credentials = list(uow.session.scalars(select(Credential.id)))
        kept = achieved_days.trusted(uow.session, load_rules(uow.session, credentials))
    db.dispose()
    assert kept is not None and kept.stale == [] and kept.credentials == frozenset(credentials)
    assert main(["report", "unit-completion", "--from", "2024-03-01", "--to", "2024-02-01"]) == 1
    err = capsys.readouterr().err
    assert "starts on 2024-03-01, after it ends (2024-02-01)" in err and "Traceback" not in err
    assert main(["report", "unit-completion", "--to", "31/12/2024"]) == 1
    assert "--to '31/12/2024' is not a date (use YYYY-MM-DD)" in capsys.readouterr().err


def test_an_import_leaves_the_first_achievement_days_in_step_with_what_it_changed(cli_db, tmp_path, capsys):
    cohort = tmp_path / "enrolments.csv"
    cohort.write_text("External ID,Cohort,Enrolled on\nP001,C2024,2024-01-08\n")
    assert main(["import", "enrolments", str(cohort)]) == 0
    path = tmp_path / "completions.csv"
    path.write_text("External ID,Module,Completed on\nP001,ENR-301,2024-02-01\nP003,IPE-101,2024-02-03\n")
    assert main(["import", "completions", str(path)]) == 0
    assert "imported 2 new" in capsys.readouterr().out
    db = open_database(cli_db)
    with db.unit_of_work() as uow:
        credentials = list(uow.session.scalars(select(Credential.id)))
        kept = achieved_days.trusted(uow.session, load_rules(uow.session, credentials))
        days = Achievements(uow.session, credentials, stored=False)
        judged = {cid: days.days(cid) for cid in credentials}
    db.dispose()
    assert kept is not None and kept.stale == []  # the two learners' new rows were judged before the command ended
    assert {cid: kept.days(cid) for cid in credentials} == judged
    assert [len(found) for found in judged.values() if found] == [1]  # the residency huddles credential

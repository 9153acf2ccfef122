"""Import page: mapping, the dry run's problems by row and column, all-or-nothing import, cancel, roles."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from sqlalchemy import func, select

from credtrack import importing
from credtrack.errors import PermissionDenied
from credtrack.models import AuditEvent, Person
from credtrack.services import rating_sources, units
from credtrack.services.changes import Change
from credtrack.services.permissions import SYSTEM
from credtrack.ui.main_window import MainWindow
from credtrack.ui.pages.importing import ImportPage
from credtrack.ui.tasks import TaskRunner
from tests.ui.conftest import add_user, open_page, tab_through

HEADER = "Employee ID,Name,Email,Profession,Unit,Start date\n"
CLEAN = HEADER + (
    "N900,Zoë O'Brien,zoe@example.org,Nursing,4 West,2024-01-08\n"
    "N901,José Núñez,jose@example.org,Pharmacy,ICU,2024-02-01\n"
)
BAD = HEADER + (
    "N900,Zoë O'Brien,zoe@example.org,Nursing,4 West,2024-01-08\n"
    "N901,José Núñez,jose@example.org,Astrology,ICU,2024-13-01\n"
    "N902,,x@example.org,Nursing,ICU,2024-02-01\n"
)


@pytest.fixture(autouse=True)
def _units(demo_db) -> None:
    """The units the files name: a people file puts people in units that exist (an unknown one is a problem)."""
    for name in ("4 West", "ICU", "6 West", *(f"Unit {i}" for i in range(7))):
        units.create_unit(demo_db.unit_of_work(), SYSTEM, name=name)


def _page(qtbot, ctx) -> ImportPage:
    return open_page(qtbot, ImportPage, ctx)


def _file(tmp_path: Path, text: str, name: str = "people.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _people(db, prefix: str = "N9") -> dict[str, tuple]:
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(Person.external_id, Person.full_name, Person.email, Person.unit).where(
                Person.external_id.like(f"{prefix}%")
            )
        ).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def _import_events(db) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("import.%"))
        )


def test_the_mapping_step_shows_each_column_with_the_suggested_field(qtbot, demo_ctx, tmp_path):
    page = _page(qtbot, demo_ctx())
    page.load_file(_file(tmp_path, CLEAN))
    assert page.mapping.headers == ["Employee ID", "Name", "Email", "Profession", "Unit", "Start date"]
    assert [c.currentData() for c in page.mapping.combos] == [
        "external_id",
        "full_name",
        "email",
        "profession",
        "unit",
        "start_date",
    ]
    assert "2 rows" in page.file_info.text() and "UTF-8" in page.file_info.text()
    assert page.check_button.isEnabled() and not page.import_button.isEnabled()
    # A required field left unmapped is named, and the file cannot be checked until it is mapped.
    page.mapping.choose("Name", None)
    assert "Full name" in page.mapping.missing.text()
    assert not page.check_button.isEnabled()
    # Choosing a field already taken moves it: one column per field.
    page.mapping.choose("Unit", "full_name")
    page.mapping.choose("Name", "full_name")
    assert page.mapping.mapping()["full_name"] == "Name" and page.mapping.mapping()["unit"] == ""


def test_dry_run_of_a_bad_file_lists_problems_by_row_and_column_and_writes_nothing(qtbot, demo_ctx, demo_db, tmp_path):
    page = _page(qtbot, demo_ctx())
    events = _import_events(demo_db)
    page.load_file(_file(tmp_path, BAD))
    page.check_button.click()
    found = {(p.row, p.column) for p in page.problems.rows()}
    assert found == {(3, "Profession"), (3, "Start date"), (4, "Name")}
    shown = {
        (page.problems_proxy.index(r, 0).data(), page.problems_proxy.index(r, 1).data())
        for r in range(page.problems_proxy.rowCount())
    }
    assert shown == {("3", "Profession"), ("3", "Start date"), ("4", "Name")}
    assert page.banner.tone == "bad"
    assert "3 problems in 2 rows" in page.banner.headline.text()
    assert not page.import_button.isEnabled()
    page.import_file()  # even asked directly, an unchecked file is not imported
    assert _people(demo_db) == {}
    assert _import_events(demo_db) == events


def test_a_clean_file_imports_and_the_rows_are_in_the_database(qtbot, demo_ctx, demo_db, tmp_path):
    ctx = demo_ctx()
    page = _page(qtbot, ctx)
    broadcasts = []
    ctx.hub.changed.connect(broadcasts.append)
    page.load_file(_file(tmp_path, CLEAN))
    page.check_button.click()
    assert page.banner.tone == "good" and page.problems.rowCount() == 0
    assert "would import 2 new" in page.banner.detail.text()
    assert _people(demo_db) == {}  # the dry run wrote nothing
    assert page.import_button.isEnabled()
    page.import_button.click()
    assert _people(demo_db) == {
        "N900": ("Zoë O'Brien", "zoe@example.org", "4 West"),
        "N901": ("José Núñez", "jose@example.org", "ICU"),
    }
    assert page.banner.tone == "good" and "imported 2 new" in page.banner.detail.text()
    assert any(change & Change.PEOPLE for change in broadcasts)
    assert not page.import_button.isEnabled()  # the same file again needs a new check
    assert _import_events(demo_db) == 1


def test_a_change_after_the_check_needs_a_new_check_and_a_column_left_out_stays_out(qtbot, demo_ctx, demo_db, tmp_path):
    page = _page(qtbot, demo_ctx())
    page.load_file(_file(tmp_path, CLEAN))
    page.check_button.click()
    assert page.import_button.isEnabled()
    page.mapping.choose("Email", None)
    assert not page.import_button.isEnabled()
    assert "Check the file again" in page.banner.headline.text()
    page.check_button.click()
    page.import_button.click()
    assert {email for _name, email, _unit in _people(demo_db).values()} == {None}


def test_cancel_during_the_import_leaves_nothing(qtbot, demo_ctx, demo_db, tmp_path):
    page = _page(qtbot, demo_ctx())
    page.load_file(_file(tmp_path, CLEAN))
    page.check_button.click()
    events = _import_events(demo_db)
    reported = []

    def progressed(done, total, stage):
        reported.append(stage)
        page.cancel_button.click()  # the person presses Cancel while the import runs

    page._progressed = progressed
    page.import_button.click()
    assert reported
    assert _people(demo_db) == {}
    assert _import_events(demo_db) == events
    assert page.banner.tone == "info" and "nothing was written" in page.banner.headline.text()
    assert not page.cancel_button.isVisible() and page.kind.isEnabled()


def test_an_unreadable_file_is_explained_on_the_page(qtbot, demo_ctx, boxes):
    page = _page(qtbot, demo_ctx())
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "completions_utf16.csv"
    page.kind.setCurrentIndex(page.kind.findData("completions"))
    page.load_file(str(fixture))
    assert page.banner.tone == "bad" and "UTF-16" in page.banner.detail.text()
    assert not page.check_button.isEnabled()
    assert boxes.shown == []


def test_a_mapping_chosen_by_hand_is_offered_again_for_the_next_file(qtbot, demo_ctx, tmp_path):
    page = _page(qtbot, demo_ctx())
    odd = "Badge,Who,Ward\nN950,Ann Odd,6 West\n"
    page.load_file(_file(tmp_path, odd, "first.csv"))
    page.mapping.choose("Badge", "external_id")
    page.mapping.choose("Who", "full_name")
    page.check_button.click()
    page.import_button.click()
    assert page.banner.tone == "good"
    page.load_file(_file(tmp_path, odd.replace("N950,Ann Odd", "N951,Bo Odd"), "second.csv"))
    assert page.mapping.mapping()["external_id"] == "Badge" and page.mapping.mapping()["full_name"] == "Who"
    assert page.mapping.mapping()["unit"] == "Ward"


def test_a_large_import_runs_off_the_ui_thread_with_progress(qtbot, demo_ctx, demo_db, tmp_path, monkeypatch):
    ctx = demo_ctx()
    ctx.runner = TaskRunner()
    page = _page(qtbot, ctx)
    rows = 12_000
    text = HEADER + "".join(f"N9{i:05d},Person {i},,Nursing,Unit {i % 7},2024-01-08\n" for i in range(rows))
    threads, progress = set(), []
    real = importing.run_import

    def run_import(*args, **kwargs):
        threads.add(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "run_import", run_import)
    page.load_file(_file(tmp_path, text))
    qtbot.waitUntil(lambda: page.preview is not None, timeout=20000)
    page.check_button.click()
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=30000)
    shown = page._progressed

    def progressed(done, total, stage):
        progress.append((QThread.currentThread() is page.thread(), done, total, stage))
        shown(done, total, stage)

    page._progressed = progressed
    page.import_button.click()
    assert page.cancel_button.isVisible()  # the window is free while the worker imports
    qtbot.waitUntil(lambda: page.banner.headline.text() == "Imported", timeout=60000)
    assert len(_people(demo_db)) == rows
    assert threads and threading.get_ident() not in threads
    assert progress and all(on_ui for on_ui, *_ in progress)
    assert {stage for *_, stage in progress} == {"checking", "writing"}
    assert progress[-1][1:3] == (rows, rows)


def test_only_roles_that_may_import_see_the_page_and_the_service_refuses_the_rest(
    qtbot, sqlite_db, admin, make_ctx, tmp_path
):
    educator = add_user(sqlite_db, admin, "eddie", "educator")
    preceptor = add_user(sqlite_db, admin, "pat", "preceptor")
    viewer = add_user(sqlite_db, admin, "vic", "viewer")
    for actor, sees in ((admin, True), (educator, True), (preceptor, False), (viewer, False)):
        window = MainWindow(make_ctx(actor))
        qtbot.addWidget(window)
        assert (window.page(ImportPage) is not None) is sees, actor.role
    path = _file(tmp_path, CLEAN)
    for actor in (preceptor, viewer):
        with pytest.raises(PermissionDenied):
            importing.check(sqlite_db.unit_of_work(), actor, "people", path, remembered={})
        with pytest.raises(PermissionDenied):
            importing.run_import(sqlite_db.unit_of_work(), actor, "people", path, remembered={}, remember=False)


def test_tab_walks_the_choices_then_each_column_then_the_buttons(qtbot, demo_ctx, tmp_path):
    page = _page(qtbot, demo_ctx())
    page.load_file(_file(tmp_path, CLEAN))
    names = tab_through(qtbot, page, page.kind, 11)
    assert names == [
        "What the file holds",
        "C&hoose file…",
        "How to read dates like 03/04/2024",
        *(f"Field for column {h}" for h in page.mapping.headers),
        "&Check file",
        "Problems found",
    ]


def test_importing_sign_offs_asks_for_attestation_and_password_and_refuses_invented_assessors(
    qtbot, demo_ctx, demo_db, tmp_path
):
    from credtrack.models import Assessment
    from tests.ui.conftest import PASSWORD

    page = _page(qtbot, demo_ctx())
    page.kind.setCurrentIndex(page.kind.findData("assessments"))
    assert page.signing.isVisible()
    text = (
        "External ID,Competency,Scale,Level,Assessed on,Assessor ID,Assessor name,Assessor profession\n"
        "DEMO-000001,C1,ENTRUST5,4,2024-03-01,STAFF-002,,\n"
        "DEMO-000002,C1,ENTRUST5,4,2024-03-01,,Jane Doe,Social work\n"
    )
    page.load_file(_file(tmp_path, text, "signoffs.csv"))
    page.check_file()
    assert [p.row for p in page.report.problems] == [3], [p.describe() for p in page.report.problems]
    assert "not a person on record" in page.report.problems[0].message
    page.signing.historical.setChecked(True)
    page.check_file()
    assert page.report.ok and not page.import_button.isEnabled()  # not yet signed
    page.signing.attest.setChecked(True)
    assert not page.import_button.isEnabled()
    page.signing.password.setText(PASSWORD)
    assert page.import_button.isEnabled()
    with demo_db.unit_of_work() as uow:
        before = uow.session.scalar(select(func.count()).select_from(Assessment))
    page.import_file()
    assert page.banner.headline.text() == "Imported", page.banner.detail.text()
    assert page.signing.password.text() == ""
    with demo_db.unit_of_work() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(Assessment)) == before + 2
        assert s.scalar(select(func.count()).select_from(Assessment).where(Assessment.verification == "pending")) == 1
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "import.assessments"))
        assert event.reauthenticated and event.actor == "admin"


def test_importing_ratings_is_offered_and_signed_without_the_historical_choice(qtbot, demo_ctx, demo_db, tmp_path):
    from credtrack.models import Rating
    from tests.ui.conftest import PASSWORD

    page = _page(qtbot, demo_ctx())
    page.kind.setCurrentIndex(page.kind.findData("ratings"))
    assert page.signing.isVisible() and not page.signing.historical.isVisible()
    assert page.signing.attest_text.text() == importing.RATING_IMPORT_ATTESTATION
    patient = {s.code: s for s in rating_sources.list_sources(demo_db.unit_of_work(), SYSTEM)}["PATIENT"]
    code = patient.competency_codes[0]
    text = (
        f"Learner ID,Source,Rated on,Rater name,How collected,{code}\n"
        "DEMO-000001,PATIENT,2024-03-01,Ms Test Rater,interview,4\n"
        "DEMO-000002,PATIENT,2024-03-01,Ms Test Rater,signed,4\n"
    )
    page.load_file(_file(tmp_path, text, "ratings.csv"))
    assert "headed with a competency's code" in page.file_info.text()
    page.check_file()
    assert [(p.row, p.column) for p in page.report.problems] == [(3, "How collected")]
    page.load_file(_file(tmp_path, text.replace(",signed,", ",survey_export,"), "ratings2.csv"))
    page.check_file()
    assert page.report.ok and not page.import_button.isEnabled()  # not yet signed
    page.signing.attest.setChecked(True)
    page.signing.password.setText(PASSWORD)
    assert page.import_button.isEnabled()
    with demo_db.unit_of_work() as uow:
        before = uow.session.scalar(select(func.count()).select_from(Rating))
    page.import_file()
    assert page.banner.headline.text() == "Imported", page.banner.detail.text()
    with demo_db.unit_of_work() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(Rating)) == before + 2
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "import.ratings"))
        assert event.reauthenticated and event.actor == "admin"
    page.kind.setCurrentIndex(page.kind.findData("assessments"))  # another attestation: signed afresh
    assert page.signing.historical.isVisible() and not page.signing.attest.isChecked()


def test_importing_improvement_work_is_offered_unsigned_and_names_a_bad_team_by_row(qtbot, demo_ctx, demo_db, tmp_path):
    from credtrack.models import ImprovementWork

    page = _page(qtbot, demo_ctx())
    page.kind.setCurrentIndex(page.kind.findData("improvement"))
    assert not page.signing.isVisible()  # imported work awaits its supervisor's signature, not the importer's
    text = (
        "Learner ID,Kind,Title,Started on,Ended on,Team\n"
        "DEMO-000001,QI project,Sepsis screening,2024-01-08,2024-04-30,Ines Ferreira (MED); Sam Lee (PHARM)\n"
        "DEMO-000002,Safety event review,Insulin near miss,2024-02-01,,Ana Ruiz - RT\n"
    )
    page.load_file(_file(tmp_path, text, "improvement.csv"))
    assert "Name (PROFESSION)" in page.file_info.text()
    page.check_file()
    assert [(p.row, p.column) for p in page.report.problems] == [(3, "Team")]
    page.load_file(_file(tmp_path, text.replace("Ana Ruiz - RT", "Ana Ruiz (RT)"), "improvement2.csv"))
    page.check_file()
    assert page.report.ok and page.import_button.isEnabled()
    with demo_db.unit_of_work() as uow:
        before = uow.session.scalar(select(func.count()).select_from(ImprovementWork))
    page.import_file()
    assert page.banner.headline.text() == "Imported", page.banner.detail.text()
    with demo_db.unit_of_work() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(ImprovementWork)) == before + 2
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "import.improvement")) is not None

"""Database faults as the desktop app meets them: a clear message on screen, no apology box, nothing lost.

A database from a newer credtrack or a damaged file stops at the sign-in window with what to do;
a file damaged deeper inside is found by the check the app runs on opening; a read-only file, a
write lock held by another program and a full disk each end one action with a message, the
records as they were. The trials (bench/trials/trial_db_faults.py) count these cases.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import event, func, select

from credtrack.db import Database
from credtrack.demo_names import UNITS
from credtrack.models import Person
from credtrack.ui.app import Launcher
from credtrack.ui.context import AppContext
from credtrack.ui.dialogs.person_dialog import PersonDialog
from credtrack.ui.pages.importing import ImportPage
from credtrack.ui.pages.people import PeoplePage
from credtrack.ui.tasks import TaskRunner
from tests.ui.conftest import PASSWORD, open_page


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _people(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(Person))


@pytest.fixture
def launch(qtbot):
    """Start the app on a file, as a person opening it would; closed again after the test."""
    started: list[Launcher] = []

    def start(path: Path) -> Launcher:
        launcher = Launcher(f"sqlite:///{path}", runner=TaskRunner(synchronous=True))
        launcher.start()
        assert launcher.login is not None
        launcher._open_in_background()  # the window need not be painted for the database to open
        started.append(launcher)
        return launcher

    yield start
    for launcher in started:  # the windows go before the launcher that their signals call
        if launcher._backup_timer is not None:
            launcher._backup_timer.stop()
        if launcher.login is not None:
            launcher.login.first_painted.disconnect()
            launcher.login.close()
            launcher.login.deleteLater()
        if launcher.db is not None:
            launcher.db.dispose()
    qtbot.wait(400)  # let the launcher's own timers run out while it is still alive


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zz_from_a_newer_credtrack'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file itself, so its bytes can be compared
    conn.close()


def _cut_in_half(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _header_wiped(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(bytes(100))


def _not_a_database(path: Path) -> None:
    path.write_text("Name,Unit\nAda,4 West\n" * 50, encoding="utf-8")


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (_newer, "newer than this copy of credtrack"),
        (_cut_in_half, "damaged"),
        (_header_wiped, "damaged"),
        (_not_a_database, "damaged"),
    ],
    ids=["newer-schema", "cut-in-half", "header-wiped", "not-a-database"],
)
def test_a_database_that_cannot_be_used_is_explained_at_sign_in_and_left_as_it_is(launch, demo_db, boxes, fault, says):
    path = demo_db.sqlite_path
    demo_db.dispose()
    fault(path)
    before = _sha(path)
    launcher = launch(path)
    message = launcher.login.message.text()
    assert says in message and ("restore" in message.lower() or "Install the newer credtrack" in message), message
    assert not launcher.login.sign_in_button.isEnabled()
    assert "apology" not in boxes.kinds()
    assert _sha(path) == before


def test_a_file_damaged_inside_is_found_by_the_check_on_opening(launch, demo_db, boxes):
    path = demo_db.sqlite_path
    demo_db.dispose()
    rng = random.Random(5)
    # Damage inside the records (sign-off pages), which opening the database does not read: the check on
    # opening must find it all the same.
    with sqlite3.connect(path) as conn:
        leaves = [
            n for (n,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'assessment' AND pagetype = 'leaf'")
        ]
    conn.close()
    with path.open("r+b") as handle:
        for page in rng.sample(leaves, 4):
            handle.seek((page - 1) * 4096)
            handle.write(rng.randbytes(4096))
    launcher = launch(path)
    assert [(kind, title) for kind, title, _text in boxes.shown] == [("error", "The database is damaged")]
    assert "restore the latest good backup" in boxes.texts()
    assert launcher.login.sign_in_button.isEnabled()  # reading is still possible, to find what to restore


def _add_person_through_the_page(qtbot, ctx: AppContext, monkeypatch) -> None:
    page = open_page(qtbot, PeoplePage, ctx)

    def fill(dialog: PersonDialog):
        dialog.full_name.setText("Zoë Fault-Tolerant")
        dialog.external_id.setText("FAULT-1")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PersonDialog, "exec", fill)
    page.new_button.click()


def test_a_read_only_file_lets_people_sign_in_and_says_why_nothing_saves(qtbot, demo_db, boxes, monkeypatch):
    from credtrack.services.accounts import users as accounts

    path = demo_db.sqlite_path
    demo_db.dispose()
    before = _sha(path)
    readonly = Database(f"sqlite:///file:{path}?mode=ro&uri=true")  # root ignores file modes
    try:
        actor = accounts.log_in(readonly.unit_of_work(), "admin", PASSWORD)
        people = _people(readonly)
        _add_person_through_the_page(
            qtbot, AppContext(readonly, actor, runner=TaskRunner(synchronous=True)), monkeypatch
        )
        assert [kind for kind in boxes.kinds() if kind != "confirm"] == ["error"]
        assert "read-only for you" in boxes.texts()
        assert _people(readonly) == people
    finally:
        readonly.dispose()
    assert _sha(path) == before


def test_a_write_lock_held_by_another_program_ends_in_a_busy_message_then_work_goes_on(
    qtbot, demo_db, demo_ctx, boxes, monkeypatch
):
    ctx = demo_ctx()
    people = _people(demo_db)
    holder = sqlite3.connect(demo_db.sqlite_path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE setting SET value = value")  # another program's unfinished write
    try:
        _add_person_through_the_page(qtbot, ctx, monkeypatch)
    finally:
        holder.rollback()
        holder.close()
    assert [kind for kind in boxes.kinds() if kind != "confirm"] == ["error"]
    assert "database is busy" in boxes.texts() and "Nothing was saved" in boxes.texts()
    assert _people(demo_db) == people
    boxes.shown.clear()
    _add_person_through_the_page(qtbot, ctx, monkeypatch)  # the lock is gone: the same action now saves
    assert "error" not in boxes.kinds()
    assert _people(demo_db) == people + 1


def test_a_full_disk_ends_an_import_with_a_message_and_imports_nothing(qtbot, demo_db, demo_ctx, boxes, tmp_path):
    ctx = demo_ctx()
    people = _people(demo_db)
    with demo_db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    demo_db.engine.dispose()

    @event.listens_for(demo_db.engine, "connect")
    def no_more_room(dbapi_connection, _record):  # SQLite answers as it does when the disk is full
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    source = tmp_path / "many.csv"
    source.write_text(
        "Employee ID,Name,Profession,Unit\n"
        + "".join(f"FULL-{i:05d},Person number {i} with a longer name,Nursing,{UNITS[i % 9]}\n" for i in range(4000)),
        encoding="utf-8",
    )
    page = open_page(qtbot, ImportPage, ctx)
    page.load_file(str(source))
    page.check_button.click()
    assert page.import_button.isEnabled(), page.banner.detail.text()
    page.import_button.click()
    assert page.banner.tone == "bad" and page.banner.headline.text() == "Nothing was imported"
    assert "disk holding the database is full" in page.banner.detail.text()
    assert "apology" not in boxes.kinds()
    event.remove(demo_db.engine, "connect", no_more_room)
    demo_db.engine.dispose()
    assert _people(demo_db) == people


def test_a_damaged_file_is_restored_from_a_backup_at_sign_in_then_people_sign_in(launch, demo_db, boxes, monkeypatch):
    from credtrack.services import backups
    from credtrack.ui.dialogs.restore_dialog import RestoreDialog

    path = demo_db.sqlite_path
    people = _people(demo_db)
    demo_db.dispose()
    good = backups.back_up_file(path, reason="manual", without_key=True).path
    _cut_in_half(path)
    launcher = launch(path)
    login = launcher.login
    assert login.restore_button.isVisible() and "Restore from backup… below" in login.message.text()
    offered = []
    monkeypatch.setattr(
        RestoreDialog, "exec", lambda dialog: offered.append(list(dialog.paths)) or QDialog.DialogCode.Accepted
    )
    monkeypatch.setattr(RestoreDialog, "chosen", lambda dialog: good)
    login.restore_button.click()
    assert offered == [[good]]  # the backups folder's backups were offered
    assert [(kind, title) for kind, title, _text in boxes.shown] == [("info", "Backup restored")]
    assert "The damaged file was kept" in boxes.texts()
    assert login.sign_in_button.isEnabled() and not login.restore_button.isVisible() and not login.message.text()
    assert _people(launcher.db) == people
    login.username.setText("admin")
    login.password.setText(PASSWORD)
    login.sign_in_button.click()
    assert launcher.window is not None
    launcher.window.idle.stop()
    launcher.window.close()

"""Engine settings, locked databases and concurrent edits."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text

from credtrack.db import Database, UnitOfWork, normalise_url
from credtrack.errors import ConcurrentEditError, DatabaseBusyError
from credtrack.models import Person
from credtrack.services import people, setup
from credtrack.services.permissions import Actor

EDUCATOR = Actor(id=None, username="ed", role="educator")


def test_sqlite_is_opened_with_the_safety_pragmas(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_plain_postgresql_urls_use_psycopg():
    assert normalise_url("postgresql://u:p@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_locked_database_reports_busy_and_saves_nothing(tmp_path, monkeypatch):
    import credtrack.db as dbmod

    monkeypatch.setattr(dbmod, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "locked.db"
    db = Database(f"sqlite:///{path}")
    from credtrack.models import Base

    Base.metadata.create_all(db.engine)
    setup.load_starter_data(db.unit_of_work())
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(DatabaseBusyError) as err:
            people.create_person(db.unit_of_work(), EDUCATOR, external_id="L-1", full_name="Lena Lock")
        assert "busy" in str(err.value) and "Nothing was saved" in str(err.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert people.count_people(db.unit_of_work(), EDUCATOR) == 0
    people.create_person(db.unit_of_work(), EDUCATOR, external_id="L-1", full_name="Lena Lock")
    assert people.count_people(db.unit_of_work(), EDUCATOR) == 1
    db.dispose()


def test_saving_over_a_newer_edit_is_refused_not_lost(db):
    """Two people open the same record; the one who saves second is told, and the first edit stays."""
    setup.load_starter_data(db.unit_of_work())
    row = people.create_person(db.unit_of_work(), EDUCATOR, external_id="C-1", full_name="Chris Concurrent").value
    people.update_person(db.unit_of_work(), EDUCATOR, row.id, expected_version=row.version, unit="Emergency")
    with pytest.raises(ConcurrentEditError) as err:
        people.update_person(db.unit_of_work(), EDUCATOR, row.id, expected_version=row.version, unit="Oncology")
    assert "changed by someone else" in str(err.value)
    assert people.get_person(db.unit_of_work(), EDUCATOR, row.id).unit == "Emergency"


def test_simultaneous_transactions_on_one_record_never_overwrite(db):
    setup.load_starter_data(db.unit_of_work())
    pid = people.create_person(db.unit_of_work(), EDUCATOR, external_id="C-2", full_name="Sam Simultaneous").value.id
    first, second = db.unit_of_work(), db.unit_of_work()
    with first, second:
        a = first.session.get(Person, pid)
        b = second.session.get(Person, pid)
        a.unit = "Emergency"
        first.commit()
        b.unit = "Oncology"
        with pytest.raises(ConcurrentEditError):
            second.commit()
    with db.unit_of_work() as uow:
        assert uow.session.get(Person, pid).unit == "Emergency"


def test_unit_of_work_rolls_back_without_commit(db):
    uow = db.unit_of_work()
    with uow:
        p = Person(external_id="R-1", full_name="Rolled Back", search_key="r")
        uow.session.add(p)
        uow.session.flush()
    assert people.count_people(db.unit_of_work(), EDUCATOR) == 0


def test_an_error_inside_a_unit_of_work_leaves_nothing(db):
    def failing(uow: UnitOfWork):
        with uow:
            uow.session.add(Person(external_id="R-2", full_name="Half Written", search_key="h"))
            uow.session.flush()
            raise RuntimeError("crash mid-action")

    with pytest.raises(RuntimeError):
        failing(db.unit_of_work())
    assert people.count_people(db.unit_of_work(), EDUCATOR) == 0


def test_concurrent_audit_writers_keep_one_chain(db):
    """Several workstations writing at once never fork the audit chain."""
    from credtrack.services.audit import log as audit

    setup.load_starter_data(db.unit_of_work())
    errors: list[BaseException] = []

    def add(n: int) -> None:
        for k in range(5):
            try:
                people.create_person(db.unit_of_work(), EDUCATOR, external_id=f"T{n}-{k}", full_name=f"Thread {n} {k}")
            except DatabaseBusyError:
                pass  # SQLite may ask a writer to retry; what matters is that the chain never forks
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with db.unit_of_work() as uow:
        report = audit.verify_chain(uow.session)
    assert report.intact, report.describe()
    assert report.events_checked == 1 + people.count_people(db.unit_of_work(), EDUCATOR)


def test_a_permission_checked_outside_a_unit_of_work_changes_how_no_later_transaction_begins(tmp_path):
    from credtrack.models import Base
    from credtrack.services.permissions import require

    path = tmp_path / "intent.db"
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing; readers are not held up by it
    try:
        require(EDUCATOR, "people.edit")  # a check made before any unit of work began
        with db.engine.connect() as conn:  # a plain read on this thread afterwards
            assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 0
        with db.unit_of_work() as uow:
            assert uow.session.execute(text("SELECT count(*) FROM person")).scalar() == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    db.dispose()

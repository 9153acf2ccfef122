"""The first administrator: made by set-up only while the database has no account at all."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from credtrack.db import Database
from credtrack.errors import PermissionDenied
from credtrack.models import Base, User
from credtrack.services.accounts import users as accounts
from credtrack.services.permissions import SYSTEM
from tests.conftest import _truncate_all
from tests.unit.records.builders import PASSWORD, build_world, cheap_hashing, snapshot


def test_set_up_cannot_add_an_administrator_once_any_account_exists(db) -> None:
    w = build_world(db)
    before = snapshot(db)
    with cheap_hashing(), pytest.raises(PermissionDenied, match="already has user accounts") as refused:
        accounts.create_user(w.uow(), SYSTEM, username="intruder", password=PASSWORD, role="admin")
    assert "credtrack-cli --user ADMIN users add NAME --role admin" in refused.value.message
    assert snapshot(db) == before
    # A signed-in administrator still can.
    with cheap_hashing():
        row = accounts.create_user(w.uow(), w.admin, username="second.admin", password=PASSWORD, role="admin").value
    assert row.role == "admin"


def test_two_workstations_setting_up_one_postgresql_database_make_only_one_administrator(postgres_database) -> None:
    """Workstation A is creating its administrator (not yet committed) when B asks for one too:
    B waits for A and is then refused, instead of both counting no accounts and both succeeding."""
    db = Database(postgres_database)
    Base.metadata.create_all(db.engine)
    _truncate_all(db.engine)
    outcome: list[object] = []
    try:
        with db.engine.connect() as a:
            transaction = a.begin()
            a.execute(text("LOCK TABLE user_account IN SHARE ROW EXCLUSIVE MODE"))  # as create_user does
            pending = Session(bind=a)
            pending.add(User(username="first", password_hash="x", role="admin"))
            pending.flush()

            def workstation_b() -> None:
                try:
                    with cheap_hashing():
                        outcome.append(
                            accounts.create_user(
                                db.unit_of_work(), SYSTEM, username="second", password=PASSWORD, role="admin"
                            ).value
                        )
                except Exception as exc:  # noqa: BLE001 - the test inspects what B met
                    outcome.append(exc)

            b = threading.Thread(target=workstation_b)
            b.start()
            while not outcome and not _someone_waits_for_a_lock(db):
                b.join(0.01)
            transaction.commit()
            b.join()
        assert len(outcome) == 1 and isinstance(outcome[0], accounts.FirstAccountExists), outcome
        with db.unit_of_work() as uow:
            assert uow.session.scalar(select(func.count()).select_from(User)) == 1
    finally:
        db.dispose()


def _someone_waits_for_a_lock(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar()
        )

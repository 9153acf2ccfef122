"""Database faults are noticed and stop work that would write into them, with a message that says what to do.

A read-only SQLite file still lets people sign in and look. A damaged SQLite file is found when the app
opens (and every hour after) and before a batch issue; on shared PostgreSQL one stuck transaction makes
the others wait a bounded time and then say the database is busy, never hang.
"""

from __future__ import annotations

import random
import time

import pytest
from sqlalchemy import func, select, text

from credtrack import backup, paths
from credtrack.db import Database, make_engine
from credtrack.errors import (
    AuthenticationError,
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseReadOnlyError,
)
from credtrack.models import Base, Certificate
from credtrack.services import backups
from credtrack.services.accounts import users as accounts
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.writers import WRITERS_LOCK
from tests.integration.test_certificate_world import DAY, PASSWORD, build_world


def damage(path, seed: int = 11, pages: int = 4) -> None:
    """Overwrite a few whole pages with noise, as a failing disk or a killed copy would."""
    rng = random.Random(seed)
    count = path.stat().st_size // 4096
    with path.open("r+b") as handle:
        for _ in range(pages):
            handle.seek(rng.randrange(1, count) * 4096)
            handle.write(rng.randbytes(4096))


@pytest.fixture
def damaged(tmp_path):
    path = tmp_path / "credtrack.db"
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    world = build_world(db, names=tuple(f"Learner {i:03}" for i in range(40)))
    db.dispose()
    damage(path)
    assert not backup.integrity_ok(path)[0]  # the precondition: SQLite itself finds the damage
    db = Database(f"sqlite:///{path}")
    yield db, world
    db.dispose()


def test_a_batch_is_refused_on_a_damaged_file_and_issues_nothing(damaged, tmp_path):
    db, world = damaged
    out = tmp_path / "out"
    with pytest.raises(DatabaseDamagedError) as refused:
        certificate_cohort.issue_cohort(db, world.educator, "2026-JAN", out, today=DAY, workers=1)
    message = refused.value.message
    assert "damaged" in message and "No certificate was issued" in message and "db restore" in message
    assert not out.exists() or not any(out.iterdir())
    assert not any(paths.batches_dir().iterdir())


def test_the_opening_check_finds_the_damage_and_keeps_good_backups(damaged):
    db, _world = damaged
    with pytest.raises(DatabaseDamagedError, match="No automatic backup was made"):
        backups.auto_backup(db.sqlite_path)
    assert backups.list_backups() == []


def test_a_batch_on_a_sound_file_is_not_held_up(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'sound.db'}")
    Base.metadata.create_all(db.engine)
    world = build_world(db, names=("Learner 001",))
    result = certificate_cohort.issue_cohort(db, world.educator, "2026-JAN", tmp_path / "out", today=DAY, workers=1)
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Certificate)) == len(result.value.issued) > 0
    db.dispose()


def test_a_stuck_transaction_on_postgresql_makes_others_wait_a_bounded_time_then_say_busy(postgres_db):
    db = postgres_db
    build_world(db)
    stuck = make_engine(db.url).connect()
    holder = stuck.begin()
    stuck.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITERS_LOCK})  # a workstation that hung
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusyError) as refused:
            accounts.log_in(db.unit_of_work(), "admin", PASSWORD)  # signing in writes to the audit log
        waited = time.monotonic() - started
        assert "busy" in refused.value.message and "Nothing was saved" in refused.value.message
        assert waited < 30
    finally:
        holder.rollback()
        stuck.close()
    assert accounts.log_in(db.unit_of_work(), "admin", PASSWORD).username == "admin"  # free again


def test_a_read_only_file_still_lets_people_sign_in_and_look_and_says_why_nothing_saves(tmp_path):
    from credtrack.services import people

    path = tmp_path / "credtrack.db"
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    build_world(db)
    db.dispose()
    before = path.read_bytes()
    # As a file the user may read but not write (root ignores file modes, so SQLite is told directly).
    readonly = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        actor = accounts.log_in(readonly.unit_of_work(), "edu", PASSWORD)
        assert actor.username == "edu"
        assert people.search_people(readonly.unit_of_work(), actor, "")  # reading works
        with pytest.raises(DatabaseReadOnlyError) as refused:
            people.create_person(readonly.unit_of_work(), actor, external_id="RO-1", full_name="Read Only")
        assert "read-only for you" in refused.value.message and "nothing was" in refused.value.message
        with pytest.raises(AuthenticationError, match="Wrong user name or password"):
            accounts.log_in(readonly.unit_of_work(), "edu", "not the password")
    finally:
        readonly.dispose()
    assert path.read_bytes() == before

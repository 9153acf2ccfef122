"""Backups: consistent copies, rotation, restore refusing a damaged file, integrity check."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

from credtrack import backup
from credtrack.db import open_database
from credtrack.errors import ValidationError
from credtrack.services import people, setup
from credtrack.services.permissions import Actor

EDUCATOR = Actor(id=None, username="ed", role="educator")


@pytest.fixture
def live(tmp_path):
    path = tmp_path / "credtrack.db"
    db = open_database(f"sqlite:///{path}")
    setup.load_starter_data(db.unit_of_work())
    people.create_person(db.unit_of_work(), EDUCATOR, external_id="B-1", full_name="Bao Backup")
    yield db, path
    db.dispose()


def test_backup_of_a_live_database_holds_its_records(live, tmp_path):
    db, path = live
    copy = backup.backup_sqlite(path, folder=tmp_path / "b")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT full_name FROM person").fetchall() == [("Bao Backup",)]
    assert backup.integrity_ok(copy) == (True, "ok")


def test_automatic_backups_rotate_and_are_not_repeated_within_the_interval(live, tmp_path):
    _db, path = live
    folder = tmp_path / "auto"
    first = backup.auto_backup(path, keep=3, folder=folder)
    assert first is not None
    assert backup.auto_backup(path, keep=3, folder=folder) is None  # a recent copy exists
    for _ in range(4):
        old = time.time() - 48 * 3600
        for p in folder.glob("*-auto.db"):
            os.utime(p, (old, old))
        assert backup.auto_backup(path, keep=3, folder=folder) is not None
    assert len(list(folder.glob("*-auto.db"))) == 3


def test_restore_replaces_the_database_and_refuses_a_damaged_copy(live, tmp_path):
    db, path = live
    copy = backup.backup_sqlite(path, folder=tmp_path / "b")
    people.create_person(db.unit_of_work(), EDUCATOR, external_id="B-2", full_name="After Backup")
    db.dispose()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(copy.read_bytes()[:4096] + b"\0garbage" * 512)
    with pytest.raises(ValidationError) as err:
        backup.restore_sqlite(damaged, path)
    assert "nothing was restored" in str(err.value)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (2,)
    backup.restore_sqlite(copy, path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT external_id FROM person").fetchall() == [("B-1",)]

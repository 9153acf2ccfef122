"""Schema migrations: created from empty equals the models; old files open and upgrade after a backup;
newer files are refused."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from credtrack import migrations, schema
from credtrack.db import Database
from credtrack.errors import DatabaseDamagedError, DatabaseOpenError, DatabaseTooNewError
from credtrack.models import Base, evidence
from credtrack.services import people
from credtrack.services.accounts.users import log_in
from credtrack.services.database import open_database

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _drift(db: Database) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = request.getfixturevalue("postgres_database")
    database = Database(url)
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    database.dispose()
    yield url
    database = Database(url)
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(database.engine)
    database.dispose()


def test_upgrade_from_empty_matches_the_models(empty_url):
    db = open_database(empty_url)
    try:
        assert schema.current_revision(db) == migrations.HEAD
        assert _drift(db) == []
    finally:
        db.dispose()


def test_head_constant_matches_the_newest_migration(sqlite_db):
    script = ScriptDirectory.from_config(schema.alembic_config(sqlite_db))
    assert script.get_current_head() == migrations.HEAD


def _copy_fixture(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(FIXTURES / name, target)
    return target


def test_database_from_the_first_revision_opens_upgrades_and_keeps_its_records(tmp_path):
    path = _copy_fixture(tmp_path, "schema-0001.db")
    backups = tmp_path / "backups"
    db = open_database(f"sqlite:///{path}", backup_dir=backups)
    try:
        assert schema.current_revision(db) == migrations.HEAD
        assert _drift(db) == []
        actor = log_in(db.unit_of_work(), "educator", "demo-password")
        found = people.search_people(db.unit_of_work(), actor, "")
        assert len([p for p in found if p.external_id.startswith("DEMO-")]) == 8
        with db.unit_of_work() as uow:  # the upgrade packed everyone's evidence from their records
            assert uow.session.scalar(text("SELECT count(*) FROM person_evidence")) > 0
            assert evidence.stale_people(uow.session.connection()) == []
    finally:
        db.dispose()
    copies = list(backups.glob("credtrack-*-before-upgrade-from-0001.zip"))
    assert len(copies) == 1
    with zipfile.ZipFile(copies[0]) as archive:
        (tmp_path / "before-upgrade.db").write_bytes(archive.read("credtrack.db"))
    with sqlite3.connect(tmp_path / "before-upgrade.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT count(*) FROM person WHERE external_id LIKE 'DEMO-%'").fetchone() == (8,)


def test_opening_a_current_database_makes_no_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'current.db'}"
    open_database(url, backup_dir=tmp_path / "b").dispose()
    open_database(url, backup_dir=tmp_path / "b").dispose()
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").iterdir())


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.db"
    open_database(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError) as err:
        open_database(f"sqlite:///{path}")
    assert "newer" in str(err.value) and "9999_from_the_future" in str(err.value)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_credtrack_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(DatabaseOpenError) as err:
        open_database(f"sqlite:///{path}")
    assert "not created by credtrack" in str(err.value)


def test_a_file_that_is_not_sqlite_is_refused_with_a_message(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is a text file, not a database\n" * 100)
    with pytest.raises(DatabaseDamagedError, match="file is not a database.*restore the latest good backup"):
        open_database(f"sqlite:///{path}")
    assert path.read_text() == "this is a text file, not a database\n" * 100

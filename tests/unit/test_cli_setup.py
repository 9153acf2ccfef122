"""credtrack-cli set-up commands on a database that is already in use."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from credtrack.models import Person, User
from credtrack.services import keys
from tests.unit.records.builders import PASSWORD, add_person, build_world, snapshot
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401 - the fixture


def test_init_admin_on_a_database_with_accounts_creates_nothing_and_names_the_signed_in_way(cli, db) -> None:  # noqa: F811
    build_world(db)
    before = snapshot(db)
    code, out, err = cli("init", "--admin", "mallory", password=ADMIN_PASSWORD)
    assert code == 3 and out == ""
    assert "already has user accounts" in err and "users add NAME --role admin" in err
    assert snapshot(db) == before
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(User).where(User.username == "mallory")) is None


def test_init_admin_on_an_empty_database_still_makes_the_first_administrator(cli) -> None:  # noqa: F811
    code, out, _ = cli("init", "--admin", "admin", password=ADMIN_PASSWORD)
    assert code == 0 and "Administrator account 'admin' created." in out
    code, out, err = cli("init", "--admin", "admin2", password=ADMIN_PASSWORD)
    assert code == 3 and "already has user accounts" in err


def test_keys_create_needs_a_sign_in_once_accounts_exist(cli, db) -> None:  # noqa: F811
    build_world(db)
    code, _out, err = cli("keys", "create")
    assert code == 4 and "Say who is acting" in err


def test_db_backup_and_restore_round_trip_and_postgresql_is_told_about_pg_dump(cli, db, monkeypatch, tmp_path):  # noqa: F811
    w = build_world(db)
    code, out, err = cli("db", "backup", user="admin", password=PASSWORD)
    if db.sqlite_path is None:
        assert code == 0 and "pg_dump" in out and "keys export-private" in out and err == ""
        code, out, err = cli("db", "restore", str(tmp_path / "any.zip"))
        assert code == 1 and "pg_restore" in err
        return
    assert code == 0, err
    written = Path(out.splitlines()[0].removeprefix("Backup written: "))
    assert written.is_file() and "signing key not included (no signing key was set up)" in out
    add_person(db, w.admin, "AFTER-1", "Added After Backup")
    code, out, err = cli("db", "restore", str(written), user="viewer", password=PASSWORD)
    assert code == 3 and "make or restore backups" in err
    code, out, err = cli("db", "restore", str(written), user="admin", password=PASSWORD)
    assert code == 0, err
    assert f"Restored {written.name}" in out and "backed up first" in out
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(Person).where(Person.external_id == "AFTER-1")) is None
    code, out, _ = cli("db", "backups")
    assert code == 0 and "\tmanual\t" in out and "\tbefore-restore\t" in out


def test_db_backup_with_an_unprotected_key_asks_for_a_backup_passphrase(cli, db, monkeypatch):  # noqa: F811
    if db.sqlite_path is None:
        return  # PostgreSQL: covered above (pg_dump)
    w = build_world(db)
    keys.create_issuer_key(db.unit_of_work(), w.admin)
    code, _out, err = cli("db", "backup", user="admin", password=PASSWORD)
    assert code == 1 and "never holds it in the clear" in err
    monkeypatch.setenv("BACKUP_PASS", "a backup passphrase")
    code, out, err = cli("db", "backup", "--passphrase-env", "BACKUP_PASS")
    assert code == 0 and "signing key encrypted with the backup passphrase" in out

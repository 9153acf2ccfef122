"""Backups: one file with the database, the checkpoints and the key (never in the clear); rotation that
removes only its own daily copies; restore that refuses a damaged, foreign or newer backup and keeps
the database it replaces."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from credtrack import backup, migrations, paths
from credtrack.certificates import keys as key_files
from credtrack.errors import AuthenticationError, PermissionDenied, ValidationError
from credtrack.models import AuditEvent
from credtrack.services import backups, keys, people, setup
from credtrack.services.accounts import users as accounts
from credtrack.services.audit import log as audit
from credtrack.services.database import open_database
from credtrack.services.permissions import SYSTEM, Actor
from tests.unit.records.builders import PASSWORD, cheap_hashing

EDUCATOR = Actor(id=None, username="ed", role="educator")
KEY_PASSPHRASE = "issuer key passphrase"


@pytest.fixture
def live(tmp_path):
    """A SQLite installation in the data folder: starter data, an administrator, one person, a signing key."""
    path = paths.default_database_path()
    db = open_database(f"sqlite:///{path}")
    setup.load_starter_data(db.unit_of_work())
    with cheap_hashing():
        accounts.create_user(db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin")
        admin = accounts.log_in(db.unit_of_work(), "admin", PASSWORD)
    people.create_person(db.unit_of_work(), admin, external_id="B-1", full_name="Bao Backup")
    yield db, path, admin
    db.dispose()


def _names(path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def _people(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT external_id FROM person ORDER BY external_id")]


def test_a_backup_holds_database_checkpoints_and_the_passphrase_protected_key(live):
    db, _path, admin = live
    kid = keys.create_issuer_key(db.unit_of_work(), admin, passphrase=KEY_PASSPHRASE).value.kid
    paths.checkpoints_file().write_text('{"checkpoint": 1}\n', encoding="utf-8")
    info = backups.create_backup(db, admin).value
    assert _names(info.path) == {"manifest.json", "credtrack.db", "audit-checkpoints.jsonl", "signing-key.pem"}
    with zipfile.ZipFile(info.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        pem = archive.read("signing-key.pem")
    assert manifest["schema_revision"] == migrations.HEAD and manifest["reason"] == "manual"
    assert manifest["key"] == {"kid": kid, "protection": "issuer's key passphrase"}
    assert set(manifest["members"]) == {"credtrack.db", "audit-checkpoints.jsonl", "signing-key.pem"}
    assert pem == key_files.private_key_path(kid).read_bytes() and key_files.pem_is_encrypted(pem)
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.backups_dir().stat().st_mode) == 0o700


def test_an_unprotected_key_goes_in_only_encrypted_under_a_backup_passphrase(live):
    db, _path, admin = live
    kid = keys.create_issuer_key(db.unit_of_work(), admin).value.kid
    with pytest.raises(ValidationError, match="never holds it in the clear"):
        backups.create_backup(db, admin)
    assert backups.list_backups() == []
    info = backups.create_backup(db, admin, passphrase="a backup passphrase").value
    with zipfile.ZipFile(info.path) as archive:
        pem = archive.read("signing-key.pem")
    assert key_files.pem_is_encrypted(pem)
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(pem, None)
    restored = serialization.load_pem_private_key(pem, b"a backup passphrase")
    assert key_files.kid_of(restored) == kid
    without = backups.create_backup(db, admin, without_key=True).value
    assert "signing-key.pem" not in _names(without.path) and without.key == "not included (left out on request)"
    automatic = backups.auto_backup(db.sqlite_path)
    assert automatic is not None and "signing-key.pem" not in _names(automatic.path)
    assert "no passphrase on this workstation" in automatic.key


def test_only_an_administrator_makes_a_manual_backup(live):
    db, _path, _admin = live
    with pytest.raises(PermissionDenied):
        backups.create_backup(db, EDUCATOR)


def test_daily_backups_rotate_without_touching_manual_ones(live, tmp_path):
    db, path, admin = live
    folder = paths.backups_dir()
    manual = backups.create_backup(db, admin).value.path
    foreign = folder / "credtrack-19990101-000000-000000-auto.zip"  # not a credtrack backup: never removed
    foreign.write_bytes(b"someone else's file")
    now = dt.datetime.now(dt.UTC)
    made = []
    for day in range(5):
        info = backups.auto_backup(path, keep=3, now=now + dt.timedelta(days=day, seconds=1))
        assert info is not None
        made.append(info.path)
        assert backups.auto_backup(path, keep=3, now=now + dt.timedelta(days=day, hours=23)) is None  # not due yet
    remaining = {b.path for b in backups.list_backups() if b.reason == "auto"}
    assert remaining == set(made[-3:])
    assert manual.exists() and foreign.exists()


def test_restore_refuses_a_damaged_or_altered_backup_and_leaves_the_database_as_it_was(live, tmp_path):
    db, path, admin = live
    good = backups.create_backup(db, admin).value.path
    people.create_person(db.unit_of_work(), admin, external_id="B-2", full_name="After Backup")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(altered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "credtrack.db":
                data = data.replace(b"Bao Backup", b"Bad Backup")
            dst.writestr(name, data)
    extra = tmp_path / "extra.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(extra, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
        dst.writestr("../../evil.sh", b"#!/bin/sh")
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello", encoding="utf-8")
    before = len(backups.list_backups())
    for bad, expected in (
        (truncated, "not a credtrack backup|damaged"),
        (altered, "failed its integrity check"),
        (extra, "members do not match"),
        (not_zip, "not a credtrack backup"),
        (tmp_path / "missing.zip", "is not a file"),
    ):
        with pytest.raises(ValidationError, match=expected) as refused:
            backups.restore(path, bad, admin)
        assert "nothing was restored" in refused.value.message.lower()
        assert _people(path) == ["B-1", "B-2"]
    assert len(backups.list_backups()) == before  # nothing half-done: no before-restore copy either
    assert not (tmp_path.parent / "evil.sh").exists()


def test_restore_refuses_a_backup_whose_database_fails_its_integrity_check(live, tmp_path):
    db, path, admin = live
    broken_db = tmp_path / "broken.db"
    backup.sqlite_copy(path, broken_db)
    conn = sqlite3.connect(broken_db)  # an index that no longer matches its table: the file still opens
    try:
        conn.execute("CREATE TABLE t (a INTEGER)")
        conn.execute("CREATE INDEX t_a ON t (a)")
        conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(50)])
        conn.commit()
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET rootpage = (SELECT rootpage FROM sqlite_master WHERE name = 't') "
            "WHERE name = 't_a'"
        )
        conn.commit()
    finally:
        conn.close()
    assert not backup.integrity_ok(broken_db, full=True)[0]
    forged = tmp_path / "consistent-manifest.zip"
    backup.write_backup(
        broken_db, tmp_path / "made", reason="manual", checkpoints=None, key_pem=None, key_kid=None, key_protection=""
    )
    made = next((tmp_path / "made").glob("*.zip"))
    os.replace(made, forged)
    with pytest.raises(ValidationError, match="failed its integrity check"):
        backups.restore(path, forged, admin)
    assert _people(path) == ["B-1"]


def test_restore_refuses_a_backup_from_a_newer_schema(live, tmp_path):
    db, path, admin = live
    newer_db = tmp_path / "newer.db"
    backup.sqlite_copy(path, newer_db)
    with sqlite3.connect(newer_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    backup.write_backup(
        newer_db, tmp_path / "made", reason="manual", checkpoints=None, key_pem=None, key_kid=None, key_protection=""
    )
    newer = next((tmp_path / "made").glob("*.zip"))
    with pytest.raises(ValidationError, match="made by a newer credtrack"):
        backups.restore(path, newer, admin)
    assert _people(path) == ["B-1"]


def test_restore_brings_back_database_checkpoints_and_key_after_keeping_the_current_one(live):
    db, path, admin = live
    kid = keys.create_issuer_key(db.unit_of_work(), admin, passphrase=KEY_PASSPHRASE).value.kid
    paths.checkpoints_file().write_text('{"checkpoint": "at backup"}\n', encoding="utf-8")
    good = backups.create_backup(db, admin).value.path
    people.create_person(db.unit_of_work(), admin, external_id="B-2", full_name="After Backup")
    paths.checkpoints_file().write_text('{"checkpoint": "later"}\n', encoding="utf-8")
    key_files.private_key_path(kid).unlink()  # the workstation lost its key file

    with pytest.raises(PermissionDenied):
        backups.restore(path, good, EDUCATOR)
    with pytest.raises(AuthenticationError, match="sign in"):
        backups.restore(path, good, None)
    report = backups.restore(path, good, admin).value
    assert _people(path) == ["B-1"]
    assert paths.checkpoints_file().read_text(encoding="utf-8") == '{"checkpoint": "at backup"}\n'
    assert key_files.private_key_path(kid).exists() and report.key.startswith("installed")
    assert stat.S_IMODE(key_files.private_key_path(kid).stat().st_mode) == 0o600
    assert key_files.load_private_key(kid, passphrase=KEY_PASSPHRASE) is not None
    assert report.previous is not None and _people_in_backup(report.previous) == ["B-1", "B-2"]
    assert {b.reason for b in backups.list_backups()} == {"manual", "before-restore"}

    with db.unit_of_work() as uow:  # the engine still open on the file sees the restored database
        assert audit.verify_chain(uow.session).intact
        last = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (last.action, last.actor) == ("backup.restore", "admin")


def _people_in_backup(path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        data = archive.read("credtrack.db")
    copy = path.with_suffix(".check.db")
    copy.write_bytes(data)
    try:
        return _people(copy)
    finally:
        copy.unlink()


def test_a_missing_or_damaged_database_is_restored_without_a_sign_in(live, tmp_path):
    db, path, admin = live
    good = backups.create_backup(db, admin).value.path
    db.dispose()
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    report = backups.restore(path, good, None).value
    assert report.previous is None and _people(path) == ["B-1"]
    # A file cut in half (SQLite cannot even read its pages) is kept as it was, then replaced.
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    damaged = path.read_bytes()
    report = backups.restore(path, good, None).value
    assert _people(path) == ["B-1"] and backup.integrity_ok(path)[0]
    assert report.previous is not None and report.previous.read_bytes() == damaged


def test_integrity_check_of_a_sound_file(live):
    _db, path, _admin = live
    assert backup.integrity_ok(path) == (True, "ok")

"""The upgrade to throttle2 drops the sign-in counts kept under the plain SHA-256 of names no account has."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from credtrack import migrations, schema
from credtrack.db import Database
from credtrack.services.database import open_database


def _digest(name: str) -> str:
    return hashlib.sha256(name.strip().casefold().encode("utf-8")).hexdigest()


def test_counts_for_unknown_names_go_and_those_for_accounts_stay(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'older.db'}"
    db = Database(url)
    schema.run_upgrade(db, "audit1")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO user_account (username, display_name, password_hash, role, active, "
                "failed_logins, version, created_at) VALUES ('Nurse.Ada', '', 'x', 'viewer', 1, 0, 1, '2026-01-01')"
            )
        )
        for source, name in [("ward-1", "nurse.ada"), ("ward-2", "NURSE.ADA"), ("ward-1", "Typed-As-Name-pw-9153")]:
            conn.execute(
                text("INSERT INTO login_throttle (source, name_digest, failures) VALUES (:s, :d, 3)"),
                {"s": source, "d": _digest(name)},
            )
    db.dispose()
    db = open_database(url, backup_dir=tmp_path / "backups")
    try:
        assert schema.current_revision(db) == migrations.HEAD
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT source, name_digest FROM login_throttle ORDER BY source")).all()
    finally:
        db.dispose()
    assert kept == [("ward-1", _digest("nurse.ada")), ("ward-2", _digest("nurse.ada"))]

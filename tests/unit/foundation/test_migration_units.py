"""The upgrade to units1 turns free-text units into units, each person in theirs from their start date."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sqlalchemy import text

from credtrack import migrations, schema
from credtrack.db import Database
from credtrack.services import units
from credtrack.services.accounts.users import log_in
from credtrack.services.audit import check as audit_check
from credtrack.services.database import open_database
from credtrack.services.permissions import SYSTEM
from tests.unit.foundation.test_migrations import FIXTURES, empty_url  # noqa: F401  (the fixture)

D = dt.date
# external id, free-text unit, start date (None: the day the record was made, 2024-05-06)
OLD_PEOPLE = [
    ("P1", "4 West", D(2024, 1, 8)),
    ("P2", "4 west", D(2024, 2, 1)),
    ("P3", "  4  West ", D(2024, 3, 1)),
    ("P4", "ICU", D(2023, 11, 20)),
    ("P5", "Emergency", None),
    ("P6", "", D(2024, 1, 8)),
    ("P7", None, D(2024, 1, 8)),
]


def _old_database(url: str) -> None:
    """A database as it stood before units were data (before the audit baseline, so the log vouches for it)."""
    db = Database(url)
    schema.run_upgrade(db, "trust1")
    with db.engine.begin() as conn:
        for ext, unit, start in OLD_PEOPLE:
            conn.execute(
                text(
                    "INSERT INTO person (external_id, full_name, search_key, unit, start_date, status, created_at, "
                    "version, updated_at) VALUES (:ext, :name, :key, :unit, :start, 'active', :made, 1, :made)"
                ),
                {
                    "ext": ext,
                    "name": f"Person {ext}",
                    "key": f"person {ext.lower()}",
                    "unit": unit,
                    "start": start,
                    "made": dt.datetime(2024, 5, 6, 9, 30),
                },
            )
    db.dispose()


def test_free_text_units_become_units_with_open_memberships_from_each_start(empty_url, tmp_path) -> None:  # noqa: F811
    _old_database(empty_url)
    db = open_database(empty_url, backup_dir=tmp_path / "backups")
    try:
        assert schema.current_revision(db) == migrations.HEAD
        with db.engine.connect() as conn:
            made = conn.execute(text("SELECT name, name_key, active FROM unit ORDER BY name_key")).all()
            held = conn.execute(
                text(
                    "SELECT p.external_id, p.unit, u.name, m.start_date, m.end_date FROM person p "
                    "LEFT JOIN unit_membership m ON m.person_id = p.id LEFT JOIN unit u ON u.id = m.unit_id "
                    "ORDER BY p.external_id"
                )
            ).all()
        assert [(n, k, bool(a)) for n, k, a in made] == [
            ("4 West", "4 west", True),  # spelt as most people had it
            ("Emergency", "emergency", True),
            ("ICU", "icu", True),
        ]
        assert [(e, p, u, _day(s), f) for e, p, u, s, f in held] == [
            ("P1", "4 West", "4 West", D(2024, 1, 8), None),
            ("P2", "4 West", "4 West", D(2024, 2, 1), None),  # each person's unit reads as the unit is named
            ("P3", "4 West", "4 West", D(2024, 3, 1), None),
            ("P4", "ICU", "ICU", D(2023, 11, 20), None),
            ("P5", "Emergency", "Emergency", D(2024, 5, 6), None),  # no start date: the day the record was made
            ("P6", "", None, None, None),
            ("P7", None, None, None, None),
        ]
        with db.unit_of_work() as uow:
            verdict = audit_check.verify(uow.session)
            action = uow.session.scalar(text("SELECT after_json FROM audit_event WHERE action = 'unit.from_free_text'"))
        assert verdict.intact, verdict.describe()
        assert '"units":3' in action.replace(" ", "") and '"memberships":5' in action.replace(" ", "")
    finally:
        db.dispose()


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def test_a_migrated_membership_is_history_a_move_builds_on(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'older.db'}"
    _old_database(url)
    db = open_database(url, backup_dir=tmp_path / "backups")
    try:
        with db.unit_of_work() as uow:
            pid = uow.session.scalar(text("SELECT id FROM person WHERE external_id = 'P4'"))
        units.move_person(db.unit_of_work(), SYSTEM, pid, "Emergency", "2024-06-01")
        spans = [(m.unit_name, m.start_date, m.end_date) for m in units.history(db.unit_of_work(), SYSTEM, pid)]
        assert spans == [("ICU", D(2023, 11, 20), D(2024, 5, 31)), ("Emergency", D(2024, 6, 1), None)]
        with db.unit_of_work() as uow:
            assert audit_check.verify(uow.session).intact
    finally:
        db.dispose()


def test_the_first_released_schema_upgrades_with_everyone_in_their_unit(tmp_path) -> None:
    path = tmp_path / "schema-0001.db"
    shutil.copy(Path(FIXTURES) / "schema-0001.db", path)
    db = open_database(f"sqlite:///{path}", backup_dir=tmp_path / "backups")
    try:
        actor = log_in(db.unit_of_work(), "educator", "demo-password")
        with db.engine.connect() as conn:
            with_unit = conn.execute(text("SELECT count(*) FROM person WHERE unit IS NOT NULL AND unit <> ''")).scalar()
            open_ones = conn.execute(text("SELECT count(*) FROM unit_membership WHERE end_date IS NULL")).scalar()
        assert with_unit and open_ones == with_unit
        listed = units.list_units(db.unit_of_work(), actor)
        assert sum(u.members for u in listed) == with_unit
        with db.unit_of_work() as uow:
            assert audit_check.verify(uow.session).intact
    finally:
        db.dispose()

"""The upgrade to scores1 vouches for the scores of the ratings already recorded, so the record check does
not call them unaccounted, and names a score changed after it."""

from __future__ import annotations

import json
from types import SimpleNamespace

from sqlalchemy import text

from credtrack import migrations, schema
from credtrack.db import Database
from credtrack.services import setup
from credtrack.services.audit import record_check
from credtrack.services.database import open_database
from credtrack.services.setup import load_starter_data
from tests.unit.foundation.test_migrations import empty_url  # noqa: F401  (the fixture)


def _rated_before_scores_were_vouched(url: str, monkeypatch) -> None:
    """A database at ratings1 holding one rating with two scores, written as that revision's code left them
    (its starter data had no preceptor pathway: that came with a later revision)."""
    db = Database(url)
    schema.run_upgrade(db, "ratings1")
    none = SimpleNamespace(frameworks=[], modules=[], rating_sources=[], credentials=[])
    monkeypatch.setattr(setup, "add_missing_pathway", lambda _session: none)
    load_starter_data(db.unit_of_work())
    monkeypatch.undo()
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (external_id, full_name, search_key, status, created_at, version, updated_at) "
                "VALUES ('L1', 'Amara Diallo', 'amara diallo', 'active', '2026-05-01 09:00:00', 1, "
                "'2026-05-01 09:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO rating (person_id, source_id, scale_id, rated_on, rater_name, collection, comment, "
                "attestation_text, attestation_accepted, recorded_at, reauthenticated, version, updated_at) "
                "SELECT p.id, s.id, s.scale_id, '2026-05-02', 'Margaret Oyelaran', 'paper_form', '', 'Attested', "
                ":yes, '2026-05-02 10:00:00', :yes, 1, '2026-05-02 10:00:00' "
                "FROM person p, rating_source s WHERE p.external_id = 'L1' AND s.code = 'PATIENT'"
            ),
            {"yes": True},
        )
        conn.execute(
            text(
                "INSERT INTO rating_score (rating_id, competency_id, scale_id, level_id) "
                "SELECT r.id, c.id, r.scale_id, l.id FROM rating r, competency c, scale_level l "
                "WHERE c.code IN ('C1', 'VE1') AND l.scale_id = r.scale_id AND l.code = '4'"
            )
        )
    db.dispose()


def test_scores_recorded_before_the_upgrade_are_vouched_for_and_a_later_edit_is_named(
    empty_url,  # noqa: F811
    tmp_path,
    monkeypatch,
) -> None:
    _rated_before_scores_were_vouched(empty_url, monkeypatch)
    db = open_database(empty_url, backup_dir=tmp_path / "backups")
    try:
        assert schema.current_revision(db) == migrations.HEAD
        with db.unit_of_work() as uow:
            findings = record_check.check(uow.session).findings
            baseline = uow.session.execute(
                text("SELECT after_json FROM audit_event WHERE action = 'audit.baseline' ORDER BY id DESC")
            ).scalar()
        assert [f for f in findings if f.kind == "rating_score"] == []
        assert json.loads(baseline) == {"rating_score": 1}
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE rating_score SET level_id = (SELECT id FROM scale_level l WHERE l.scale_id = "
                    "rating_score.scale_id AND l.code = '5')"
                )
            )
        with db.unit_of_work() as uow:
            changed = [(f.kind, f.what) for f in record_check.check(uow.session).findings if f.kind == "rating_score"]
        assert changed == [("rating_score", "changed")]
    finally:
        db.dispose()

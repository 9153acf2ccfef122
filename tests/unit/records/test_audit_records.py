"""Records and the log agree: each record edited, un-revoked, deleted or added behind the log's back is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from credtrack import migrations
from credtrack.cli import main as cli_main
from credtrack.importing.service import run_import
from credtrack.models import Assessment, AuditEvent, Certificate, Completion
from credtrack.services import keys as key_service
from credtrack.services.audit import check as audit_check
from credtrack.services.audit import record_check, record_state
from credtrack.services.certificates import issuing as certificates
from credtrack.services.database import open_database
from tests.unit.records.builders import World, build_world, complete, signoff
from tests.unit.records.test_audit import realistic_history

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def world(db, tmp_path) -> World:
    w = build_world(db)
    realistic_history(w)
    key_service.create_issuer_key(w.uow())
    code = certificates.issue_certificate(
        w.uow(), w.admin, w.learner, w.credential_id, override_reason="Completed the programme at another hospital"
    ).value.code
    certificates.revoke_certificate(w.uow(), w.admin, code, "Issued before the transfer papers arrived")
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "external_id,full_name,profession\nEMP-201,Okafor Ben,NURS\nEMP-202,Ana Lima,PHARM\n", encoding="utf-8"
    )
    run_import(w.uow(), w.admin, "people", sheet)
    return w


def _records(w: World) -> record_check.RecordReport:
    with w.uow() as uow:
        return record_check.check(uow.session)


def _sql(w: World, statement: str, **params: object) -> None:
    with w.db.engine.begin() as conn:
        conn.execute(text(statement), params)


def _found(w: World) -> list[tuple[str, str]]:
    return [(f.kind, f.what) for f in _records(w).findings]


def test_after_a_day_of_real_work_every_record_is_as_the_log_says(world):
    report = _records(world)
    assert report.problems == [] and report.findings == []
    with world.uow() as uow:
        counted = sum(
            uow.session.scalar(select(func.count()).select_from(spec.table)) or 0
            for spec in record_state.TRACKED.values()
        )
    assert report.records == counted and report.vouched_events > 10
    with world.uow() as uow:
        assert audit_check.verify(uow.session).intact


def test_a_level_edited_in_the_database_is_named(world):
    with world.uow() as uow:
        target = uow.session.scalar(select(Assessment.id).where(Assessment.voided_at.is_(None)).limit(1))
    _sql(world, "UPDATE assessment SET comment = 'edited', level_id = level_id - 1 WHERE id = :i", i=target)
    report = _records(world)
    assert [(f.kind, f.record_id, f.what) for f in report.findings] == [("assessment", target, "changed")]
    assert f"Sign-off {target} is not as the log last recorded it" in report.problems[0]


def test_a_certificate_un_revoked_in_the_database_is_named(world):
    _sql(world, "UPDATE certificate SET status = 'valid', revoked_at = NULL, revoked_reason = NULL")
    with world.uow() as uow:
        code = uow.session.scalar(select(Certificate.code))
    report = _records(world)
    assert _found(world) == [("certificate", "changed")]
    assert report.problems[0].startswith(f"Certificate {code} is not as the log last recorded it")


def test_a_deleted_completion_and_a_person_added_without_an_event_are_named(world):
    with world.uow() as uow:
        target = uow.session.scalar(select(Completion.id).limit(1))
    _sql(world, "DELETE FROM completion WHERE id = :i", i=target)
    _sql(
        world,
        "INSERT INTO person (external_id, full_name, search_key, status, created_at, version, updated_at) "
        "VALUES ('X-1', 'Mallory', '', 'active', '2026-01-01', 1, '2026-01-01')",
    )
    report = _records(world)
    assert sorted(_found(world)) == [("completion", "deleted"), ("person", "unaccounted")]
    assert any("Person X-1" in p and "added outside credtrack" in p for p in report.problems)
    assert any(f"Completion {target}" in p and "deleted outside credtrack" in p for p in report.problems)


def test_an_account_made_administrator_in_the_database_is_named(world):
    _sql(world, "UPDATE user_account SET role = 'admin' WHERE username = 'viewer'")
    report = _records(world)
    assert _found(world) == [("user", "changed")] and report.problems[0].startswith("Account viewer ")


def test_the_kept_record_states_cannot_be_rewritten_to_match(world):
    with world.uow() as uow:
        target = uow.session.scalar(select(Assessment.id).limit(1))
    _sql(world, "UPDATE assessment SET comment = 'edited' WHERE id = :i", i=target)
    with world.uow() as uow:
        now = record_state.current_digests(uow.session, "assessment", [target])[target]
    _sql(
        world,
        "UPDATE audit_record_state SET digest = :d WHERE entity_type = 'assessment' AND entity_id = :i",
        d=now,
        i=target,
    )
    report = _records(world)
    assert report.findings == []
    assert any("are not those the event vouched for" in p for p in report.problems)


def test_a_transaction_that_changes_a_record_after_its_event_still_vouches_for_the_end_state(world):
    done = complete(world, "BLS", "2026-03-01")
    signoff(world, "TT1", "3", "2026-03-02")
    assert _records(world).findings == []
    with world.uow() as uow:
        event = uow.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "completion.record", AuditEvent.entity_id == str(done.id))
        )
        assert event.records_digest != ""


def test_db_check_and_audit_verify_both_report_and_exit_1(world, capsys):
    from tests.unit.test_cli_records import _stamp_current

    _stamp_current(world.db)
    assert cli_main(["--database-url", world.db.url, "audit", "verify"]) == 0
    assert "Records agree with the log" in capsys.readouterr().out
    _sql(world, "UPDATE person SET full_name = 'Someone Else' WHERE external_id = 'EMP-001'")
    for command in (["audit", "verify"], ["db", "check"]):
        assert cli_main(["--database-url", world.db.url, *command]) == 1
        assert "Person EMP-001 is not as the log last recorded it" in capsys.readouterr().out


def test_an_older_database_gets_a_baseline_and_says_so(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-0001.db", path)
    db = open_database(f"sqlite:///{path}", backup_dir=tmp_path / "backups")
    try:
        with db.unit_of_work() as uow:
            baseline = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.baseline"))
            verdict = audit_check.verify(uow.session)
        assert baseline is not None and baseline.actor == "system" and baseline.records_digest
        assert verdict.intact, verdict.describe()
        assert any(f"baseline at event {baseline.id}" in n for n in verdict.notes)
        _sql_db(db, "UPDATE assessment SET level_id = level_id + 1 WHERE id = 1")
        with db.unit_of_work() as uow:
            assert [(f.kind, f.record_id) for f in record_check.check(uow.session).findings] == [("assessment", 1)]
        with db.engine.connect() as conn:  # the old file was brought all the way to the newest schema
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrations.HEAD
    finally:
        db.dispose()


def _sql_db(db, statement: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement))


def test_every_column_of_a_tracked_record_is_vouched_for_or_deliberately_left_out():
    for kind, spec in record_state.TRACKED.items():
        columns = {c.name for c in spec.table.columns}
        assert columns == set(spec.fields) | set(spec.unaudited), kind

"""Signed checkpoints: a cut tail, a re-hashed chain, a forged checkpoint and a trimmed checkpoint file are caught."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, func, select, text, update

from credtrack import paths
from credtrack.certificates import keys
from credtrack.cli import main as cli_main
from credtrack.models import AuditCheckpoint, AuditEvent
from credtrack.services import backups
from credtrack.services.audit import check as audit_check
from credtrack.services.audit import checkpoints
from credtrack.services.audit import log as audit
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates import issuing as certificates
from tests.integration.test_certificate_world import DAY, build_world
from tests.unit.test_cli_records import _stamp_current


@pytest.fixture
def world(db):
    return build_world(db, names=("Amara Okafor", "Ben Okafor"))


def _issue_two_and_revoke(world, tmp_path) -> list[str]:
    db = world.db
    codes = [
        certificates.issue_certificate(
            db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
        ).value.code
    ]
    with db.unit_of_work() as uow:
        from credtrack.models import Person

        other = uow.session.scalar(select(Person.id).where(Person.external_id == "E0002"))
    codes.append(
        certificates.issue_certificate(
            db.unit_of_work(), world.educator, other, world.credential_id, today=DAY
        ).value.code
    )
    certificates.revoke_certificate(db.unit_of_work(), world.admin, codes[0], "Issued to the wrong person")
    return codes


def _verdict(db) -> audit_check.Verdict:
    with db.unit_of_work() as uow:
        return audit_check.verify(uow.session, records=False)


def _last_event(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.max(AuditEvent.id))).scalar_one()


def test_every_issue_and_revocation_leaves_a_signed_checkpoint_in_the_file_and_the_table(world, tmp_path):
    _issue_two_and_revoke(world, tmp_path)
    lines, problems = checkpoints.read_file()
    with world.db.unit_of_work() as uow:
        rows = checkpoints.from_table(uow.session)
    assert problems == [] and len(lines) == len(rows) == 3
    assert [c.line_hash for c in lines] == [c.line_hash for c in rows]
    assert all(c.signed for c in lines) and lines[-1].event_id == _last_event(world.db)
    verdict = _verdict(world.db)
    assert verdict.intact, verdict.describe()
    assert verdict.checkpoints.signed == 3 and verdict.checkpoints.events_after_latest == 0


def test_deleting_the_newest_events_is_reported_as_a_missing_tail(world, tmp_path, capsys):
    _issue_two_and_revoke(world, tmp_path)
    last = _last_event(world.db)
    with world.db.engine.begin() as conn:  # what someone with the sqlite3 tool does to hide the last three events
        conn.execute(text("DELETE FROM audit_record_state WHERE event_id > :n"), {"n": last - 3})
        conn.execute(delete(AuditEvent).where(AuditEvent.id > last - 3))
    with world.db.unit_of_work() as uow:
        assert audit.verify_chain(uow.session).intact  # the links that are left are fine: that was the defect
    verdict = _verdict(world.db)
    assert not verdict.intact
    assert any(f"events {last - 2} to {last} were deleted" in p and "missing tail" in p for p in verdict.problems)
    _stamp_current(world.db)
    assert cli_main(["--database-url", world.db.url, "audit", "verify", "--chain-only"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Audit log NOT intact") and "Restore the database from the newest backup" in out


def test_a_chain_edited_and_rehashed_is_caught_by_the_checkpoints(world, tmp_path):
    _issue_two_and_revoke(world, tmp_path)
    with world.db.unit_of_work() as uow:
        session = uow.session
        revoke = session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
        revoke.after_json = json.dumps({"status": "valid"})
        previous = audit.GENESIS
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            event.prev_hash = previous
            event.hash = audit.event_hash(event)
            previous = event.hash
        uow.commit()
    with world.db.unit_of_work() as uow:
        assert audit.verify_chain(uow.session).intact
    verdict = _verdict(world.db)
    assert any("edited and re-hashed" in p for p in verdict.problems), verdict.describe()


def test_a_checkpoint_changed_after_it_was_signed_does_not_verify(world, tmp_path):
    _issue_two_and_revoke(world, tmp_path)
    with world.db.engine.begin() as conn:
        row = conn.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)).first()
        body = json.loads(row.body)
        body["event_id"] -= 1
        conn.execute(
            update(AuditCheckpoint).where(AuditCheckpoint.id == row.id).values(body=checkpoints.canonical(body))
        )
    verdict = _verdict(world.db)
    assert any("does not verify" in p for p in verdict.problems), verdict.describe()


@pytest.mark.parametrize("line", [-1, 1])
def test_removing_a_line_of_the_checkpoint_file_is_reported(world, tmp_path, line):
    _issue_two_and_revoke(world, tmp_path)
    path = paths.checkpoints_file()
    lines = path.read_text(encoding="utf-8").splitlines()
    del lines[line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdict = _verdict(world.db)
    assert not verdict.intact
    assert any("lines were removed" in p for p in verdict.problems), verdict.describe()


def test_a_workstation_without_the_signing_key_writes_hashed_checkpoints_and_verify_says_so(world, tmp_path):
    code = certificates.issue_certificate(
        world.db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, today=DAY
    ).value.code
    key_file = next(paths.keys_dir().glob("*.pem"))
    key_file.rename(tmp_path / "elsewhere.pem")  # a second workstation: it has the database, not the key
    certificates.revoke_certificate(world.db.unit_of_work(), world.admin, code, "Issued in error")
    lines, _ = checkpoints.read_file()
    assert [c.signed for c in lines] == [True, False]
    verdict = _verdict(world.db)
    assert verdict.intact, verdict.describe()
    assert any("1 checkpoint of 2 are unsigned" in n for n in verdict.notes)
    last = _last_event(world.db)  # read before the write transaction below, not on a second connection inside it
    with world.db.engine.begin() as conn:  # an unsigned checkpoint still catches a cut tail
        conn.execute(delete(AuditEvent).where(AuditEvent.id == last))
    assert any("missing tail" in p for p in _verdict(world.db).problems)


def test_without_a_key_in_hand_the_workstation_key_signs_unless_a_passphrase_locks_it(world, monkeypatch):
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    with world.db.unit_of_work() as uow:
        checkpoint = checkpoints.write(uow.session, reason="test", signer=None)
        uow.commit()
    assert checkpoint is not None and checkpoint.signed  # the test key has no passphrase: found and used
    kid = checkpoint.kid
    private = keys.load_private_key(kid)
    keys.save_private_key(private, passphrase="a long passphrase")
    audit_event_for_head(world)
    with world.db.unit_of_work() as uow:
        locked = checkpoints.write(uow.session, reason="test", signer=None)
        uow.commit()
    assert locked is not None and not locked.signed
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "a long passphrase")
    with world.db.unit_of_work() as uow:
        unlocked = checkpoints.write(uow.session, reason="test", signer=None)
        uow.commit()
    assert unlocked is not None and unlocked.signed and _verdict(world.db).intact


def audit_event_for_head(world) -> None:
    from credtrack.services import settings

    settings.update_institution(world.db.unit_of_work(), world.admin, institution_name="Riverside General")


def test_a_cohort_batch_leaves_one_checkpoint_after_it(world, tmp_path):
    certificate_cohort.issue_cohort(world.db, world.educator, "2026-JAN", tmp_path / "out", today=DAY, workers=1)
    lines, _ = checkpoints.read_file()
    assert len(lines) == 1 and lines[0].event_id == _last_event(world.db)
    assert json.loads(lines[0].body)["reason"] == "certificate.issue_cohort"


def test_closing_twice_writes_no_second_checkpoint_for_the_same_head(world):
    first = checkpoints.after(world.db.unit_of_work(), reason="app.close", skip_if_current=True)
    again = checkpoints.after(world.db.unit_of_work(), reason="app.close", skip_if_current=True)
    assert first is not None and again is None


def test_a_backup_carries_the_checkpoints_and_a_restore_brings_them_back(sqlite_db, tmp_path):
    world = build_world(sqlite_db)
    _stamp_current(sqlite_db)
    certificates.issue_certificate(
        sqlite_db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, today=DAY
    )
    at_backup = paths.checkpoints_file().read_text(encoding="utf-8")
    made = backups.create_backup(sqlite_db, world.admin, without_key=True, folder=tmp_path / "backups").value
    assert made.checkpoints
    checkpoints.after(sqlite_db.unit_of_work(), reason="later")
    assert paths.checkpoints_file().read_text(encoding="utf-8") != at_backup
    sqlite_db.dispose()
    backups.restore(sqlite_db.sqlite_path, made.path, world.admin, folder=tmp_path / "backups")
    assert paths.checkpoints_file().read_text(encoding="utf-8") == at_backup
    verdict = _verdict(sqlite_db)
    assert verdict.intact, verdict.describe()
    assert verdict.checkpoints.checkpoints == 1


def test_each_line_names_the_line_before_it_of_its_own_database_however_long_the_file(world, tmp_path):
    _issue_two_and_revoke(world, tmp_path)
    path = paths.checkpoints_file()
    ours = path.read_text(encoding="utf-8").splitlines()
    other = checkpoints.canonical(
        {"body": checkpoints.canonical({"db": "another", "event_id": 1}), "kid": "", "sig": ""}
    )
    path.write_text("\n".join([ours[0], ours[1], other, ours[2], other, other]) + "\n", encoding="utf-8")
    database = json.loads(json.loads(ours[0])["body"])["db"]
    newest = checkpoints.Checkpoint.parse(json.loads(ours[2])["body"], "", "", "file").line_hash
    with open(path, "rb") as handle:
        assert [checkpoints._last_line_hash(handle, database, block) for block in (7, 64, 1 << 16)] == [newest] * 3
        assert checkpoints._last_line_hash(handle, "none of these") == checkpoints.FILE_GENESIS
    checkpoints.after(world.db.unit_of_work(), reason="after the other database's lines")
    verdict = _verdict(world.db)
    assert verdict.intact, verdict.describe()

"""The hash-chained audit log: intact after real work; any edit, deletion or swap is caught."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, text

from credtrack.cli import main as cli_main
from credtrack.models import AuditEvent
from credtrack.services import people
from credtrack.services.audit import log as audit
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records
from tests.unit.records.builders import PASSWORD, World, build_world, complete, signoff

COLUMNS = [c.name for c in AuditEvent.__table__.columns]


def realistic_history(w: World) -> None:
    """A morning's work on top of the world's set-up: records, a correction, a void, an archive."""
    complete(w, "ONB-101", "2026-02-01")
    sim = complete(w, "SIM-1", "2026-02-02")
    completion_records.verify_completion(w.uow(), w.preceptor, sim.id, password=PASSWORD)
    wrong = signoff(w, "C1", "3", "2026-02-03")
    signoff_records.void_assessment(w.uow(), w.preceptor, wrong.id, "Signed for the wrong learner")
    signoff(w, "C1", "4", "2026-02-04", actor=w.preceptor_pharm)
    row = people.get_person(w.uow(), w.educator, w.learner2)
    people.update_person(w.uow(), w.educator, w.learner2, expected_version=row.version, unit="ICU")
    people.archive_person(w.uow(), w.admin, w.learner2, "Left the organisation")


def verify(w: World) -> audit.ChainReport:
    with w.uow() as uow:
        return audit.verify_chain(uow.session)


def _events(w: World) -> list[dict[str, Any]]:
    with w.db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(AuditEvent.__table__.select().order_by(AuditEvent.id))]


def _changed(column: str, value: Any, other_user: int) -> Any:
    """A different, well-formed value for ``column`` (what someone editing the log might write)."""
    if column == "id":
        return value + 1000
    if column == "occurred_at":
        return value - dt.timedelta(seconds=1)
    if column == "actor_id":
        return None if value is not None else other_user
    if column == "reauthenticated":
        return not value
    if column == "records_digest" and not value:
        return "f" * 64
    if column in ("prev_hash", "hash", "records_digest"):
        return ("f" if value[0] != "f" else "e") + value[1:]
    if column in ("before_json", "after_json"):
        return '{"edited":true}' if value is None else value.replace(":", ": ", 1)
    return f"{value}x" if value else "x"


def _set(w: World, event_id: int, column: str, value: Any) -> None:
    with w.db.engine.begin() as conn:
        conn.execute(text(f"UPDATE audit_event SET {column} = :v WHERE id = :id"), {"v": value, "id": event_id})


def test_the_chain_verifies_after_a_realistic_sequence(db) -> None:
    w = build_world(db)
    realistic_history(w)
    report = verify(w)
    events = _events(w)
    assert (report.intact, report.events_checked, report.broken_at) == (True, len(events), None)
    actions = [e["action"] for e in events]
    for action in (
        "setup.starter_data",
        "user.create",
        "person.create",
        "module.create",
        "credential.create",
        "cohort.enrol",
        "completion.record",
        "completion.verify",
        "assessment.record",
        "assessment.void",
        "person.update",
        "person.archive",
    ):
        assert action in actions
    signed = [e for e in events if e["action"] in ("assessment.record", "completion.verify")]
    assert signed and all(e["reauthenticated"] for e in signed)
    assert "intact" in report.describe()


def test_editing_any_field_of_any_event_is_detected(db) -> None:
    w = build_world(db)
    realistic_history(w)
    events = _events(w)
    # The first event, events of several kinds in the middle, and the last one.
    picks = [events[0], events[len(events) // 3], events[len(events) // 2], events[-2], events[-1]]
    assert any(e["actor_id"] is None for e in picks) and any(e["before_json"] for e in picks)
    for event in picks:
        for column in COLUMNS:
            original = event[column]
            _set(w, event["id"], column, _changed(column, original, w.viewer.id))
            report = verify(w)
            assert not report.intact, f"editing {column} of event {event['id']} went unnoticed"
            assert report.broken_at == event["id"], f"{column}: reported {report.broken_at}"
            assert str(event["id"]) in report.describe()
            where = event["id"] + 1000 if column == "id" else event["id"]
            _set(w, where, column, original)
            assert verify(w).intact, f"restoring {column} of event {event['id']}"


def test_deleting_an_event_is_detected(db) -> None:
    w = build_world(db)
    realistic_history(w)
    victim = _events(w)[5]["id"]
    with w.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": victim})
    report = verify(w)
    assert (report.intact, report.broken_at) == (False, victim)
    assert "missing" in report.problem


def test_verification_reads_the_log_in_batches_without_losing_its_place(db) -> None:
    w = build_world(db)
    realistic_history(w)
    total = len(_events(w))
    with w.uow() as uow:
        for batch in (1, 2, 3, 7):
            assert audit.verify_chain(uow.session, batch=batch) == audit.ChainReport(True, total)
    with w.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 7"))
    with w.uow() as uow:
        for batch in (1, 2, 3, 6, 7):
            assert audit.verify_chain(uow.session, batch=batch).broken_at == 7, f"batch of {batch}"


def test_deleting_the_first_event_is_detected(db) -> None:
    w = build_world(db)
    with w.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 1"))
    report = verify(w)
    assert (report.intact, report.broken_at) == (False, 1)
    assert "missing" in report.problem


@pytest.mark.parametrize("keep_hashes", [False, True], ids=["whole-rows", "contents-only"])
def test_swapping_two_events_is_detected(db, keep_hashes: bool) -> None:
    w = build_world(db)
    realistic_history(w)
    events = _events(w)
    a, b = events[4], events[9]
    swapped = [c for c in COLUMNS if c != "id" and not (keep_hashes and c in ("hash", "prev_hash"))]
    with w.db.engine.begin() as conn:
        # Move both hashes out of the way first: hashes are unique.
        conn.execute(
            text("UPDATE audit_event SET hash = 'tmp' || CAST(id AS VARCHAR(10)) WHERE id IN (:a, :b)"),
            {"a": a["id"], "b": b["id"]},
        )
        for target, source in ((a, b), (b, a)):
            values = {c: source[c] for c in swapped}
            if "hash" not in swapped:
                values["hash"] = target["hash"]
            assignments = ", ".join(f"{c} = :{c}" for c in values)
            conn.execute(text(f"UPDATE audit_event SET {assignments} WHERE id = :id"), {**values, "id": target["id"]})
    report = verify(w)
    assert (report.intact, report.broken_at) == (False, a["id"])


def test_every_mutation_writes_its_event_in_the_same_transaction(db) -> None:
    w = build_world(db)
    before = len(_events(w))
    row = complete(w, "ONB-101", "2026-02-01")
    events = _events(w)
    assert len(events) == before + 1
    last = events[-1]
    assert (last["action"], last["entity_id"], last["actor"]) == ("completion.record", str(row.id), "educator")
    assert last["prev_hash"] == events[-2]["hash"]


# credtrack-cli audit verify ---------------------------------------------------------------------


def _stamp(w: World) -> None:
    """Mark the test schema as current, as `credtrack-cli init` would have."""
    from credtrack import migrations

    with w.db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": migrations.HEAD})


def test_cli_audit_verify_exits_0_when_intact_and_1_when_broken(db, capsys) -> None:
    w = build_world(db)
    realistic_history(w)
    _stamp(w)
    assert cli_main(["--database-url", db.url, "audit", "verify"]) == 0
    assert "Audit log intact" in capsys.readouterr().out
    with w.uow() as uow:
        target = uow.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "assessment.void"))
    _set(w, target, "note", "nothing to see here")
    assert cli_main(["--database-url", db.url, "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN at event {target}" in out

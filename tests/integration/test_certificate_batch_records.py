"""Batch issuing reads everyone's records at once and writes its audit events at once: same results."""

from __future__ import annotations

from sqlalchemy import func, select

from credtrack.models import AuditEvent, Certificate, Person
from credtrack.services.audit import log as audit
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates.records import load_records_for
from credtrack.services.permissions import SYSTEM
from credtrack.services.progress.person import load_person_records
from tests.integration.test_certificate_world import DAY, build_world

NAMES = ("Nguyễn Thị Minh Khai", "Ζωή Παπαδοπούλου", "Пётр Ильич Чайковский", "Søren Müller")


def _ids(records) -> tuple:
    return (
        {k: v.id for k, v in records.completions.items()},
        {k: sorted(a.id for a in v) for k, v in records.assessments.items() if v},
        {k: v.id for k, v in records.certificates.items()},
    )


def test_records_read_in_bulk_equal_those_read_per_person(db, tmp_path):
    world = build_world(db, names=NAMES)
    certificates.issue_certificate(db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, today=DAY)
    with db.unit_of_work() as uow:
        ids = list(uow.session.scalars(select(Person.id).order_by(Person.id)))
        bulk = load_records_for(uow.session, ids)
        assert any(bulk[pid].certificates for pid in ids)
        for pid in ids:
            assert _ids(bulk[pid]) == _ids(load_person_records(uow.session, pid))


def test_record_many_chains_like_one_record_each(db):
    build_world(db)
    with db.unit_of_work() as uow:
        before = audit.count(uow.session)
        events = audit.record_many(
            uow.session,
            SYSTEM,
            [audit.Entry("test.a", "thing", 1, after={"n": 1}), audit.Entry("test.b", "thing", 2, note="second")],
        )
        single = audit.record(uow.session, SYSTEM, "test.c", "thing", 3)
        assert [e.id for e in (*events, single)] == [before + 1, before + 2, before + 3]
        assert events[1].prev_hash == events[0].hash and single.prev_hash == events[1].hash
        uow.commit()
    with db.unit_of_work() as uow:
        assert audit.verify_chain(uow.session).intact


def test_cohort_writes_one_audit_event_per_certificate_and_the_chain_holds(db, tmp_path):
    world = build_world(db, names=NAMES)
    result = certificate_cohort.issue_cohort(db, world.educator, "2026-JAN", tmp_path / "out", today=DAY, workers=1)
    issued = [c.code for c in result.value.issued]
    assert len(issued) == len(NAMES)
    with db.unit_of_work() as uow:
        s = uow.session
        logged = list(
            s.scalars(
                select(AuditEvent.entity_id).where(AuditEvent.action == "certificate.issue").order_by(AuditEvent.id)
            )
        )
        assert logged == issued
        assert s.scalar(select(func.count()).select_from(Certificate)) == len(issued)
        assert audit.verify_chain(s).intact

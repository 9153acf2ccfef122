"""A certificate whose evidence is later voided stays valid but says so, on its detail and for its person."""

from __future__ import annotations

import json

from sqlalchemy import select

from credtrack.models import AuditEvent, Completion
from credtrack.services.certificates import evidence as certificate_evidence
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import queries as certificate_queries
from credtrack.services.records import completions as completion_records

from .test_certificate_world import DAY, build_world


def test_voiding_evidence_behind_a_certificate_flags_it_without_revoking(db, tmp_path) -> None:
    w = build_world(db)
    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, w.credential_id, out_dir=tmp_path, today=DAY
    ).value
    assert (
        certificate_queries.certificate_detail(db.unit_of_work(), w.educator, cert.code, today=DAY).voided_evidence
        is None
    )
    with db.unit_of_work() as uow:
        completion_id = uow.session.scalar(select(Completion.id).where(Completion.person_id == w.eligible_id))
    row = completion_records.void_completion(
        db.unit_of_work(), w.educator, completion_id, "Completed by someone else", today=DAY
    ).value
    assert row.resting_certificates == (cert.code,)

    detail = certificate_queries.certificate_detail(db.unit_of_work(), w.educator, cert.code, today=DAY)
    assert detail.row.status == "valid"  # never silently revoked
    assert "IPE-101 completed" in detail.voided_evidence and "Completed by someone else" in detail.voided_evidence
    assert "no longer meet the credential" in detail.voided_evidence
    with db.unit_of_work() as uow:
        (found,) = certificate_evidence.voided_evidence(uow.session, w.eligible_id, DAY)
        assert found.certificate_code == cert.code and not found.still_met
        event = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "completion.void"))
        assert json.loads(event.after_json)["certificates_issued_on_it"] == [cert.code]
        assert cert.code in event.note


def test_a_certificate_whose_other_evidence_still_stands_says_so(db, tmp_path) -> None:
    w = build_world(db)
    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, w.credential_id, out_dir=tmp_path, today=DAY
    ).value
    with db.unit_of_work() as uow:
        completion = uow.session.scalar(select(Completion).where(Completion.person_id == w.eligible_id))
        day = completion.completed_on
    later = completion_records.record_completion(
        db.unit_of_work(),
        w.educator,
        person_id=w.eligible_id,
        module_code="IPE-101",
        completed_on=day.replace(day=day.day + 1),
        today=DAY,
    ).value
    assert later.id
    completion_records.void_completion(db.unit_of_work(), w.educator, completion.id, "Wrong date", today=DAY)
    detail = certificate_queries.certificate_detail(db.unit_of_work(), w.educator, cert.code, today=DAY)
    assert "still meet the credential" in detail.voided_evidence

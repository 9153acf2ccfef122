"""A certificate issued on improvement work carries it as evidence, its Open Badge lists it (and still passes
the official schema), and voiding the work later flags the certificate without revoking it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from sqlalchemy import select

from credtrack.models import AuditEvent, CredentialRequirement
from credtrack.services import improvement
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import evidence as certificate_evidence
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import queries as certificate_queries
from credtrack.services.improvement import TeamMember

from .test_certificate_world import DAY, PASSWORD, build_world

SCHEMA = Path(__file__).parents[1] / "fixtures" / "ob3" / "ob_v3p0_achievementcredential_schema.json"


def test_improvement_work_behind_a_certificate_is_its_evidence_and_voiding_it_flags_the_certificate(db) -> None:
    w = build_world(db)
    with db.unit_of_work() as uow:
        uow.session.add(
            CredentialRequirement(
                credential_id=w.credential_id,
                kind="improvement",
                work_kind="qi_project",
                min_count=1,
                min_professions=3,
                sort_order=9,
            )
        )
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(CredentialRequirement.id).where(CredentialRequirement.kind == "improvement"))
    work = improvement.record_work(
        db.unit_of_work(),
        w.educator,
        person_id=w.eligible_id,
        kind="qi_project",
        title="Sepsis screening within an hour",
        role="Project lead",
        started_on="2025-09-01",
        ended_on="2025-12-15",
        team=[TeamMember("Ines Ferreira", "MED"), TeamMember("Sam Lee", "PHARM"), TeamMember("Ana Ruiz", "SW")],
        today=DAY,
    ).value
    improvement.confirm_work(db.unit_of_work(), w.educator, work.id, PASSWORD, today=DAY)

    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, w.credential_id, today=DAY
    ).value
    with db.unit_of_work() as uow:
        snapshot = json.loads(certificate_queries.certificate_by_code(uow.session, cert.code).snapshot_json)
    (frozen,) = snapshot["improvement"]
    assert (frozen["title"], frozen["ended_on"], frozen["kind_label"]) == (
        "Sepsis screening within an hour",
        "2025-12-15",
        "QI project",
    )
    assert frozen["professions"] == ["Medicine", "Pharmacy", "Social work"]  # the learner has no profession here

    _token, badge = certificate_copies.export_openbadge(db.unit_of_work(), w.educator, cert.code).value
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(badge), key=lambda e: e.path)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    (listed,) = [e for e in badge["evidence"] if e["genre"] == "Improvement work"]
    assert listed["name"] == "QI project: Sepsis screening within an hour"
    assert "2025-09-01 to 2025-12-15 as Project lead" in listed["description"]
    assert "3 professions: Medicine, Pharmacy, Social work" in listed["narrative"]

    improvement.void_work(db.unit_of_work(), w.educator, work.id, "Another learner's project", today=DAY)
    detail = certificate_queries.certificate_detail(db.unit_of_work(), w.educator, cert.code, today=DAY)
    assert detail.row.status == "valid"  # never silently revoked
    assert "Sepsis screening within an hour" in detail.voided_evidence
    assert "Another learner's project" in detail.voided_evidence
    assert "no longer meet the credential" in detail.voided_evidence
    with db.unit_of_work() as uow:
        (found,) = certificate_evidence.voided_evidence(uow.session, w.eligible_id, DAY)
        assert found.certificate_code == cert.code and not found.still_met
        event = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "improvement.void"))
        assert json.loads(event.after_json)["certificates_issued_on_it"] == [cert.code]
        assert cert.code in event.note

"""A certificate earned partly on ratings from other sources carries them as evidence: frozen at issue, listed
in the Open Badges credential (by source and profession, never naming a patient advisor), and flagged when
one of them is later voided, as for completions and sign-offs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from sqlalchemy import select

from credtrack.models import AuditEvent, Certificate
from credtrack.services import ratings
from credtrack.services.catalog import RequirementSpec, create_credential
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import evidence as certificate_evidence
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import queries as certificate_queries

from .test_certificate_world import DAY, PASSWORD, build_world

SCHEMA = Path(__file__).parents[1] / "fixtures" / "ob3" / "ob_v3p0_achievementcredential_schema.json"


def _rate(w, source: str, scores: dict[str, str], on: str, rater: str, **kw) -> ratings.RatingRow:
    return ratings.record_rating(
        w.db.unit_of_work(),
        w.educator,
        person_id=w.eligible_id,
        source_code=source,
        rated_on=on,
        scores=scores,
        collection=kw.pop("collection", "paper_form"),
        rater_name=rater,
        password=PASSWORD,
        attestation_accepted=True,
        today=DAY,
        **kw,
    ).value


def _voices(w) -> int:
    return create_credential(
        w.db.unit_of_work(),
        w.educator,
        code="VOICES",
        title="Many voices",
        requirements=[
            RequirementSpec("module", module_code="IPE-101"),
            RequirementSpec("ratings", source_code="PATIENT", min_count=2, min_level_code="4"),
            RequirementSpec("rating_sources", min_count=2),
        ],
    ).value.id


def test_ratings_behind_a_certificate_are_its_evidence_and_a_voided_one_flags_it(db, tmp_path) -> None:
    w = build_world(db)
    credential_id = _voices(w)
    low = _rate(w, "PATIENT", {"C1": "2"}, "2025-11-20", "Margaret Oyelaran")  # below Often: not evidence
    first = _rate(w, "PATIENT", {"C1": "4", "VE1": "5"}, "2025-12-01", "Margaret Oyelaran", collection="interview")
    _rate(w, "PATIENT", {"C1": "5"}, "2025-12-05", "Hélène Marchetti")
    _rate(w, "PEER-IP", {"C3": "4"}, "2025-12-08", "Tomás Ibarra")

    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, credential_id, out_dir=tmp_path, today=DAY
    ).value
    with db.unit_of_work() as uow:
        snapshot = json.loads(
            uow.session.scalar(select(Certificate.snapshot_json).where(Certificate.code == cert.code))
        )
    frozen = [(r["source_code"], r["rated_on"], r["rater"], r["lowest_level_label"]) for r in snapshot["ratings"]]
    # The two patient ratings at Often or above, and each source's first rating for the sources' count; the
    # low one is the patient source's first rating, so it is evidence of that source, once.
    assert sorted(frozen) == [
        ("PATIENT", "2025-11-20", "Margaret Oyelaran", "Rarely"),
        ("PATIENT", "2025-12-01", "Margaret Oyelaran", "Often"),
        ("PATIENT", "2025-12-05", "Hélène Marchetti", "Always"),
        ("PEER-IP", "2025-12-08", "Tomás Ibarra", "Often"),
    ]
    interview = next(r for r in snapshot["ratings"] if r["rated_on"] == "2025-12-01")
    assert interview["collection"] == "interview"
    assert interview["scores"] == [
        {"competency": "C1", "level_label": "Often"},
        {"competency": "VE1", "level_label": "Always"},
    ]

    _token, badge = certificate_copies.export_openbadge(db.unit_of_work(), w.educator, cert.code).value
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
    assert not [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(badge)]
    rated = [e for e in badge["evidence"] if e["genre"] == "Multi-source rating"]
    assert len(rated) == 4
    assert sorted(e["name"] for e in rated) == [
        "Rating from Colleague of another profession",
        *["Rating from Patient or family advisor"] * 3,
    ]
    text = json.dumps(badge, ensure_ascii=False)
    assert "Margaret Oyelaran" not in text and "Hélène Marchetti" not in text  # patients are not named outside
    assert any("2025-12-01" in e["description"] and "C1 Often, VE1 Always" in e["description"] for e in rated)

    assert certificate_evidence.certificates_on_record(db.unit_of_work(), w.educator, "rating", first.id) == [cert.code]
    assert certificate_evidence.certificates_on_record(db.unit_of_work(), w.educator, "rating", low.id) == [cert.code]
    voided = ratings.void_rating(
        db.unit_of_work(), w.educator, first.id, "Feedback was about another learner", today=DAY
    )
    assert voided.value.resting_certificates == (cert.code,)
    detail = certificate_queries.certificate_detail(db.unit_of_work(), w.educator, cert.code, today=DAY)
    assert detail.row.status == "valid"  # never silently revoked
    assert "PATIENT rating 2025-12-01 by Margaret Oyelaran" in detail.voided_evidence
    assert "Feedback was about another learner" in detail.voided_evidence
    assert "no longer meet the credential" in detail.voided_evidence  # one patient rating at Often is left
    with db.unit_of_work() as uow:
        event = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "rating.void"))
        assert json.loads(event.after_json)["certificates_issued_on_it"] == [cert.code]
        assert cert.code in event.note


def test_voiding_a_rating_no_certificate_rests_on_flags_nothing(db, tmp_path) -> None:
    w = build_world(db)
    credential_id = _voices(w)
    for day, rater in (("2025-12-01", "Margaret Oyelaran"), ("2025-12-05", "Hélène Marchetti")):
        _rate(w, "PATIENT", {"C1": "4"}, day, rater)
    _rate(w, "SELF", {"C7": "3"}, "2025-12-06", "Nguyễn Thị Minh Khai")
    spare = _rate(w, "PATIENT", {"C1": "5"}, "2025-12-09", "Joseph Kamau")  # after the count was met
    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, credential_id, out_dir=tmp_path, today=DAY
    ).value
    assert certificate_evidence.certificates_on_record(db.unit_of_work(), w.educator, "rating", spare.id) == []
    row = ratings.void_rating(db.unit_of_work(), w.educator, spare.id, "Entered twice", today=DAY).value
    assert row.resting_certificates == ()
    detail = certificate_queries.certificate_detail(db.unit_of_work(), w.educator, cert.code, today=DAY)
    assert detail.voided_evidence is None

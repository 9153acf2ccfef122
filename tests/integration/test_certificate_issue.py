import datetime as dt
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select

from credtrack.certificates.errors import NotEligibleError
from credtrack.certificates.verify import Verdict
from credtrack.db import Database
from credtrack.errors import PermissionDenied, ValidationError
from credtrack.models import AuditEvent, Base, Certificate
from credtrack.services import keys as key_service
from credtrack.services.audit.log import verify_chain
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations

from .test_certificate_world import DAY, build_world

SCHEMA = Path(__file__).parents[1] / "fixtures" / "ob3" / "ob_v3p0_achievementcredential_schema.json"


@pytest.fixture
def world(db):
    return build_world(db)


def test_issue_verify_revoke(world, tmp_path):
    db = world.db
    result = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    )
    cert = result.value
    assert cert.pdf_path.exists() and cert.expires_on == dt.date(2028, 1, 10)
    text = subprocess.run(["pdftotext", str(cert.pdf_path), "-"], capture_output=True, text=True).stdout
    assert "Nguyễn Thị Minh Khai" in text and cert.code in text
    check = revocations.verify_input(db.unit_of_work(), cert.pdf_path, today=DAY)
    assert check.verdict is Verdict.VALID and check.claims.holder_name == "Nguyễn Thị Minh Khai"
    assert check.claims.competencies == ("VE1", "RR1", "C2", "TT3")
    assert revocations.verify_input(db.unit_of_work(), cert.code.lower(), today=DAY).verdict is Verdict.VALID
    with pytest.raises(ValidationError, match="already holds"):
        certificates.issue_certificate(
            db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, today=DAY
        )
    certificates.revoke_certificate(db.unit_of_work(), world.educator, cert.code, "Issued to the wrong person")
    check = revocations.verify_input(db.unit_of_work(), cert.pdf_path, today=DAY)
    assert check.verdict is Verdict.REVOKED and "wrong person" in check.message
    with db.unit_of_work() as uow:
        actions = [e.action for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert "certificate.issue" in actions and "certificate.revoke" in actions
        assert verify_chain(uow.session).intact


def test_not_eligible_is_refused_and_admin_override_is_audited(world):
    db = world.db
    with pytest.raises(NotEligibleError, match="not yet eligible"):
        certificates.issue_certificate(db.unit_of_work(), world.educator, world.pending_id, world.credential_id)
    with pytest.raises(PermissionDenied):
        certificates.issue_certificate(
            db.unit_of_work(),
            world.educator,
            world.pending_id,
            world.credential_id,
            override_reason="Signed off on paper before go-live",
        )
    result = certificates.issue_certificate(
        db.unit_of_work(),
        world.admin,
        world.pending_id,
        world.credential_id,
        override_reason="Signed off on paper before go-live",
    )
    with db.unit_of_work() as uow:
        cert = uow.session.scalar(select(Certificate).where(Certificate.code == result.value.code))
        assert cert.override_reason == "Signed off on paper before go-live"
        event = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issue"))
        assert "paper before go-live" in event.note


def test_renewal_supersedes_and_old_key_still_verifies(world):
    db = world.db
    first = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, today=DAY
    ).value
    key_service.rotate_issuer_key(db.unit_of_work(), world.admin)
    second = certificates.renew_certificate(db.unit_of_work(), world.educator, first.code, today=DAY).value
    assert second.supersedes == first.code
    with db.unit_of_work() as uow:
        old_qr = certificates.certificate_by_code(uow.session, first.code).qr_payload
        new_qr = certificates.certificate_by_code(uow.session, second.code).qr_payload
    old = revocations.verify_input(db.unit_of_work(), old_qr, today=DAY)
    assert old.verdict is Verdict.SUPERSEDED and old.superseded_by == second.code
    assert revocations.verify_input(db.unit_of_work(), new_qr, today=DAY).verdict is Verdict.VALID
    assert len(key_service.export_jwks(db.unit_of_work())["keys"]) == 2
    later = revocations.verify_input(db.unit_of_work(), new_qr, today=dt.date(2028, 1, 11))
    assert later.verdict is Verdict.EXPIRED


def test_open_badge_validates_and_jwt_verifies_with_jwks(world):
    db = world.db
    cert = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, today=DAY
    ).value
    token, badge = certificate_copies.export_openbadge(db.unit_of_work(), world.educator, cert.code).value
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(badge), key=lambda e: e.path)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert {a["targetCode"] for a in badge["credentialSubject"]["achievement"]["alignment"]} == {
        "VE1",
        "RR1",
        "C2",
        "TT3",
    }
    assert badge["validUntil"] == "2028-01-10T23:59:59Z"
    assert len(badge["credentialSubject"]["result"]) == 4 and len(badge["evidence"]) == 5
    jwks = json.loads(json.dumps(key_service.export_jwks(db.unit_of_work())))
    decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES256"])
    assert decoded.header["kid"] == jwks["keys"][0]["kid"]
    assert decoded.claims["jti"] == badge["id"] and decoded.claims["iss"] == badge["issuer"]["id"]
    invalid = dict(badge, type="OpenBadgeCredential")
    assert list(validator.iter_errors(invalid))


def test_revocation_list_round_trip_to_another_workstation(world, tmp_path):
    db = world.db
    cert = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, today=DAY
    ).value
    certificates.revoke_certificate(db.unit_of_work(), world.admin, cert.code, "Credential withdrawn")
    text = revocations.export_revocation_list(db.unit_of_work(), world.educator)
    jwks = key_service.export_jwks(db.unit_of_work())
    with db.unit_of_work() as uow:
        qr_text = certificates.certificate_by_code(uow.session, cert.code).qr_payload
    # Another workstation: its own database that knows only the issuer's JWKS.
    sqlite_db = Database(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    Base.metadata.create_all(sqlite_db.engine)
    other = build_world(sqlite_db, names=("Someone Else",))
    before = revocations.verify_input(sqlite_db.unit_of_work(), qr_text, extra_jwks=[jwks], today=DAY)
    assert before.verdict is Verdict.VALID
    summary = revocations.import_revocation_list(
        sqlite_db.unit_of_work(), other.educator, text, extra_jwks=[jwks]
    ).value
    assert summary.new == 1
    after = revocations.verify_input(sqlite_db.unit_of_work(), qr_text, extra_jwks=[jwks], today=DAY)
    assert after.verdict is Verdict.REVOKED and "withdrawn" in after.message
    from credtrack.certificates.errors import RevocationListError

    with pytest.raises(RevocationListError):
        revocations.import_revocation_list(sqlite_db.unit_of_work(), other.educator, text)  # key not trusted
    tampered = text[:-6] + ("AAAAAA" if not text.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(RevocationListError):
        revocations.import_revocation_list(sqlite_db.unit_of_work(), other.educator, tampered, extra_jwks=[jwks])


def test_cohort_batch_issues_eligible_only_and_cancel_keeps_nothing(db, tmp_path):
    names = ("Nguyễn Thị Minh Khai", "Ζωή Παπαδοπούλου", "Пётр Ильич Чайковский", "Søren Müller")
    world = build_world(db, names=names)
    calls = []
    with pytest.raises(Exception, match="cancelled"):
        certificate_cohort.issue_cohort(
            db, world.educator, "2026-JAN", tmp_path / "out", today=DAY, workers=1, cancelled=lambda: True
        )
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(Certificate.id)) is None
    assert not any(p.suffix == ".pdf" for p in (tmp_path / "out").rglob("*"))
    result = certificate_cohort.issue_cohort(
        db,
        world.educator,
        "2026-JAN",
        tmp_path / "out",
        today=DAY,
        workers=2,
        progress=lambda done, total: calls.append((done, total)),
    )
    issued = result.value
    assert len(issued.issued) == 4 and issued.skipped_not_eligible == 1
    assert calls[-1] == (4, 4)
    assert all(c.pdf_path.exists() for c in issued.issued)
    text = subprocess.run(["pdftotext", str(issued.combined_pdf), "-"], capture_output=True, text=True).stdout
    assert all(name in text for name in names)
    assert text.count("\f") == 4

"""Copies made after issue: a withdrawn certificate prints only marked (or not at all), never exports, and
every copy is audited.

Also: a certificate issued by an override says "issued by exception" on the page and
when verified, where an earned one says "has earned".
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from credtrack.certificates import payload, verify
from credtrack.errors import ValidationError
from credtrack.models import AuditEvent, Certificate
from credtrack.services import settings
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations
from tests.integration.test_certificate_world import DAY, build_world
from tests.unit.certificates.helpers import pdf_text

REASON = "Issued to the wrong learner"


def events(db, action: str) -> list[AuditEvent]:
    with db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
        uow.session.expunge_all()
        return rows


@pytest.fixture
def world(db):
    return build_world(db)


def _issue(db, w, **kwargs):
    return certificates.issue_certificate(
        db.unit_of_work(), w.admin, w.eligible_id, w.credential_id, today=DAY, **kwargs
    ).value


def test_a_certificate_in_force_reprints_as_issued_and_the_copy_is_audited(db, world, tmp_path):
    cert = _issue(db, world)
    copy = certificate_copies.reprint(db.unit_of_work(), world.educator, cert.code, tmp_path).value
    assert copy.marked is None and copy.path.exists()
    text = pdf_text(copy.path)
    assert "has earned the micro-credential" in text and "REVOKED" not in text
    verdict = revocations.verify_input(db.unit_of_work(), copy.path)
    assert verdict.verdict.value == "valid" and not verdict.by_exception
    (event,) = events(db, "certificate.reprint")
    assert event.entity_id == cert.code and event.actor == "edu"
    assert json.loads(event.after_json)["copy"] == "as issued"


def test_a_revoked_certificate_prints_only_as_a_marked_copy_whose_qr_cannot_pass_for_valid(db, world, tmp_path):
    cert = _issue(db, world)
    certificates.revoke_certificate(db.unit_of_work(), world.admin, cert.code, REASON)
    copy = certificate_copies.reprint(db.unit_of_work(), world.educator, cert.code, tmp_path).value
    assert copy.marked == "REVOKED" and "REVOKED-COPY" in copy.path.name
    text = pdf_text(copy.path)
    today = dt.date.today()
    assert "REVOKED" in text
    assert f"NOT A VALID CERTIFICATE · Revoked on {today.day} {today:%B %Y}: {REASON}" in text
    assert "QR code withdrawn" in text
    # Its QR is covered: a verifier holding only the issuer's public key cannot scan it as valid.
    with db.unit_of_work() as uow:
        jwks_only = verify.Trust(keys=revocations.trusted_keys(uow.session))
    offline = verify.verify_file(copy.path, jwks_only)
    assert offline.verdict is verify.Verdict.UNREADABLE
    (event,) = events(db, "certificate.reprint")
    assert json.loads(event.after_json) == {"status": "revoked", "copy": "marked REVOKED", "file": copy.path.name}


def test_a_superseded_certificate_is_marked_with_its_renewal_and_date(db, world, tmp_path):
    old = _issue(db, world)
    renewal = certificates.renew_certificate(
        db.unit_of_work(), world.admin, old.code, today=DAY + dt.timedelta(days=30)
    ).value
    copy = certificate_copies.reprint(db.unit_of_work(), world.educator, old.code, tmp_path).value
    assert copy.marked == "SUPERSEDED"
    text = pdf_text(copy.path)
    assert "SUPERSEDED" in text
    assert f"NOT A VALID CERTIFICATE · Superseded on 9 February 2026: replaced by certificate {renewal.code}" in text
    fresh = certificate_copies.reprint(db.unit_of_work(), world.educator, renewal.code, tmp_path).value
    assert fresh.marked is None and "SUPERSEDED" not in pdf_text(fresh.path)


def test_the_institution_may_refuse_any_copy_of_a_withdrawn_certificate(db, world, tmp_path):
    cert = _issue(db, world)
    certificates.revoke_certificate(db.unit_of_work(), world.admin, cert.code, REASON)
    settings.update_institution(db.unit_of_work(), world.admin, revoked_copies="refuse")
    with pytest.raises(ValidationError) as refused:
        certificate_copies.reprint(db.unit_of_work(), world.admin, cert.code, tmp_path / "out")
    assert f"{cert.code} was revoked on" in refused.value.message and REASON in refused.value.message
    assert "does not print revoked or superseded certificates" in refused.value.message
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert events(db, "certificate.reprint") == []
    # Certificates in force still print.
    other = certificates.issue_certificate(
        db.unit_of_work(), world.admin, world.eligible_id, world.credential_id, today=DAY
    ).value
    assert certificate_copies.reprint(db.unit_of_work(), world.admin, other.code, tmp_path).value.marked is None


def test_the_setting_accepts_only_its_two_choices(db, world):
    with pytest.raises(ValidationError) as refused:
        settings.update_institution(db.unit_of_work(), world.admin, revoked_copies="sometimes")
    assert "marked, refuse" in refused.value.message
    assert settings.get_institution(db.unit_of_work()).revoked_copies == "marked"


def test_open_badges_export_is_refused_once_withdrawn_and_audited_while_in_force(db, world):
    cert = _issue(db, world)
    token, badge = certificate_copies.export_openbadge(db.unit_of_work(), world.educator, cert.code).value
    assert token.count(".") == 2 and badge["type"][-1] == "OpenBadgeCredential"
    (event,) = events(db, "certificate.export_openbadge")
    assert event.entity_id == cert.code
    certificates.revoke_certificate(db.unit_of_work(), world.admin, cert.code, REASON)
    with pytest.raises(ValidationError) as refused:
        certificate_copies.export_openbadge(db.unit_of_work(), world.admin, cert.code)
    assert "revoked" in refused.value.message and "not exported" in refused.value.message
    assert len(events(db, "certificate.export_openbadge")) == 1


def test_a_certificate_issued_by_override_says_so_on_paper_and_when_verified(db, world, tmp_path):
    cert = certificates.issue_certificate(
        db.unit_of_work(),
        world.admin,
        world.pending_id,
        world.credential_id,
        today=DAY,
        out_dir=tmp_path,
        override_reason="Completed the equivalent programme elsewhere",
    ).value
    text = pdf_text(cert.pdf_path)
    assert "was issued, by exception, the micro-credential" in text and "has earned" not in text
    with db.unit_of_work() as uow:
        qr_text = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))
    assert payload.decode_claims(payload.parse(payload.unwrap(qr_text)).payload).by_exception
    for source in (qr_text, cert.code, cert.pdf_path):
        result = revocations.verify_input(db.unit_of_work(), source, today=DAY)
        assert result.verdict.value == "valid" and result.by_exception
        assert "Issued by exception" in result.message
    earned = _issue(db, world, out_dir=tmp_path)
    result = revocations.verify_input(db.unit_of_work(), earned.code, today=DAY)
    assert result.verdict.value == "valid" and not result.by_exception and "exception" not in result.message


def test_an_override_reason_for_someone_eligible_overrides_nothing(db, world, tmp_path):
    cert = _issue(db, world, out_dir=tmp_path, override_reason="just in case")
    assert "has earned the micro-credential" in pdf_text(cert.pdf_path)
    assert not revocations.verify_input(db.unit_of_work(), cert.code, today=DAY).by_exception


def test_an_override_signed_before_the_qr_said_so_is_known_from_the_database(db, world):
    cert = _issue(db, world)
    with db.unit_of_work() as uow:  # as a certificate issued by override before this release is stored
        uow.session.scalar(select(Certificate).where(Certificate.code == cert.code)).override_reason = "Equivalent"
        uow.commit()
    result = revocations.verify_input(db.unit_of_work(), cert.code, today=DAY)
    assert result.by_exception and "Issued by exception" in result.message


def test_the_command_line_reprints_marked_refuses_the_badge_and_names_the_exception(
    db, world, tmp_path, monkeypatch, capsys
):
    from credtrack.cli import main
    from tests.integration.test_certificate_world import PASSWORD
    from tests.unit.test_cli_records import _stamp_current

    _stamp_current(db)
    monkeypatch.setenv("CREDTRACK_USER", "edu")
    monkeypatch.setenv("CREDTRACK_PASSWORD", PASSWORD)
    cert = _issue(db, world)
    certificates.revoke_certificate(db.unit_of_work(), world.admin, cert.code, REASON)
    assert main(["--database-url", db.url, "reprint", cert.code, "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "REVOKED-COPY" in out and "marked REVOKED" in err
    assert REASON in pdf_text(out.strip())
    assert main(["--database-url", db.url, "export-openbadge", cert.code, str(tmp_path / "b.jwt")]) != 0
    out, err = capsys.readouterr()
    assert "not exported" in err and "Traceback" not in err and not (tmp_path / "b.jwt").exists()

    exception = certificates.issue_certificate(
        db.unit_of_work(), world.admin, world.pending_id, world.credential_id, override_reason="Equivalent programme"
    ).value
    assert main(["--database-url", db.url, "verify", exception.code]) == 0
    out, _ = capsys.readouterr()
    assert "Issued by exception" in out and "Basis:       issued by exception" in out
    assert main(["--database-url", db.url, "verify", exception.code, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["issued_by_exception"] is True


def test_revoking_or_superseding_deletes_the_clean_pdf_the_app_keeps_but_not_a_users_file(db, world, tmp_path):
    from credtrack import paths

    kept = paths.certificates_dir()
    saved_elsewhere = tmp_path / "chosen folder"
    old = _issue(db, world, out_dir=kept)
    # The educator also saved a copy in a folder of their choosing: that file is theirs.
    users_file = certificate_copies.reprint(db.unit_of_work(), world.educator, old.code, saved_elsewhere).value.path
    assert old.pdf_path.parent == kept and old.pdf_path.exists()
    renewal = certificates.renew_certificate(
        db.unit_of_work(), world.admin, old.code, out_dir=kept, today=DAY + dt.timedelta(days=30)
    ).value
    assert not old.pdf_path.exists()  # superseded: the app's clean copy is gone
    assert renewal.pdf_path.exists() and users_file.exists()
    marked = certificate_copies.reprint(db.unit_of_work(), world.educator, old.code, kept).value.path
    certificates.revoke_certificate(db.unit_of_work(), world.admin, renewal.code, REASON)
    assert not renewal.pdf_path.exists()  # revoked: likewise
    assert marked.exists() and "SUPERSEDED-COPY" in marked.name  # a marked copy is not a clean one
    assert sorted(p.name for p in kept.iterdir()) == [marked.name]

"""Two institutions: B imports A's trust bundle, so A's certificates verify on B (CLI, Verify page, B's page)
without any --jwks; after A revokes one and B imports A's new list, it is revoked on all three."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from credtrack.certificates import revocation_list
from credtrack.certificates.errors import TrustBundleError
from credtrack.certificates.verify import Revocation
from credtrack.cli import main
from credtrack.db import Database
from credtrack.errors import PermissionDenied
from credtrack.models import AuditEvent, Base, Certificate, utcnow
from credtrack.services import keys as key_service
from credtrack.services import settings, trust
from credtrack.services.accounts import users as accounts
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations, verifier_export
from credtrack.services.permissions import SYSTEM
from tests.browser.offline import offline_page
from tests.unit.test_cli_records import _stamp_current

from .test_certificate_world import DAY, PASSWORD, build_world


@pytest.fixture
def b_db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'hillcrest.db'}")
    Base.metadata.create_all(database.engine)
    _stamp_current(database)
    settings.update_institution(database.unit_of_work(), SYSTEM, institution_name="Hillcrest School of Nursing")
    accounts.create_user(database.unit_of_work(), SYSTEM, username="badmin", password=PASSWORD, role="admin")
    key_service.create_issuer_key(database.unit_of_work())
    yield database
    database.dispose()


def _cli(monkeypatch, capsys, db, user, *argv):
    monkeypatch.setenv("CREDTRACK_USER", user)
    monkeypatch.setenv("CREDTRACK_PASSWORD", PASSWORD)
    code = main(["--database-url", db.url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _on_b_page(b_db, actor, tmp_path, text):
    page_file = tmp_path / "hillcrest-verify.html"
    page_file.write_text(verifier_export.export_verifier_page(b_db.unit_of_work(), actor).value, encoding="utf-8")
    with offline_page(page_file) as page:
        page.open()
        verdict = page.check_text(text)
        assert page.requests == []
        return verdict, page_file.read_text(encoding="utf-8")


def test_b_trusts_a_bundle_then_a_revocation(db, b_db, tmp_path, monkeypatch, capsys):
    _stamp_current(db)
    world = build_world(db)  # A: Riverside Teaching Hospital
    cert = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    ).value
    with db.unit_of_work() as uow:
        text = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))
    b_admin = accounts.log_in(b_db.unit_of_work(), "badmin", PASSWORD)

    # Before: B does not know A.
    assert revocations.verify_input(b_db.unit_of_work(), text).verdict.value == "unknown_issuer"
    bundle = tmp_path / "riverside.bundle"
    assert _cli(monkeypatch, capsys, db, "admin", "trust", "export-bundle", str(bundle))[0] == 0
    code, out, _ = _cli(monkeypatch, capsys, b_db, "badmin", "trust", "import-bundle", str(bundle))
    assert code == 0 and "Riverside Teaching Hospital" in out
    a_fingerprint = key_service.list_keys(db.unit_of_work())[0].fingerprint
    assert a_fingerprint in out and a_fingerprint in _cli(monkeypatch, capsys, b_db, "badmin", "trust", "list")[1]

    code, out, _ = _cli(monkeypatch, capsys, b_db, "badmin", "verify", text, "--json")
    assert code == 0 and json.loads(out)["issuer"] == "Riverside Teaching Hospital"
    assert revocations.verify_input(b_db.unit_of_work(), text).verdict.value == "valid"  # the Verify page's check
    verdict, html = _on_b_page(b_db, b_admin, tmp_path, text)
    assert verdict == "valid" and "Riverside Teaching Hospital" in html

    # A revokes, exports its list; B imports it (no --jwks: A's keys are trusted now).
    certificates.revoke_certificate(db.unit_of_work(), world.admin, cert.code, "Issued in error")
    listed = tmp_path / "riverside.ctrl"
    assert _cli(monkeypatch, capsys, db, "admin", "revocations", "export", str(listed))[0] == 0
    assert _cli(monkeypatch, capsys, b_db, "badmin", "revocations", "import", str(listed))[0] == 0
    code, out, _ = _cli(monkeypatch, capsys, b_db, "badmin", "verify", text, "--json")
    assert code == 11 and json.loads(out)["verdict"] == "revoked"
    assert revocations.verify_input(b_db.unit_of_work(), text).verdict.value == "revoked"
    assert _on_b_page(b_db, b_admin, tmp_path, text)[0] == "revoked"

    # Distrusting A's key: its certificates no longer verify on B, and the page leaves the key out.
    assert _cli(monkeypatch, capsys, b_db, "badmin", "trust", "distrust", a_fingerprint)[0] == 0
    assert revocations.verify_input(b_db.unit_of_work(), text).verdict.value == "unknown_issuer"
    assert _on_b_page(b_db, b_admin, tmp_path, text)[0] == "unknown_issuer"
    with b_db.unit_of_work() as uow:
        actions = set(uow.session.scalars(select(AuditEvent.action)))
    assert {"trust.import_bundle", "revocations.import", "trust.key_status", "verifier.export"} <= actions


def test_only_admins_manage_trust_and_a_known_name_needs_a_known_key(db, b_db, tmp_path):
    world = build_world(db)
    bundle = trust.export_bundle(db.unit_of_work(), world.admin).value
    with pytest.raises(PermissionDenied):
        trust.import_bundle(b_db.unit_of_work(), world.educator, bundle)
    with pytest.raises(PermissionDenied):
        trust.export_bundle(db.unit_of_work(), world.educator)
    b_admin = accounts.log_in(b_db.unit_of_work(), "badmin", PASSWORD)
    trust.import_bundle(b_db.unit_of_work(), b_admin, bundle)
    # Another institution's bundle under the same name is refused: its key is not trusted for that name.
    impostor = trust.export_bundle(b_db.unit_of_work(), b_admin).value
    with pytest.raises(TrustBundleError, match="not trusted for Riverside"):
        trust.import_bundle(b_db.unit_of_work(), b_admin, impostor, name="Riverside Teaching Hospital")
    altered = bundle[:-5] + ("A" if bundle[-5] != "A" else "B") + bundle[-4:]
    with pytest.raises(TrustBundleError):
        trust.import_bundle(b_db.unit_of_work(), b_admin, altered)


def test_a_bundle_signed_by_a_key_trusted_under_another_name_updates_that_institution(db, b_db):
    world = build_world(db)
    b_admin = accounts.log_in(b_db.unit_of_work(), "badmin", PASSWORD)
    trust.import_jwks(b_db.unit_of_work(), b_admin, "Riverside Hospital", key_service.export_jwks(db.unit_of_work()))
    info = trust.import_bundle(b_db.unit_of_work(), b_admin, trust.export_bundle(db.unit_of_work(), world.admin).value)
    assert info.value.name == "Riverside Hospital" and info.value.revocation_list_as_of is not None
    assert [i.name for i in trust.list_issuers(b_db.unit_of_work())] == ["Riverside Hospital"]


def test_a_trusted_institutions_list_cannot_revoke_or_supersede_our_certificates(db, b_db, tmp_path):
    world = build_world(db)  # A verifies; B is trusted by A, and B's list names A's certificate
    cert = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    ).value
    b_admin = accounts.log_in(b_db.unit_of_work(), "badmin", PASSWORD)
    trust.import_bundle(db.unit_of_work(), world.admin, trust.export_bundle(b_db.unit_of_work(), b_admin).value)
    with b_db.unit_of_work() as uow:
        b_key = key_service.signing_key(uow.session, None, actor=b_admin, action="certificates.revocations_export")
    listed = revocation_list.export(
        [Revocation(cert.code, "Not B's to revoke", DAY)],
        issuer="B",
        issuer_name="Hillcrest School of Nursing",
        as_of=utcnow(),
        key=b_key,
        superseded={cert.code: ""},
    )
    summary = revocations.import_revocation_list(db.unit_of_work(), world.admin, listed).value
    assert summary.total == 1
    with db.unit_of_work() as uow:
        text = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))
    assert revocations.verify_input(db.unit_of_work(), text).verdict.value == "valid"
    # A's own revocation still counts, whoever else lists the code.
    certificates.revoke_certificate(db.unit_of_work(), world.admin, cert.code, "Issued in error")
    assert revocations.verify_input(db.unit_of_work(), text).verdict.value == "revoked"


def test_cli_trusts_a_key_file_retires_and_refuses_bad_files(db, b_db, tmp_path, monkeypatch, capsys):
    _stamp_current(db)
    world = build_world(db)
    cert = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    ).value
    with db.unit_of_work() as uow:
        text = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))
    assert "No other institution is trusted yet" in _cli(monkeypatch, capsys, b_db, "badmin", "trust", "list")[1]
    jwks = tmp_path / "riverside.jwks.json"
    jwks.write_text(json.dumps(key_service.export_jwks(db.unit_of_work())), encoding="utf-8")
    not_jwks = tmp_path / "notes.json"
    not_jwks.write_text('{"hello": 1}', encoding="utf-8")
    code, _, err = _cli(monkeypatch, capsys, b_db, "badmin", "trust", "import-jwks", str(not_jwks), "--name", "X")
    assert code != 0 and "not a key file (JWKS)" in err and "Traceback" not in err
    code, _, err = _cli(monkeypatch, capsys, b_db, "badmin", "trust", "import-bundle", str(jwks))
    assert code != 0 and "not a credtrack trust bundle" in err
    code, out, _ = _cli(
        monkeypatch, capsys, b_db, "badmin", "trust", "import-jwks", str(jwks), "--name", "Riverside Teaching Hospital"
    )
    assert code == 0 and "by phone or letter" in out
    kid = key_service.list_keys(db.unit_of_work())[0].kid
    code, out, _ = _cli(monkeypatch, capsys, b_db, "badmin", "trust", "retire", kid)
    assert code == 0 and "retired" in out
    assert revocations.verify_input(b_db.unit_of_work(), text).verdict.value == "valid"  # retired still verifies
    code, _, err = _cli(monkeypatch, capsys, b_db, "badmin", "trust", "distrust", "0000 0000")
    assert code != 0 and "trust list" in err
    with b_db.unit_of_work() as uow:
        actions = [
            a for a in uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)) if a.startswith("trust.")
        ]
    assert actions == ["trust.import_keys", "trust.key_status"]  # the refused files changed nothing

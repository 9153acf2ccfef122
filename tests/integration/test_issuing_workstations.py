"""Issuing from more than one workstation of a shared database: an administrator exports the signing key
encrypted and installs it on the workstations the institution designates; nothing else signs."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import select

from credtrack import paths
from credtrack.certificates import keys as key_files
from credtrack.certificates.errors import SigningKeyError
from credtrack.certificates.verify import Verdict
from credtrack.errors import DuplicateError, PermissionDenied, ValidationError
from credtrack.models import AuditEvent
from credtrack.services import keys as key_service
from credtrack.services.audit.log import verify_chain
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations

from .test_certificate_world import DAY, build_world

EXPORT_PASSPHRASE = "issuing staff passphrase"


@pytest.fixture
def workstation(tmp_path, monkeypatch):
    """Switch this test to another workstation: its own data folder (keys, backups), the same database."""

    def use(name: str):
        home = tmp_path / f"workstation-{name}"
        home.mkdir(exist_ok=True)
        monkeypatch.setenv(paths.HOME_ENV, str(home))
        paths.set_data_dir(None)
        return home

    return use


def test_a_second_workstation_issues_once_an_admin_installs_the_exported_key(db, workstation, tmp_path):
    first = workstation("A")
    world = build_world(db)  # workstation A made the key
    kid = key_service.active_key(db.unit_of_work()).kid

    workstation("B")
    with pytest.raises(SigningKeyError) as refused:
        certificates.issue_certificate(
            db.unit_of_work(),
            world.educator,
            world.eligible_id,
            world.credential_id,
            out_dir=tmp_path / "pdf-b",
            today=DAY,
        )
    message = refused.value.message
    assert "keys export-private" in message and "keys install" in message and key_files.fingerprint(kid) in message
    assert "Do not rotate" in message and "(credtrack-cli keys rotate)" not in message
    with pytest.raises(SigningKeyError, match="does not hold the signing key"):  # B cannot export what it lacks
        key_service.export_private_key(
            db.unit_of_work(), world.admin, tmp_path / "from-b.pem", passphrase=EXPORT_PASSPHRASE
        )

    workstation("A")
    exported = tmp_path / "issuer-key.pem"
    with pytest.raises(PermissionDenied):
        key_service.export_private_key(db.unit_of_work(), world.educator, exported, passphrase=EXPORT_PASSPHRASE)
    with pytest.raises(ValidationError, match="at least 10 characters"):
        key_service.export_private_key(db.unit_of_work(), world.admin, exported, passphrase="short")
    assert not exported.exists()
    key_service.export_private_key(db.unit_of_work(), world.admin, exported, passphrase=EXPORT_PASSPHRASE)
    pem = exported.read_bytes()
    assert key_files.pem_is_encrypted(pem) and stat.S_IMODE(exported.stat().st_mode) == 0o600
    with pytest.raises(ValidationError, match="already exists"):
        key_service.export_private_key(db.unit_of_work(), world.admin, exported, passphrase=EXPORT_PASSPHRASE)
    assert (first / "keys" / f"{kid}.pem").exists()

    b = workstation("B")
    with pytest.raises(PermissionDenied):
        key_service.install_private_key(db.unit_of_work(), world.educator, pem, passphrase=EXPORT_PASSPHRASE)
    with pytest.raises(SigningKeyError, match="passphrase is wrong"):
        key_service.install_private_key(db.unit_of_work(), world.admin, pem, passphrase="not the passphrase")
    with pytest.raises(SigningKeyError, match="not one this database knows"):
        stranger = key_files.export_pem(key_files.generate(), EXPORT_PASSPHRASE)
        key_service.install_private_key(db.unit_of_work(), world.admin, stranger, passphrase=EXPORT_PASSPHRASE)
    with pytest.raises(SigningKeyError, match="does not hold an encrypted private key"):
        plain = key_files.private_key_path(kid, first / "keys").read_bytes()
        key_service.install_private_key(db.unit_of_work(), world.admin, plain, passphrase=EXPORT_PASSPHRASE)
    assert not list((b / "keys").glob("*.pem"))
    info = key_service.install_private_key(db.unit_of_work(), world.admin, pem, passphrase=EXPORT_PASSPHRASE).value
    assert info.kid == kid and info.private_key_here and info.encrypted
    with pytest.raises(DuplicateError):
        key_service.install_private_key(db.unit_of_work(), world.admin, pem, passphrase=EXPORT_PASSPHRASE)

    cert = certificates.issue_certificate(
        db.unit_of_work(),
        world.educator,
        world.eligible_id,
        world.credential_id,
        out_dir=tmp_path / "pdf-b",
        today=DAY,
        passphrase=EXPORT_PASSPHRASE,
    ).value
    assert revocations.verify_input(db.unit_of_work(), cert.pdf_path, today=DAY).verdict is Verdict.VALID
    assert [k.status for k in key_service.list_keys(db.unit_of_work())] == ["active"]  # no rotation was needed
    with db.unit_of_work() as uow:
        events = {e.action: e for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == kid))}
        assert {"key.export_private", "key.install"} <= set(events)
        assert events["key.install"].actor == "admin" and "workstation" in events["key.install"].after_json
        assert verify_chain(uow.session).intact


def test_a_retired_key_is_not_installed(db, workstation, tmp_path):
    workstation("A")
    world = build_world(db)
    old = tmp_path / "old-key.pem"
    key_service.export_private_key(db.unit_of_work(), world.admin, old, passphrase=EXPORT_PASSPHRASE)
    key_service.rotate_issuer_key(db.unit_of_work(), world.admin)
    workstation("C")
    with pytest.raises(SigningKeyError, match="was retired on"):
        key_service.install_private_key(db.unit_of_work(), world.admin, old.read_bytes(), passphrase=EXPORT_PASSPHRASE)
    assert not list(paths.keys_dir().glob("*.pem"))

"""The permission matrix for certificates, keys and revocation lists: every role, allowed or refused.

A refused call raises PermissionDenied naming the action and changes nothing in the database.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from credtrack.errors import AuthenticationError, DuplicateError, PermissionDenied
from credtrack.models import AuditEvent, Person
from credtrack.services import keys, trust
from credtrack.services.accounts import users as accounts
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations, verifier_export
from credtrack.services.permissions import ACTIONS, SYSTEM
from tests.integration.test_certificate_world import DAY, PASSWORD, build_world
from tests.unit.records.builders import snapshot

ROLES = ("admin", "educator", "preceptor", "viewer")
# function name (as the records matrix guard names it) -> action it checks
CERTIFICATE_FUNCTIONS = {
    "certificates.issuing.issue_certificate": "certificates.issue",
    "certificates.cohort.issue_cohort": "certificates.issue",
    "certificates.issuing.revoke_certificate": "certificates.revoke",
    "certificates.copies.reprint": "certificates.reprint",
    "certificates.copies.export_openbadge": "certificates.reprint",
    "keys.create_issuer_key": "keys.manage",
    "keys.rotate_issuer_key": "keys.manage",
    "keys.export_private_key": "keys.manage",
    "keys.install_private_key": "keys.manage",
    "certificates.revocations.import_revocation_list": "certificates.revocations_import",
    "certificates.revocations.export_revocation_list": "certificates.revocations_export",
    "certificates.verifier_export.export_verifier_page": "certificates.revocations_export",
    "trust.import_jwks": "trust.manage",
    "trust.import_bundle": "trust.manage",
    "trust.set_key_status": "trust.manage",
    "trust.export_bundle": "trust.manage",
}


@pytest.fixture
def world(db):
    w = build_world(db, names=("Nguyễn Thị Minh Khai", "Γιώργος Ιωάννου", "Анна Коваленко"))
    actors = {"admin": w.admin, "educator": w.educator}
    for role in ("preceptor", "viewer"):
        accounts.create_user(db.unit_of_work(), w.admin, username=role, password=PASSWORD, role=role)
        actors[role] = accounts.log_in(db.unit_of_work(), role, PASSWORD)
    with db.unit_of_work() as uow:
        eligible = list(
            uow.session.scalars(select(Person.id).where(Person.external_id.like("E%")).order_by(Person.external_id))
        )
    return w, actors, eligible


def _expect(db, role: str, action: str, call):
    """Run ``call`` as ``role``: refused roles must leave every table as it was."""
    if role in ACTIONS[action][1]:
        return call()
    before = snapshot(db)
    with pytest.raises(PermissionDenied) as refused:
        call()
    assert refused.value.action == ACTIONS[action][0]
    assert snapshot(db) == before
    return None


@pytest.mark.parametrize("role", ROLES)
def test_issuing_revoking_and_revocation_lists_by_role(db, world, role, tmp_path):
    w, actors, eligible = world
    actor = actors[role]
    issued = _expect(
        db,
        role,
        "certificates.issue",
        lambda: certificates.issue_certificate(db.unit_of_work(), actor, eligible[0], w.credential_id, today=DAY),
    )
    # A certificate to revoke exists whoever is acting: the set-up admin issues one.
    code = (
        issued.value.code
        if issued
        else certificates.issue_certificate(
            db.unit_of_work(), actors["admin"], eligible[0], w.credential_id, today=DAY
        ).value.code
    )
    _expect(
        db,
        role,
        "certificates.revoke",
        lambda: certificates.revoke_certificate(db.unit_of_work(), actor, code, "Issued to the wrong person"),
    )
    batch = _expect(
        db,
        role,
        "certificates.issue",
        lambda: certificate_cohort.issue_cohort(db, actor, "2026-JAN", tmp_path / "batch", today=DAY, workers=1),
    )
    if batch is not None:
        assert batch.changes
    exported = _expect(
        db,
        role,
        "certificates.revocations_export",
        lambda: revocations.export_revocation_list(db.unit_of_work(), actor),
    )
    listing = exported or revocations.export_revocation_list(db.unit_of_work(), actors["admin"])
    _expect(
        db,
        role,
        "certificates.revocations_import",
        lambda: revocations.import_revocation_list(db.unit_of_work(), actor, listing),
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_reprint_or_export_and_each_copy_is_audited(db, world, role, tmp_path):
    w, actors, eligible = world
    actor = actors[role]
    code = certificates.issue_certificate(
        db.unit_of_work(), actors["admin"], eligible[0], w.credential_id, today=DAY
    ).value.code
    copy = _expect(
        db,
        role,
        "certificates.reprint",
        lambda: certificate_copies.reprint(db.unit_of_work(), actor, code, tmp_path / "copies"),
    )
    exported = _expect(
        db, role, "certificates.reprint", lambda: certificate_copies.export_openbadge(db.unit_of_work(), actor, code)
    )
    allowed = role in ("admin", "educator")
    assert (copy is not None, exported is not None) == (allowed, allowed)
    assert list((tmp_path / "copies").glob("*.pdf")) if allowed else not (tmp_path / "copies").exists()
    with db.unit_of_work() as uow:
        audited = list(
            uow.session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.entity_id == code,
                    AuditEvent.action.in_(["certificate.reprint", "certificate.export_openbadge"]),
                )
            )
        )
    assert sorted(audited) == (["certificate.export_openbadge", "certificate.reprint"] if allowed else [])


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_manage_the_signing_key(db, world, role):
    _w, actors, _eligible = world
    actor = actors[role]
    _expect(db, role, "keys.manage", lambda: keys.rotate_issuer_key(db.unit_of_work(), actor))
    if role == "admin":
        with pytest.raises(DuplicateError):  # allowed, but a second key is made by rotating
            keys.create_issuer_key(db.unit_of_work(), actor)
    else:
        _expect(db, role, "keys.manage", lambda: keys.create_issuer_key(db.unit_of_work(), actor))


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_export_or_install_the_private_key(db, world, role, tmp_path):
    _w, actors, _eligible = world
    target = tmp_path / "key.pem"
    exported = _expect(
        db,
        role,
        "keys.manage",
        lambda: keys.export_private_key(db.unit_of_work(), actors[role], target, passphrase="a long export passphrase"),
    )
    assert target.exists() == (role == "admin") == (exported is not None)
    if role != "admin":
        _expect(
            db,
            role,
            "keys.manage",
            lambda: keys.install_private_key(
                db.unit_of_work(), actors[role], b"-----BEGIN ENCRYPTED PRIVATE KEY-----", passphrase="whatever it is"
            ),
        )


def test_set_up_may_create_the_first_key_only_while_there_is_none(db, world):
    with pytest.raises(PermissionDenied):
        keys.create_issuer_key(db.unit_of_work(), world[1]["viewer"])
    with pytest.raises(DuplicateError):
        keys.create_issuer_key(db.unit_of_work(), SYSTEM)


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_export_the_verifier_page_since_it_signs_a_revocation_list(db, world, role):
    _w, actors, _eligible = world
    page = _expect(
        db,
        role,
        "certificates.revocations_export",
        lambda: verifier_export.export_verifier_page(db.unit_of_work(), actors[role]),
    )
    assert (page is not None) == (role in ("admin", "educator"))
    if page is not None:
        assert "<html" in page.value.lower()


def test_the_private_key_is_loaded_only_for_someone_who_may_sign(db, world):
    _w, actors, _eligible = world
    with db.unit_of_work() as uow:
        with pytest.raises(TypeError):
            keys.signing_key(uow.session)  # type: ignore[call-arg]  # the acting user is required
        for role in ("preceptor", "viewer"):
            with pytest.raises(PermissionDenied):
                keys.signing_key(uow.session, actor=actors[role])
            with pytest.raises(PermissionDenied):
                keys.signing_key(uow.session, actor=actors[role], action="certificates.revocations_export")
        assert keys.signing_key(uow.session, actor=actors["educator"]).kid
        with pytest.raises(KeyError):
            keys.signing_key(uow.session, actor=actors["admin"], action="read")


def _partner_bundle(name: str) -> tuple[str, dict]:
    """Another institution's trust bundle and key file, made with a key of its own."""
    import datetime as dt

    from credtrack.certificates import keys as key_files
    from credtrack.certificates import trust_bundle

    key = key_files.SigningKey.of(key_files.generate())
    jwks = key_files.jwks([key_files.public_jwk(key.public_key)])
    return trust_bundle.export(
        issuer="CTPARTNR",
        issuer_name=name,
        jwks=jwks,
        revocation_list="",
        as_of=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        key=key,
    ), jwks


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_manage_trust(db, world, role):
    _w, actors, _eligible = world
    actor = actors[role]
    bundle, _ = _partner_bundle("Hillcrest School of Nursing")
    _, jwks = _partner_bundle("Lakeside College")
    _expect(db, role, "trust.manage", lambda: trust.import_bundle(db.unit_of_work(), actor, bundle))
    _expect(db, role, "trust.manage", lambda: trust.import_jwks(db.unit_of_work(), actor, "Lakeside College", jwks))
    if role != "admin":
        trust.import_jwks(db.unit_of_work(), actors["admin"], "Lakeside College", jwks)
    kid = jwks["keys"][0]["kid"]
    _expect(db, role, "trust.manage", lambda: trust.set_key_status(db.unit_of_work(), actor, kid, "retired"))
    exported = _expect(db, role, "trust.manage", lambda: trust.export_bundle(db.unit_of_work(), actor))
    assert (exported is not None) == (role == "admin")


def test_an_administrator_switched_off_since_sign_in_may_issue_export_or_sign_nothing(db, world, tmp_path):
    w, actors, eligible = world
    admin = actors["admin"]
    code = certificates.issue_certificate(db.unit_of_work(), admin, eligible[0], w.credential_id, today=DAY).value.code
    listing = revocations.export_revocation_list(db.unit_of_work(), admin)
    bundle, jwks = _partner_bundle("Hillcrest School of Nursing")
    lakeside = _partner_bundle("Lakeside College")[1]
    trust.import_jwks(db.unit_of_work(), admin, "Lakeside College", lakeside)
    kept_key = tmp_path / "kept.pem"
    keys.export_private_key(db.unit_of_work(), admin, kept_key, passphrase="a long export passphrase")
    accounts.create_user(db.unit_of_work(), admin, username="leaver", password=PASSWORD, role="admin")
    leaver = accounts.log_in(db.unit_of_work(), "leaver", PASSWORD)
    accounts.update_user(db.unit_of_work(), admin, leaver.id, active=False)
    lakeside_kid = lakeside["keys"][0]["kid"]
    calls = {
        "certificates.issuing.issue_certificate": lambda: certificates.issue_certificate(
            db.unit_of_work(), leaver, eligible[1], w.credential_id, today=DAY
        ),
        "certificates.cohort.issue_cohort": lambda: certificate_cohort.issue_cohort(
            db, leaver, "2026-JAN", tmp_path / "batch", today=DAY, workers=1
        ),
        "certificates.issuing.revoke_certificate": lambda: certificates.revoke_certificate(
            db.unit_of_work(), leaver, code, "Issued to the wrong person"
        ),
        "certificates.copies.reprint": lambda: certificate_copies.reprint(
            db.unit_of_work(), leaver, code, tmp_path / "copies"
        ),
        "certificates.copies.export_openbadge": lambda: certificate_copies.export_openbadge(
            db.unit_of_work(), leaver, code
        ),
        "keys.create_issuer_key": lambda: keys.create_issuer_key(db.unit_of_work(), leaver),
        "keys.rotate_issuer_key": lambda: keys.rotate_issuer_key(db.unit_of_work(), leaver),
        "keys.export_private_key": lambda: keys.export_private_key(
            db.unit_of_work(), leaver, tmp_path / "taken.pem", passphrase="a long export passphrase"
        ),
        "keys.install_private_key": lambda: keys.install_private_key(
            db.unit_of_work(), leaver, kept_key.read_bytes(), passphrase="a long export passphrase"
        ),
        "certificates.revocations.import_revocation_list": lambda: revocations.import_revocation_list(
            db.unit_of_work(), leaver, listing
        ),
        "certificates.revocations.export_revocation_list": lambda: revocations.export_revocation_list(
            db.unit_of_work(), leaver
        ),
        "certificates.verifier_export.export_verifier_page": lambda: verifier_export.export_verifier_page(
            db.unit_of_work(), leaver
        ),
        "trust.import_jwks": lambda: trust.import_jwks(db.unit_of_work(), leaver, "Another College", jwks),
        "trust.import_bundle": lambda: trust.import_bundle(db.unit_of_work(), leaver, bundle),
        "trust.set_key_status": lambda: trust.set_key_status(db.unit_of_work(), leaver, lakeside_kid, "retired"),
        "trust.export_bundle": lambda: trust.export_bundle(db.unit_of_work(), leaver),
    }
    assert set(calls) == set(CERTIFICATE_FUNCTIONS)  # a new certificate service belongs here too
    accepted = []
    for function, call in calls.items():
        before = snapshot(db)
        try:
            call()
        except AuthenticationError as refused:
            assert "nothing was saved" in refused.message.lower(), refused.message
        except DuplicateError:  # a second key, or one this workstation holds, is refused to anyone
            assert function in ("keys.create_issuer_key", "keys.install_private_key")
        else:
            accepted.append(function)
        assert snapshot(db) == before, f"{function} changed the database"
    assert accepted == []
    assert not (tmp_path / "taken.pem").exists()
    assert not list(tmp_path.glob("batch/**/*.pdf")) and not list(tmp_path.glob("copies/**/*.pdf"))

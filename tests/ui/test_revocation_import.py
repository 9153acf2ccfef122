"""A second workstation, sharing nothing but the exported list and the issuer's public keys, imports the
issuer's revocation list from the Certificates page."""

from __future__ import annotations

import json

from sqlalchemy import select

from credtrack.db import Database
from credtrack.models import Base, ExternalRevocation
from credtrack.services import keys, setup
from credtrack.services.accounts import users as accounts
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations
from credtrack.services.permissions import SYSTEM
from credtrack.ui import messages
from credtrack.ui.context import AppContext
from credtrack.ui.pages.certificates import CertificatesPage
from credtrack.ui.tasks import TaskRunner
from tests.integration.test_certificate_world import DAY, build_world


def _database(path) -> Database:
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    return db


def _issuer(tmp_path):
    """An issuer's database with one revoked certificate; its exported list and public keys."""
    issuer_db = _database(tmp_path / "issuer.db")
    world = build_world(issuer_db)
    cert = certificates.issue_certificate(
        issuer_db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    ).value
    certificates.revoke_certificate(issuer_db.unit_of_work(), world.educator, cert.code, "Issued in error")
    listing = tmp_path / "revocations.ctrl"
    listing.write_text(revocations.export_revocation_list(issuer_db.unit_of_work(), world.educator), encoding="utf-8")
    jwks = tmp_path / "issuer.jwks.json"
    jwks.write_text(json.dumps(keys.export_jwks(issuer_db.unit_of_work())), encoding="utf-8")
    issuer_db.dispose()
    return cert, listing, jwks


def _other_workstation(tmp_path, qtbot):
    """Another database with its own, different key, and its Certificates page."""
    other = _database(tmp_path / "other.db")
    setup.load_starter_data(other.unit_of_work())
    accounts.create_user(other.unit_of_work(), SYSTEM, username="admin", password="another password 1", role="admin")
    actor = accounts.log_in(other.unit_of_work(), "admin", "another password 1")
    keys.create_issuer_key(other.unit_of_work())
    page = CertificatesPage(AppContext(other, actor, runner=TaskRunner(synchronous=True)))
    qtbot.addWidget(page)
    page.show()
    page.activate()
    return other, page


def test_a_second_workstation_imports_the_revocation_list_from_the_desktop(qtbot, tmp_path, boxes, monkeypatch):
    cert, listing, jwks = _issuer(tmp_path)
    other, page = _other_workstation(tmp_path, qtbot)
    chosen = [str(listing), str(jwks)]
    monkeypatch.setattr(messages, "open_file_name", lambda _p, _title, _filters: chosen.pop(0))
    page.actions.import_revocations()
    assert chosen == []
    assert [k for k, _t, _x in boxes.shown] == ["info"], boxes.shown
    assert "1 revocations" in boxes.texts() and "1 new" in boxes.texts()
    with other.unit_of_work() as uow:
        (row,) = uow.session.scalars(select(ExternalRevocation))
        assert row.code == cert.code and row.reason == "Issued in error"
    other.dispose()


def test_a_bad_list_or_key_file_is_one_message_and_nothing_is_imported(qtbot, tmp_path, boxes, monkeypatch):
    _cert, listing, _jwks = _issuer(tmp_path)
    latin1 = tmp_path / "latin1.ctrl"
    latin1.write_bytes("liste révoquée".encode("latin-1"))
    as_list = tmp_path / "list.jwks.json"
    as_list.write_text(json.dumps([{"kty": "EC"}]), encoding="utf-8")
    latin1_keys = tmp_path / "latin1.jwks.json"
    latin1_keys.write_bytes('{"keys": "clé"}'.encode("latin-1"))
    other, page = _other_workstation(tmp_path, qtbot)
    cases = [([latin1], "not text"), ([listing, as_list], 'a "keys" list'), ([listing, latin1_keys], "not UTF-8")]
    for files, words in cases:
        chosen = [str(f) for f in files]
        monkeypatch.setattr(messages, "open_file_name", lambda _p, _title, _filters, chosen=chosen: chosen.pop(0))
        boxes.shown.clear()
        page.actions.import_revocations()
        assert [k for k, _t, _x in boxes.shown] == ["error"], (files, boxes.shown)
        assert words in boxes.texts() and "Traceback" not in boxes.texts(), boxes.texts()
    with other.unit_of_work() as uow:
        assert list(uow.session.scalars(select(ExternalRevocation))) == []
    other.dispose()

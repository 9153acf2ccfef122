"""The Verify page's trusted institutions: an administrator imports another institution's trust bundle there,
its certificates then verify on the page, its revocation lists import like our own, and distrusting its key
ends it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from credtrack.models import Certificate
from credtrack.services import keys, trust
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations
from credtrack.services.permissions import SYSTEM
from credtrack.ui.pages.certificates import CertificatesPage
from credtrack.ui.pages.verify import VerifyPage
from tests.integration.test_certificate_world import DAY, build_world
from tests.ui.conftest import add_user, open_page


def _check(qtbot, page, text: str) -> str:
    page.input.setPlainText(text)
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    return page.result.verdict


def test_admin_trusts_another_institution_on_the_verify_page(
    qtbot, demo_ctx, demo_db, sqlite_db, boxes, monkeypatch, tmp_path
):
    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)  # B: the demo institution
    world = build_world(sqlite_db)  # A: Riverside Teaching Hospital
    cert = certificates.issue_certificate(
        sqlite_db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    ).value
    with sqlite_db.unit_of_work() as uow:
        text = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))
    a_fingerprint = keys.list_keys(sqlite_db.unit_of_work())[0].fingerprint
    bundle = tmp_path / "riverside.bundle"
    bundle.write_text(trust.export_bundle(sqlite_db.unit_of_work(), world.admin).value, encoding="utf-8")

    ctx = demo_ctx()
    page = open_page(qtbot, VerifyPage, ctx)
    panel = page.trust_panel
    assert panel.empty.isVisible() and not panel.table.isVisible()
    assert _check(qtbot, page, text) == "unknown_issuer"

    monkeypatch.setattr("credtrack.ui.messages.open_file_name", lambda *a, **k: str(bundle))
    qtbot.mouseClick(panel.import_bundle_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["info"] and "Riverside Teaching Hospital" in boxes.texts()
    assert a_fingerprint in boxes.texts() and "by phone or letter" in boxes.texts()
    assert panel.table.isVisible() and panel.table.rowCount() == 1
    assert [panel.table.item(0, c).text() for c in range(2)] == ["Riverside Teaching Hospital", a_fingerprint]
    assert panel.table.item(0, 2).text() == "trusted"
    assert _check(qtbot, page, text) == "valid"
    assert "Riverside Teaching Hospital" in page.result.fields["issuer"].text()

    # A revokes and sends its revocation list: the Certificates page imports it without asking for A's key file.
    certificates.revoke_certificate(sqlite_db.unit_of_work(), world.admin, cert.code, "Issued in error")
    listing = tmp_path / "riverside.ctrl"
    listing.write_text(revocations.export_revocation_list(sqlite_db.unit_of_work(), world.admin), encoding="utf-8")
    asked: list[str] = []
    monkeypatch.setattr(
        "credtrack.ui.messages.open_file_name", lambda _p, title, _f: asked.append(title) or str(listing)
    )
    certificates_page = open_page(qtbot, CertificatesPage, ctx)
    certificates_page.actions.import_revocations()
    assert asked == ["Import revocation list"] and "1 new" in boxes.texts()
    assert _check(qtbot, page, text) == "revoked"
    assert panel.table.item(0, 3).text().startswith("as of")

    panel.table.selectRow(0)
    assert panel.distrust_button.isEnabled()
    qtbot.mouseClick(panel.distrust_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds()[-1] == "confirm"
    assert panel.table.item(0, 2).text().startswith("distrusted")
    assert _check(qtbot, page, text) == "unknown_issuer"


def test_others_see_trusted_institutions_but_cannot_change_them(qtbot, demo_ctx, demo_db, sqlite_db, boxes):
    build_world(sqlite_db)
    admin = demo_ctx().actor
    trust.import_jwks(
        demo_db.unit_of_work(), admin, "Riverside Teaching Hospital", keys.export_jwks(sqlite_db.unit_of_work())
    )
    add_user(demo_db, admin, "unitmanager", "viewer")
    page = open_page(qtbot, VerifyPage, demo_ctx("unitmanager"))
    assert page.trust_panel.table.rowCount() == 1
    assert page.trust_panel.table.item(0, 0).text() == "Riverside Teaching Hospital"
    assert not any(button.isVisible() for button in page.trust_panel.admin_buttons)


def test_trusting_a_key_file_and_refusing_files_that_are_neither(
    qtbot, demo_ctx, sqlite_db, boxes, monkeypatch, tmp_path
):
    import json

    build_world(sqlite_db)
    page = open_page(qtbot, VerifyPage, demo_ctx())
    panel = page.trust_panel
    chosen: list[str] = []
    monkeypatch.setattr("credtrack.ui.messages.open_file_name", lambda *a, **k: chosen[-1])
    picture = tmp_path / "scan.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    notes = tmp_path / "notes.json"
    notes.write_text('{"hello": 1}', encoding="utf-8")
    chosen.append(str(picture))
    qtbot.mouseClick(panel.import_bundle_button, Qt.MouseButton.LeftButton)
    chosen.append(str(notes))
    qtbot.mouseClick(panel.import_bundle_button, Qt.MouseButton.LeftButton)
    boxes.text_answers.append("Riverside Teaching Hospital")
    qtbot.mouseClick(panel.import_keys_button, Qt.MouseButton.LeftButton)
    assert [kind for kind in boxes.kinds() if kind != "ask"] == ["error", "error", "error"]
    assert "cannot be read as text" in boxes.shown[0][2]
    assert "not a credtrack trust bundle" in boxes.shown[1][2]
    assert "not a key file (JWKS)" in boxes.shown[-1][2]
    assert panel.table.rowCount() == 0

    jwks = tmp_path / "riverside.jwks.json"
    jwks.write_text(json.dumps(keys.export_jwks(sqlite_db.unit_of_work())), encoding="utf-8")
    chosen.append(str(jwks))
    boxes.text_answers.append("Riverside Teaching Hospital")
    qtbot.mouseClick(panel.import_keys_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds()[-1] == "info" and keys.list_keys(sqlite_db.unit_of_work())[0].fingerprint in boxes.texts()
    assert panel.table.rowCount() == 1 and panel.table.item(0, 0).text() == "Riverside Teaching Hospital"

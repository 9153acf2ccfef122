"""The Verify page's 'Export offline verifier page' writes the page, which then verifies offline."""

from __future__ import annotations

from PySide6.QtCore import Qt

from credtrack.services import keys
from credtrack.services.certificates import issuing as certificates
from credtrack.services.permissions import SYSTEM
from credtrack.ui.pages.verify import VerifyPage
from tests.browser.offline import offline_page
from tests.ui.conftest import open_page
from tests.ui.test_certificates_flow import _eligible_pair


def test_export_button_writes_a_page_that_checks_our_certificate(
    qtbot, demo_ctx, demo_db, boxes, monkeypatch, tmp_path
):
    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    ctx = demo_ctx()
    person_id, credential_id = _eligible_pair(ctx)
    cert = certificates.issue_certificate(ctx.uow(), ctx.actor, person_id, credential_id, out_dir=tmp_path).value
    target = tmp_path / "verify.html"
    monkeypatch.setattr("credtrack.ui.messages.save_file_name", lambda *a, **k: str(target))
    page = open_page(qtbot, VerifyPage, ctx)
    assert page.page_button.isVisible()
    qtbot.mouseClick(page.page_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: boxes.kinds() == ["info"])
    assert "KB" in boxes.texts()
    with ctx.uow() as uow:
        from sqlalchemy import select

        from credtrack.models import Certificate

        text = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))
    with offline_page(target) as browser:
        browser.open()
        assert browser.check_text(text) == "valid"
        assert browser.requests == []

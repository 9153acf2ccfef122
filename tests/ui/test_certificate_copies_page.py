"""The Certificates page never hands out a clean copy of a withdrawn certificate; Settings decides whether a marked one.

Also: a certificate issued by an override says so in the detail pane and on the Verify page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from credtrack.services import keys
from credtrack.services import settings as institution
from credtrack.services.certificates import issuing as certificates
from credtrack.services.permissions import SYSTEM
from credtrack.services.progress import bulk as progress_bulk
from credtrack.ui.pages.certificates import CertificatesPage
from credtrack.ui.pages.settings import SettingsPage
from credtrack.ui.pages.verify import VerifyPage
from tests.ui.conftest import open_page
from tests.unit.certificates.helpers import pdf_text


@pytest.fixture
def ctx(demo_ctx, demo_db):
    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    return demo_ctx()


def _pairs(ctx, status: str):
    from credtrack.services import cohorts

    cohort = cohorts.list_cohorts(ctx.uow(), ctx.actor)[0].code
    return [
        (r.person_id, r.credential_id)
        for r in progress_bulk.bulk_progress(ctx.uow(), ctx.actor, cohort_code=cohort)
        if r.status == status
    ]


def _revoked(ctx, tmp_path):
    person_id, credential_id = _pairs(ctx, "eligible")[0]
    cert = certificates.issue_certificate(ctx.uow(), ctx.actor, person_id, credential_id, out_dir=tmp_path).value
    certificates.revoke_certificate(ctx.uow(), ctx.actor, cert.code, "Issued to the wrong learner")
    return cert


def _page(qtbot, ctx, code: str) -> CertificatesPage:
    page = open_page(qtbot, CertificatesPage, ctx)
    assert page.select_code(code)
    return page


def test_a_revoked_row_offers_only_a_marked_copy_and_no_open_badge(qtbot, ctx, boxes, tmp_path, monkeypatch):
    cert = _revoked(ctx, tmp_path)
    page = _page(qtbot, ctx, cert.code)
    a = page.actions
    assert [a.open_button.text(), a.print_button.text(), a.save_button.text()] == [
        "Open marked copy",
        "Print marked copy…",
        "Save marked copy as…",
    ]
    assert all(b.isEnabled() for b in (a.open_button, a.print_button, a.save_button))
    assert "marked REVOKED" in a.print_button.toolTip() and "date and the reason" in a.print_button.toolTip()
    assert not a.badge_button.isEnabled() and "not exported as an Open Badge" in a.badge_button.toolTip()

    opened: list[str] = []
    monkeypatch.setattr("credtrack.ui.messages.open_with_system", opened.append)
    qtbot.mouseClick(a.open_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and "REVOKED-COPY" in Path(opened[0]).name
    text = pdf_text(opened[0])
    assert "REVOKED" in text and "Issued to the wrong learner" in text

    target = tmp_path / "saved.pdf"
    suggested: list[str] = []

    def save_as(_parent, _title, name, _filter):
        suggested.append(name)
        return str(target)

    monkeypatch.setattr("credtrack.ui.messages.save_file_name", save_as)
    qtbot.mouseClick(a.save_button, Qt.MouseButton.LeftButton)
    assert suggested == [f"{cert.code}-REVOKED-COPY.pdf"]
    assert "NOT A VALID CERTIFICATE" in pdf_text(target)


def test_when_the_institution_prints_no_copies_the_actions_are_disabled_and_say_why(qtbot, ctx, boxes, tmp_path):
    cert = _revoked(ctx, tmp_path)
    institution.update_institution(ctx.uow(), ctx.actor, revoked_copies="refuse")
    page = _page(qtbot, ctx, cert.code)
    for button in page.actions.copy_buttons():
        assert not button.isEnabled()
    assert "does not print revoked or superseded certificates" in page.actions.print_button.toolTip()
    page.actions.print_pdf()  # Ctrl+P, and a double-click, reach these too
    page.actions.open_pdf()
    assert boxes.shown == []
    # A certificate in force, selected next, prints as issued.
    person_id, credential_id = _pairs(ctx, "eligible")[1]
    fresh = certificates.issue_certificate(ctx.uow(), ctx.actor, person_id, credential_id).value
    page.reload()
    assert page.select_code(fresh.code)
    assert page.actions.open_button.isEnabled() and page.actions.open_button.text() == "Open PDF"
    assert page.actions.badge_button.isEnabled()


def test_the_setting_is_chosen_on_the_settings_page(qtbot, ctx, demo_db, boxes):
    page = open_page(qtbot, SettingsPage, ctx)
    combo = page.institution.revoked_copies
    assert combo.currentData() == "marked" and combo.isEnabled()
    combo.setCurrentIndex(combo.findData("refuse"))
    qtbot.mouseClick(page.institution.save_button, Qt.MouseButton.LeftButton)
    assert institution.get_institution(demo_db.unit_of_work()).revoked_copies == "refuse"


def test_an_override_says_issued_by_exception_in_the_pane_and_on_the_verify_page(qtbot, ctx, boxes):
    person_id, credential_id = (_pairs(ctx, "in_progress") + _pairs(ctx, "not_started"))[0]
    cert = certificates.issue_certificate(
        ctx.uow(), ctx.actor, person_id, credential_id, override_reason="Equivalent programme at a partner hospital"
    ).value
    page = _page(qtbot, ctx, cert.code)
    assert "Issued by exception" in page.detail.fields["issued_by"].text()
    assert "Equivalent programme" in page.detail.fields["issued_by"].text()
    verify = open_page(qtbot, VerifyPage, ctx)
    verify.input.setPlainText(cert.code)
    qtbot.mouseClick(verify.check_button, Qt.MouseButton.LeftButton)
    assert verify.result.verdict == "valid"
    assert "Issued by exception" in verify.result.banner.detail.text()
    assert verify.result.fields["basis"].text().startswith("Issued by exception")

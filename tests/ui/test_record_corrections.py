"""People page: void a wrong record with a reason, verify a pending completion, confirm a historical sign-off."""

from __future__ import annotations

from PySide6.QtCore import Qt

from credtrack.ui import messages
from credtrack.ui.context import AppContext
from credtrack.ui.dialogs.void_dialog import VoidDialog
from credtrack.ui.pages.people import PeoplePage
from credtrack.ui.tasks import TaskRunner
from tests.unit.records.builders import (
    PASSWORD,
    build_world,
    cheap_hashing,
    complete,
    historical_signoff,
)


def _page(qtbot, ctx) -> PeoplePage:
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    page.activate()
    return page


def _show(page: PeoplePage, person_id: int) -> None:
    page.status.setCurrentIndex(0)
    assert page.select_person(person_id)
    page._detail_timer.stop()
    page._load_detail()


def _select(view, predicate) -> object:
    proxy = view.model()
    for r in range(proxy.rowCount()):
        row = proxy.row_at(r)
        if predicate(row):
            view.selectRow(r)
            return row
    raise AssertionError("no such row")


def test_voiding_and_verifying_on_the_person_page(qtbot, sqlite_db, boxes, monkeypatch):
    w = build_world(sqlite_db)
    done = complete(w, "ONB-101", "2026-06-01")
    pending = complete(w, "SIM-1", "2026-06-02")
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    page = _page(qtbot, ctx)
    _show(page, w.learner)
    pane = page.detail
    pane.tabs.setCurrentIndex(1)
    assert pane.void_completion_button.isVisible() and pane.verify_completion_button.isVisible()

    _select(pane.completions_view, lambda r: r.id == done.id)
    assert pane.void_completion_button.isEnabled() and not pane.verify_completion_button.isEnabled()
    asked = []
    monkeypatch.setattr(
        messages,
        "ask_void_reason",
        lambda _p, what, certs: asked.append((what, certs)) or "Recorded for the wrong learner",
    )
    qtbot.mouseClick(pane.void_completion_button, Qt.MouseButton.LeftButton)
    assert asked and "ONB-101" in asked[0][0] and asked[0][1] == []
    row = next(r for r in pane.detail.completions if r.id == done.id)
    assert row.voided and row.void_reason == "Recorded for the wrong learner"
    onb = next(req for p in pane.detail.progress for req in p.requirements if req.code == "ONB-101")
    assert onb.state == "missing"

    _select(pane.completions_view, lambda r: r.id == done.id)
    assert not pane.void_completion_button.isEnabled()  # already voided
    _select(pane.completions_view, lambda r: r.id == pending.id)
    assert pane.verify_completion_button.isEnabled()
    boxes.text_answers.append(PASSWORD)
    with cheap_hashing():
        qtbot.mouseClick(pane.verify_completion_button, Qt.MouseButton.LeftButton)
    assert next(r for r in pane.detail.completions if r.id == pending.id).verification == "verified"
    sim = next(req for p in pane.detail.progress for req in p.requirements if req.code == "SIM-1")
    assert sim.state == "met"


def test_an_educator_confirms_a_historical_sign_off_a_preceptor_cannot(qtbot, sqlite_db, boxes):
    w = build_world(sqlite_db)
    historical = historical_signoff(w, "TT1", "4")
    preceptor_page = _page(qtbot, AppContext(sqlite_db, w.preceptor, runner=TaskRunner(synchronous=True)))
    assert preceptor_page.detail.confirm_assessment_button.isHidden()

    page = _page(qtbot, AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True)))
    _show(page, w.learner)
    pane = page.detail
    pane.tabs.setCurrentIndex(2)
    row = _select(pane.assessments_view, lambda r: r.id == historical)
    assert pane.assessments.data(pane.assessments.index(0, 5)) == "Historical, unverified"
    assert row.verification == "pending" and pane.confirm_assessment_button.isEnabled()
    boxes.text_answers.append(PASSWORD)
    with cheap_hashing():
        qtbot.mouseClick(pane.confirm_assessment_button, Qt.MouseButton.LeftButton)
    assert next(r for r in pane.detail.assessments if r.id == historical).verification == "verified"
    tt1 = next(req for p in pane.detail.progress for req in p.requirements if req.code == "TT1")
    assert tt1.state == "met"


def test_the_void_dialog_needs_a_reason_and_names_the_certificates_resting_on_the_record(qtbot):
    dialog = VoidDialog("Void ONB-101 for Minh?", ["CT-7K3F-9QXM-4"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()
    assert "CT-7K3F-9QXM-4" in dialog.certificates.text() and "does not revoke" in dialog.certificates.text()
    qtbot.keyClicks(dialog.reason, "   ")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason, "Wrong learner")
    assert dialog.ok_button.isEnabled() and dialog.text() == "Wrong learner"


def test_a_certificate_whose_evidence_was_voided_says_so_on_both_pages(
    qtbot, demo_ctx, demo_db, boxes, tmp_path, monkeypatch
):
    from credtrack.services import cohorts, keys
    from credtrack.services.certificates import issuing as certificates
    from credtrack.services.permissions import SYSTEM
    from credtrack.services.progress import bulk as progress_bulk
    from credtrack.services.records import listing as record_listing
    from credtrack.ui.pages.certificates import CertificatesPage

    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    ctx = demo_ctx()
    cohort = cohorts.list_cohorts(ctx.uow(), ctx.actor)[0].code
    eligible = next(
        r for r in progress_bulk.bulk_progress(ctx.uow(), ctx.actor, cohort_code=cohort) if r.status == "eligible"
    )
    cert = certificates.issue_certificate(
        ctx.uow(), ctx.actor, eligible.person_id, eligible.credential_id, out_dir=tmp_path
    ).value
    page = _page(qtbot, ctx)
    _show(page, eligible.person_id)
    pane = page.detail
    assert pane.evidence_banner.isHidden()
    pane.tabs.setCurrentIndex(1)
    evidence_codes = {
        req.code
        for p in pane.detail.progress
        if p.certificate_code == cert.code
        for req in p.requirements
        if req.met and req.kind == "module"
    }
    target = _select(pane.completions_view, lambda r: r.module_code in evidence_codes and not r.voided)
    asked = []
    monkeypatch.setattr(messages, "ask_void_reason", lambda _p, what, certs: asked.append(certs) or "Wrong learner")
    qtbot.mouseClick(pane.void_completion_button, Qt.MouseButton.LeftButton)
    assert asked == [[cert.code]]
    assert any(kind == "info" and cert.code in text for kind, _t, text in boxes.shown)
    assert pane.evidence_banner.isVisible() and cert.code in pane.evidence_banner.detail.text()
    assert "Wrong learner" in pane.evidence_banner.detail.text()
    top = next(
        pane.checklist.topLevelItem(i)
        for i in range(pane.checklist.topLevelItemCount())
        if cert.code in pane.checklist.topLevelItem(i).text(1)
    )
    assert "evidence behind it voided" in top.text(1) and top.isExpanded()
    assert record_listing.person_records(ctx.uow(), ctx.actor, eligible.person_id)[0]  # the record stays, voided

    certs_page = CertificatesPage(ctx)
    qtbot.addWidget(certs_page)
    certs_page.show()
    certs_page.activate()
    assert certs_page.select_code(cert.code)
    status = certs_page.detail.fields["status"].text()
    assert status.startswith("Valid") and f"{target.module_code} completed" in status and "voided" in status

"""Issue a certificate and see it verify; revoke it and see that too; a cohort batch with progress and cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QPushButton

from credtrack.services import keys
from credtrack.services.certificates import queries as certificate_queries
from credtrack.services.permissions import SYSTEM
from credtrack.ui.dialogs.issue_dialog import IssueDialog
from credtrack.ui.pages.certificates import CertificatesPage
from credtrack.ui.pages.verify import VerifyPage
from tests.ui.conftest import open_page


@pytest.fixture
def ctx(demo_ctx, demo_db):
    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    return demo_ctx()


def _eligible_pair(ctx):
    from credtrack.services.progress import bulk as progress_bulk

    cohort = _cohort(ctx)
    rows = progress_bulk.bulk_progress(ctx.uow(), ctx.actor, cohort_code=cohort)
    row = next(r for r in rows if r.status == "eligible")
    return row.person_id, row.credential_id


def _cohort(ctx):
    from credtrack.services import cohorts

    return cohorts.list_cohorts(ctx.uow(), ctx.actor)[0].code


def test_issue_then_verify_then_revoke(qtbot, ctx, boxes, monkeypatch, tmp_path):
    person_id, credential_id = _eligible_pair(ctx)

    def choose(dialog: IssueDialog):
        dialog.learner.select(person_id)
        dialog.credential.setCurrentIndex(dialog.credential.findData(credential_id))
        assert dialog.eligible and dialog.issue_button.isEnabled()
        assert "Eligible" in dialog.eligibility.text()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(IssueDialog, "exec", choose)
    page = open_page(qtbot, CertificatesPage, ctx)
    assert page.model.rowCount() == 0
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["info"] and "issued to" in boxes.texts()
    assert page.model.rowCount() == 1
    cert = page.model.row_at(0)
    assert cert.person_id == person_id and cert.status == "valid"

    verify = open_page(qtbot, VerifyPage, ctx)
    verify.input.setPlainText(cert.qr_payload)
    qtbot.mouseClick(verify.check_button, Qt.MouseButton.LeftButton)
    assert verify.result.verdict == "valid"
    assert "VALID" in verify.result.banner.headline.text()
    assert verify.result.fields["holder"].text() == cert.holder_name
    assert verify.result.fields["code"].text() == cert.code

    verify.input.setPlainText(cert.code)
    qtbot.mouseClick(verify.check_button, Qt.MouseButton.LeftButton)
    assert verify.result.verdict == "valid"

    tampered = cert.qr_payload[:-6] + ("A" if cert.qr_payload[-6] != "A" else "B") + cert.qr_payload[-5:]
    verify.input.setPlainText(tampered)
    qtbot.mouseClick(verify.check_button, Qt.MouseButton.LeftButton)
    assert verify.result.verdict in ("altered_or_forged", "unreadable")
    assert verify.result.banner.tone in ("bad", "info") and not verify.result.details.isVisible()

    page.table.selectRow(0)
    boxes.text_answers.append("Issued to the wrong learner")
    qtbot.mouseClick(page.actions.revoke_button, Qt.MouseButton.LeftButton)
    assert page.model.row_at(0).status == "revoked"
    verify.input.setPlainText(cert.qr_payload)
    qtbot.mouseClick(verify.check_button, Qt.MouseButton.LeftButton)
    assert verify.result.verdict == "revoked"
    assert "REVOKED" in verify.result.banner.headline.text()
    assert "wrong learner" in verify.result.fields["status"].text()


def test_dropping_the_pdf_on_the_verify_page(qtbot, ctx, boxes, tmp_path, monkeypatch):
    from credtrack.services.certificates import issuing as certificates

    person_id, credential_id = _eligible_pair(ctx)
    issued = certificates.issue_certificate(ctx.uow(), ctx.actor, person_id, credential_id, out_dir=tmp_path).value
    verify = open_page(qtbot, VerifyPage, ctx)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(issued.pdf_path))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    verify.dropEvent(event)
    assert verify.result.verdict == "valid"
    assert verify.result.fields["code"].text() == issued.code

    opened = []
    monkeypatch.setattr("credtrack.ui.messages.open_with_system", opened.append)
    page = open_page(qtbot, CertificatesPage, ctx)
    page.table.selectRow(0)
    qtbot.mouseClick(page.actions.open_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and Path(opened[0]).suffix == ".pdf" and Path(opened[0]).exists()


def test_cohort_batch_reports_progress_and_issues(qtbot, ctx, boxes):
    page = open_page(qtbot, CertificatesPage, ctx)
    page.cohort_box.setCurrentIndex(page.cohort_box.findData(_cohort(ctx)))
    qtbot.mouseClick(page.cohort_button, Qt.MouseButton.LeftButton)
    assert "certificates issued" in boxes.texts()
    issued = certificate_queries.list_certificates(ctx.uow(), ctx.actor)
    assert len(issued) >= 2
    assert page.model.rowCount() == len(issued)


@pytest.mark.parametrize("how", ["Cancel button", "Escape key"])
def test_cohort_batch_cancel_keeps_nothing(qtbot, ctx, boxes, monkeypatch, how):
    from credtrack.certificates import batch
    from credtrack.ui.dialogs.cohort_issue import CohortIssueProgress

    monkeypatch.setattr(batch, "CHUNK", 2)  # several chunks, so there is a moment to cancel between them
    monkeypatch.setattr(batch.os, "cpu_count", lambda: 1)
    seen = []
    original = CohortIssueProgress._progress

    def progress_then_cancel(self, done, total, text):
        original(self, done, total, text)
        seen.append((done, total, self.value(), self.maximum()))
        if len(seen) == 1 and how == "Escape key":  # the user cancels after the first pages are rendered
            qtbot.keyClick(self, Qt.Key.Key_Escape)
        elif len(seen) == 1:
            qtbot.mouseClick(self.findChild(QPushButton), Qt.MouseButton.LeftButton)

    monkeypatch.setattr(CohortIssueProgress, "_progress", progress_then_cancel)
    page = open_page(qtbot, CertificatesPage, ctx)
    page.cohort_box.setCurrentIndex(page.cohort_box.findData(_cohort(ctx)))
    qtbot.mouseClick(page.cohort_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0][0] == 2 and seen[0][2] == 2 and seen[0][3] == seen[0][1] > 2
    assert "cancelled" in boxes.texts()
    assert not page.batch.isVisible()
    assert certificate_queries.list_certificates(ctx.uow(), ctx.actor) == []
    assert list(ctx_folder().glob("*.pdf")) == []


def ctx_folder() -> Path:
    from credtrack.ui.widgets.certificate_actions import output_folder

    return output_folder()


def test_viewer_cannot_issue_revoke_or_reprint(qtbot, demo_ctx, demo_db):
    from credtrack.demo import DEMO_PASSWORD

    page = open_page(qtbot, CertificatesPage, demo_ctx("viewer", DEMO_PASSWORD))
    assert not page.issue_button.isVisible() and not page.cohort_button.isVisible()
    assert not page.actions.revoke_button.isVisible()
    # A viewer reads the list and the details, and verifies; producing the document again is for staff.
    assert not any(button.isVisible() for button in page.actions.copy_buttons())
    assert page.table.isVisible() and page.detail.isVisible()


def test_cohort_pdfs_go_to_the_chosen_folder_which_is_remembered(qtbot, ctx, boxes, tmp_path):
    from credtrack import config

    chosen = tmp_path / "Cohort certificates"
    boxes.folder_answer = str(chosen)
    page = open_page(qtbot, CertificatesPage, ctx)
    page.cohort_box.setCurrentIndex(page.cohort_box.findData(_cohort(ctx)))
    qtbot.mouseClick(page.cohort_button, Qt.MouseButton.LeftButton)
    assert "certificates issued" in boxes.texts()
    assert list(chosen.glob("*.pdf")), "the cohort's PDFs are in the chosen folder"
    assert str(chosen) in boxes.texts()  # the summary names where the combined PDF is
    assert config.LocalSettings.load().cohort_pdf_folder == str(chosen)
    boxes.folder_answer = None  # accept what is suggested: the folder used last time
    boxes.shown.clear()
    assert page.cohort_folder() == chosen
    assert boxes.shown[0][0] == "folder" and boxes.shown[0][2] == str(chosen)


def test_a_folder_that_cannot_be_written_is_refused_before_issuing(qtbot, ctx, boxes, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    boxes.folder_answer = str(blocker / "inside")
    page = open_page(qtbot, CertificatesPage, ctx)
    page.cohort_box.setCurrentIndex(page.cohort_box.findData(_cohort(ctx)))
    qtbot.mouseClick(page.cohort_button, Qt.MouseButton.LeftButton)
    assert "error" in boxes.kinds() and "cannot be saved" in boxes.texts()
    assert certificate_queries.list_certificates(ctx.uow(), ctx.actor) == []

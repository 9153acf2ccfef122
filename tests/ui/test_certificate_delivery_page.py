"""The Certificates page: 'E-mail to learners…' through a loopback SMTP server, and 'Save for learners…'."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import delete, select

from credtrack.models import Certificate, Person, Setting
from credtrack.services import cohorts, keys, mail
from credtrack.services.certificates import issuing as certificates
from credtrack.services.permissions import SYSTEM
from credtrack.services.progress import bulk as progress_bulk
from credtrack.ui.pages.certificates import CertificatesPage
from credtrack.ui.widgets.learner_delivery import LearnerDelivery
from tests.ui.conftest import open_page


@pytest.fixture
def issued(demo_ctx, demo_db):
    """Three certificates issued from the demo, and the addresses of their holders."""
    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    ctx = demo_ctx()
    cohort = cohorts.list_cohorts(ctx.uow(), ctx.actor)[0].code
    pairs = [
        (r.person_id, r.credential_id)
        for r in progress_bulk.bulk_progress(ctx.uow(), ctx.actor, cohort_code=cohort)
        if r.status == "eligible"
    ][:3]
    codes = [certificates.issue_certificate(ctx.uow(), ctx.actor, p, c).value.code for p, c in pairs]
    with demo_db.unit_of_work() as uow:
        emails = dict(
            uow.session.execute(
                select(Certificate.code, Person.email)
                .join(Person, Person.id == Certificate.person_id)
                .where(Certificate.code.in_(codes))
            ).all()
        )
    assert len(codes) == 3 and all(emails.values())
    return ctx, codes, emails, cohort


def accept_dialog(monkeypatch, scope_text: str, *, subject: str | None = None) -> list[QDialog]:
    seen: list[QDialog] = []

    def exec_(self, dialog):
        seen.append(dialog)
        index = next(i for i in range(dialog.scope.count()) if scope_text in dialog.scope.itemText(i))
        dialog.scope.setCurrentIndex(index)
        if subject is not None:
            dialog.subject.setText(subject)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LearnerDelivery, "_exec", exec_)
    return seen


def test_e_mail_to_learners_sends_each_holder_their_certificate(
    qtbot, issued, demo_db, boxes, monkeypatch, smtp_server
):
    ctx, codes, emails, _cohort = issued
    mail.update_mail_settings(demo_db.unit_of_work(), ctx.actor, smtp_server.settings())
    page = open_page(qtbot, CertificatesPage, ctx)
    assert page.delivery.email_button.isVisible() and page.delivery.zip_button.isVisible()
    page.select_code(codes[0])
    dialogs = accept_dialog(monkeypatch, "The selected certificate", subject="For you, {name}")
    qtbot.mouseClick(page.delivery.email_button, Qt.MouseButton.LeftButton)
    assert dialogs and "Riverbend Education Office" in dialogs[0].sender.text()
    assert boxes.shown[-1] == ("info", "E-mail to learners", "1 certificate e-mailed.")
    (got,) = smtp_server.received
    assert got.recipients == (emails[codes[0]],) and got.message["Subject"].startswith("For you, ")
    (pdf,) = list(got.message.iter_attachments())
    assert pdf.get_filename().endswith(f" – {codes[0]}.pdf")

    # The server gives up after one more: the rest wait, and the retry offered sends them once each.
    smtp_server.accept = 2
    accept_dialog(monkeypatch, "certificates in force listed here")
    boxes.confirm_answer = False
    qtbot.mouseClick(page.delivery.email_button, Qt.MouseButton.LeftButton)
    kind, _title, text = boxes.shown[-1]
    assert kind == "confirm" and "still waiting to be sent" in text and "Try again now" in text
    smtp_server.accept = None
    page.delivery.retry()
    assert boxes.shown[-1][0] == "info" and "had been sent already" in boxes.shown[-1][2]
    later = [r.recipients[0] for r in smtp_server.received[1:]]
    assert sorted(later) == sorted(set(later)) and set(codes) <= set(page.delivery_scopes()[-1][1])


def test_mail_not_set_up_is_explained_before_anything_is_asked(qtbot, issued, demo_db, boxes, monkeypatch):
    ctx, codes, _, _cohort = issued
    with demo_db.unit_of_work() as uow:  # the demo sends through a local relay: here, as if never set up
        uow.session.execute(delete(Setting).where(Setting.key.like("mail.%")))
        uow.commit()
    page = open_page(qtbot, CertificatesPage, ctx)
    page.select_code(codes[0])
    dialogs = accept_dialog(monkeypatch, "The selected certificate")
    qtbot.mouseClick(page.delivery.email_button, Qt.MouseButton.LeftButton)
    assert dialogs == [] and "Settings › Mail" in boxes.shown[-1][2]


def test_save_for_learners_writes_the_zip(qtbot, issued, boxes, monkeypatch, tmp_path):
    ctx, codes, _, cohort = issued
    page = open_page(qtbot, CertificatesPage, ctx)
    page.cohort_box.setCurrentIndex(page.cohort_box.findData(cohort))
    (in_cohort,) = [s for s in page.delivery_scopes() if "in force for" in s[0]]
    assert in_cohort[0].startswith("The 3 certificates in force for ") and sorted(in_cohort[1]) == sorted(codes)
    page.select_code(codes[1])
    target = tmp_path / "for learners"
    monkeypatch.setattr("credtrack.ui.messages.save_file_name", lambda *a: str(target))
    monkeypatch.setattr("credtrack.ui.messages.choose_item", lambda *a: 0)  # the selected certificate
    qtbot.mouseClick(page.delivery.zip_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "for learners.zip"
    with zipfile.ZipFile(saved) as bundle:
        (name,) = bundle.namelist()
    assert name.endswith(f" – {codes[1]}.pdf")
    assert boxes.shown[-1] == ("info", "Save for learners", f"1 certificate saved in {saved}.")


def test_viewers_are_not_offered_delivery(qtbot, demo_ctx):
    from credtrack.demo import DEMO_PASSWORD

    page = open_page(qtbot, CertificatesPage, demo_ctx("viewer", DEMO_PASSWORD))
    assert not page.delivery.email_button.isVisible() and not page.delivery.zip_button.isVisible()

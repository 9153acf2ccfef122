"""The Certificates page's detail pane shows the selected certificate; Print sends the issued PDF to a printer."""

from __future__ import annotations

import datetime as dt

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageStat
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from credtrack.services import keys
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates import issuing as certificates
from credtrack.services.permissions import SYSTEM
from credtrack.services.progress import bulk as progress_bulk
from credtrack.ui import printing
from credtrack.ui.pages.certificates import CertificatesPage


@pytest.fixture
def ctx(demo_ctx, demo_db):
    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    return demo_ctx()


def _cohort(ctx) -> str:
    from credtrack.services import cohorts

    return cohorts.list_cohorts(ctx.uow(), ctx.actor)[0].code


def _issue_one(ctx, tmp_path):
    rows = progress_bulk.bulk_progress(ctx.uow(), ctx.actor, cohort_code=_cohort(ctx))
    row = next(r for r in rows if r.status == "eligible")
    return certificates.issue_certificate(
        ctx.uow(), ctx.actor, row.person_id, row.credential_id, out_dir=tmp_path
    ).value


def _page(qtbot, ctx) -> CertificatesPage:
    page = CertificatesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    page.activate()
    return page


def _select(page: CertificatesPage, code: str) -> None:
    assert page.select_code(code)


def _image_grey(image: QImage) -> Image.Image:
    """The image as greyscale pixels, drawn over white (rendered PDF pages are transparent where blank)."""
    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.fill(QColor(255, 255, 255))
    painter = QPainter(flat)
    painter.drawImage(0, 0, image)
    painter.end()
    grey = flat.convertToFormat(QImage.Format.Format_Grayscale8)
    return Image.frombytes("L", (grey.width(), grey.height()), bytes(grey.constBits()), "raw", "L", grey.bytesPerLine())


def _ink(page: Image.Image) -> float:
    """The share of the page's pixels that are dark."""
    return sum(page.histogram()[:128]) / (page.width * page.height)


def test_detail_pane_shows_the_selected_certificate(qtbot, ctx, tmp_path):
    issued = _issue_one(ctx, tmp_path)
    page = _page(qtbot, ctx)
    pane = page.detail
    assert pane.empty.isVisible() and not pane.body.isVisible()

    _select(page, issued.code)
    assert pane.body.isVisible() and not pane.empty.isVisible()
    assert pane.holder.text() == issued.holder_name
    fields = {key: label.text() for key, label in pane.fields.items()}
    assert fields["code"] == issued.code
    assert fields["credential"] == issued.credential_title
    assert fields["status"] == "Valid"
    assert fields["issued"] == f"{issued.issued_on:%d %b %Y}"
    expected_expiry = f"{issued.expires_on:%d %b %Y}" if issued.expires_on else "Does not expire"
    assert fields["expires"] == expected_expiry
    assert fields["fingerprint"] == keys.active_key(ctx.uow()).fingerprint
    assert fields["issued_by"] == (ctx.actor.display_name or ctx.actor.username)
    detail = pane.loaded.detail
    assert detail.competencies, "a credential certifies at least one competency"
    for code, label in detail.competencies:
        assert f"{code} · {label}" in fields["competencies"]

    # The QR preview is the certificate's own signed payload, and it scans.
    pixmap = pane.qr.pixmap()
    assert not pixmap.isNull()
    found = zxingcpp.read_barcodes(_image_grey(pixmap.toImage()))
    assert [r.text for r in found] == [page.model.row_at(0).qr_payload]


def test_detail_pane_follows_revocation_renewal_and_expiry(qtbot, ctx, boxes, tmp_path, monkeypatch):
    issued = _issue_one(ctx, tmp_path)
    page = _page(qtbot, ctx)
    _select(page, issued.code)

    monkeypatch.setattr("credtrack.ui.widgets.certificate_actions.output_folder", lambda: tmp_path)
    boxes.confirm_answer = True
    qtbot.mouseClick(page.actions.renew_button, Qt.MouseButton.LeftButton)
    renewed = next(r for r in page.model.rows() if r.code != issued.code)
    _select(page, issued.code)
    assert page.detail.fields["status"].text() == f"Superseded by {renewed.code}"
    assert not page.actions.renew_button.isEnabled()

    _select(page, renewed.code)
    assert page.detail.fields["status"].text() == f"Valid\nRenews {issued.code}"
    boxes.text_answers.append("Signed off by the wrong preceptor")
    qtbot.mouseClick(page.actions.revoke_button, Qt.MouseButton.LeftButton)
    assert page.detail.fields["code"].text() == renewed.code  # still on the same certificate
    assert page.detail.fields["status"].text().startswith(f"Revoked on {dt.date.today():%d %b %Y}: ")
    assert page.detail.fields["status"].text().endswith("wrong preceptor\nRenews " + issued.code)

    # An old, never-renewed certificate reads as expired once its date has passed.
    other = _issue_one(ctx, tmp_path)
    assert other.expires_on is not None
    monkeypatch.setattr(
        "credtrack.services.certificates.queries._today", lambda: other.expires_on + dt.timedelta(days=1)
    )
    page.reload()
    _select(page, other.code)
    assert page.detail.fields["status"].text() == f"Expired on {other.expires_on:%d %b %Y}"


def _pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(150)  # enough to check the pixels, quick to render
    return printer


def _pages(path) -> list[Image.Image]:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    pages = []
    for i in range(document.pageCount()):
        size = document.pagePointSize(i)
        assert size.width() > size.height(), "certificates print landscape"
        pages.append(_image_grey(document.render(i, QSize(round(size.width()), round(size.height())))))
    return pages


def test_print_sends_the_issued_pdf_to_the_chosen_printer(qtbot, ctx, boxes, tmp_path, monkeypatch):
    issued = _issue_one(ctx, tmp_path)
    page = _page(qtbot, ctx)
    _select(page, issued.code)
    out = tmp_path / "printed.pdf"
    asked = []
    monkeypatch.setattr(printing, "choose_printer", lambda _parent, title: asked.append(title) or _pdf_printer(out))
    qtbot.mouseClick(page.actions.print_button, Qt.MouseButton.LeftButton)
    assert asked == [f"Print certificate {issued.code}"] and boxes.shown == []

    [printed] = _pages(out)
    [original] = _pages(issued.pdf_path)
    assert printed.size == original.size
    assert _ink(printed) > 0.01, "the printed page has ink on it"
    assert ImageStat.Stat(ImageChops.difference(printed, original)).mean[0] < 8, "and it is the certificate"


def test_print_cancelled_prints_nothing(qtbot, ctx, boxes, tmp_path, monkeypatch):
    issued = _issue_one(ctx, tmp_path)
    page = _page(qtbot, ctx)
    _select(page, issued.code)
    monkeypatch.setattr(printing, "choose_printer", lambda _parent, _title: None)
    page.print_current()
    assert boxes.shown == [] and list(tmp_path.glob("printed*")) == []


def test_a_cohort_pdf_prints_every_page_landscape(qtbot, ctx, tmp_path):
    outcome = certificate_cohort.issue_cohort(ctx.db, ctx.actor, _cohort(ctx), tmp_path, workers=1).value
    assert outcome.combined_pdf is not None and len(outcome.issued) >= 2
    out = tmp_path / "cohort-printed.pdf"
    assert printing.print_pdf(outcome.combined_pdf, _pdf_printer(out)) == len(outcome.issued)
    pages = _pages(out)
    assert len(pages) == len(outcome.issued)
    assert all(_ink(p) > 0.01 for p in pages)
    assert ImageChops.difference(pages[0], pages[1]).getbbox() is not None, "each page is its own certificate"


def test_printing_something_that_is_not_a_pdf_is_refused_plainly(qtbot, tmp_path):
    bogus = tmp_path / "not-a.pdf"
    bogus.write_text("hello", encoding="utf-8")
    with pytest.raises(printing.PrintError, match="could not be read as a PDF"):
        printing.print_pdf(bogus, _pdf_printer(tmp_path / "out.pdf"))
    assert not (tmp_path / "out.pdf").exists()


def test_a_certificate_no_user_issued_says_credtrack_issued_it(qtbot, ctx, tmp_path):
    rows = progress_bulk.bulk_progress(ctx.uow(), ctx.actor, cohort_code=_cohort(ctx))
    row = next(r for r in rows if r.status == "eligible")
    issued = certificates.issue_certificate(
        ctx.uow(), SYSTEM, row.person_id, row.credential_id, out_dir=tmp_path
    ).value  # as the demo data does
    page = _page(qtbot, ctx)
    _select(page, issued.code)
    assert page.detail.fields["issued_by"].text() == "credtrack (set-up or demo data)"

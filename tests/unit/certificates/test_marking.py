"""A copy of a withdrawn certificate: marked across every page, the band's first words kept, the QR unreadable."""

from __future__ import annotations

import dataclasses

import pytest

from credtrack.certificates import pdf
from credtrack.certificates.marking import CopyMark

from .helpers import pdf_text, rasterise, read_zbar, read_zxing, signing_key
from .test_qr_pdf import page_for

LONG_REASON = "The sign-offs were recorded against the wrong learner after a roster merge; " * 6


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_page_is_marked_and_no_qr_can_be_read(tmp_path, paper):
    key = signing_key()
    mark = CopyMark("REVOKED", f"NOT A VALID CERTIFICATE · Revoked on 3 December 2026: {LONG_REASON}")
    pages = [dataclasses.replace(page_for(key, name, paper=paper), mark=mark) for name in ("Zoë Adams", "Ruth Haddad")]
    out = pdf.render(pages, tmp_path / "copies.pdf")
    text = pdf_text(out)
    assert text.count("NOT A VALID CERTIFICATE · Revoked on 3 December 2026") == 2
    assert text.count("QR code withdrawn") == 2 and "…" in text  # the over-long reason is shortened, not spilt
    png = rasterise(out, 150)
    assert read_zxing(png) == [] and read_zbar(png) == []


def test_an_unmarked_page_still_scans(tmp_path):
    out = pdf.render([page_for(signing_key(), "Zoë Adams")], tmp_path / "clean.pdf")
    assert "NOT A VALID" not in pdf_text(out)
    assert read_zxing(rasterise(out, 150))

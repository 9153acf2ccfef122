"""The certificate fonts' embedding, which reuses reportlab's TrueType internals, writes what reportlab writes.

``fonts.EmbeddedFont`` replaces ``TTFont.addObjects`` to reuse built subsets between files and
reads reportlab's per-document font state, its font face tables and its PDF object classes
(pyproject.toml pins reportlab to the 5.1 series for that reason). Should a reportlab release
change any of them, these tests fail before a certificate prints wrongly.
"""

from __future__ import annotations

import io
import re

import pytest
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from credtrack.certificates import fonts

TEXT = "Nguyễn Thị Minh Khai · Ζωή Παπαδοπούλου · Пётр Чайковский · Søren Müller"


def _draw(names: tuple[str, ...], text: str) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pageCompression=0, invariant=1)
    for row, name in enumerate(names):
        page.setFont(name, 14)
        page.drawString(40, 760 - 30 * row, text)
    page.showPage()
    page.save()
    return out.getvalue()


def _objects(pdf: bytes) -> list[bytes]:
    """The file's objects without their numbers, sorted: the same set whatever order they were added in."""
    body = pdf.split(b"\nxref\n")[0]
    objects = re.split(rb"\d+ 0 obj\n", body)[1:]
    # Numbers differ with the order; an empty filter list is what a stream written unpacked says.
    return sorted(re.sub(rb"\d+ 0 R", b"R", o).replace(b"/Filter [  ] ", b"") for o in objects)


@pytest.fixture(autouse=True)
def _invariant(monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)
    fonts.register_fonts()


def test_an_embedded_subset_is_what_reportlab_writes(monkeypatch):
    names = (fonts.SERIF, fonts.SERIF_BOLD, fonts.SANS)
    ours = _draw(names, TEXT)
    again = _draw(names, TEXT)  # this time from the subsets kept by the first file
    monkeypatch.setattr(fonts.EmbeddedFont, "addObjects", TTFont.addObjects)
    stock = _draw(names, TEXT)
    assert b"/FontFile2" in stock and b"/ToUnicode" in stock
    assert _objects(ours) == _objects(stock)
    assert _objects(again) == _objects(stock)


def test_a_shaped_glyph_is_drawn_with_a_private_code_read_back_as_its_text():
    arabic = fonts.font("CTArabic")
    face = arabic.face
    gid = next(g for g in range(1, len(face.hmetrics)) if g not in face.glyphToChar)
    char = arabic.glyph_char(gid, "لا")
    assert ord(char) >= fonts.PRIVATE_BASE
    assert face.charToGlyph[ord(char)] == gid
    assert face.getCharWidth(ord(char)) == face.hmetrics[gid][0] * 1000 / face.unitsPerEm
    assert arabic.stands_for(char) == "لا"
    assert arabic.glyph_char(gid, "لا") == char  # the same glyph and text keep their code
    pdf = _draw(("CTArabic",), char)
    assert "<00> <06440627>" in pdf.decode("latin-1") or "<01> <06440627>" in pdf.decode("latin-1")

"""The mark on a copy of a certificate no longer in force: REVOKED or SUPERSEDED across the page, when and why.

A marked copy keeps what the certificate said, so a holder or an auditor can see what
was withdrawn, but nobody can take it for a certificate in force: the word crosses the
whole page, a band at the top says when and why, and the QR code is covered, so that a
verifier holding only the issuer's public key cannot scan it as valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from credtrack.certificates import textfit
from credtrack.certificates.fonts import SANS, SANS_BOLD

RED = HexColor("#B3261E")


@dataclass(frozen=True)
class CopyMark:
    """What a copy of a withdrawn certificate is marked with, as plain values."""

    word: str  # "REVOKED" or "SUPERSEDED"
    line: str  # the date and the reason, in a sentence


def draw(c: Canvas, mark: CopyMark, size: tuple[float, float], qr_box: tuple[float, float, float]) -> None:
    """Draw ``mark`` over a page already drawn; ``qr_box`` is the QR symbol's (x, y, side)."""
    w, h = size
    c.saveState()
    _diagonal(c, mark.word, w, h)
    _band(c, mark.line, w, h)
    _cover_qr(c, mark.word, *qr_box)
    c.restoreState()


def _diagonal(c: Canvas, word: str, w: float, h: float) -> None:
    angle = math.degrees(math.atan2(h, w))
    length = math.hypot(w, h) * 0.72
    font_size = min(170.0, length / max(textfit.width(word, SANS_BOLD, 1.0), 1.0))
    c.saveState()
    c.translate(w / 2, h / 2)
    c.rotate(angle)
    c.setFillColor(Color(RED.red, RED.green, RED.blue, alpha=0.28))
    c.setStrokeColor(Color(RED.red, RED.green, RED.blue, alpha=0.55))
    c.setLineWidth(1.2)
    # Filled and outlined, so it reads on a page printed in grey as well as in colour.
    text = c.beginText()
    text.setTextRenderMode(2)
    text.setFont(SANS_BOLD, font_size)
    text.setTextOrigin(-textfit.width(word, SANS_BOLD, font_size) / 2, -font_size * 0.35)
    text.textOut(word)
    c.drawText(text)
    c.restoreState()


def _band(c: Canvas, line: str, w: float, h: float) -> None:
    """A solid band across the top, inside the frame, with the date and reason."""
    left, right, top = 12.5 * mm, w - 12.5 * mm, h - 12.5 * mm
    fitted = textfit.fit(line, SANS_BOLD, 10, 6.5, right - left - 8 * mm, max_lines=2)
    leading = fitted.size * 1.22
    height = len(fitted.lines) * leading + 2.6 * mm
    c.setFillColor(RED)
    c.rect(left, top - height, right - left, height, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(SANS_BOLD, fitted.size)
    y = top - 1.3 * mm - fitted.size
    for text in fitted.lines:
        c.drawCentredString(w / 2, y + fitted.size * 0.2, text)
        y -= leading


def _cover_qr(c: Canvas, word: str, x: float, y: float, side: float) -> None:
    pad = 1.5 * mm
    c.setFillColor(white)
    c.rect(x - pad, y + side, side + 2 * pad, 6 * mm, stroke=0, fill=1)  # and its "Scan to verify"
    c.setStrokeColor(RED)
    c.setLineWidth(1.4)
    c.rect(x - pad, y - pad, side + 2 * pad, side + 2 * pad, stroke=1, fill=1)
    c.line(x - pad, y - pad, x + side + pad, y + side + pad)
    c.line(x - pad, y + side + pad, x + side + pad, y - pad)
    c.setFillColor(white)
    c.rect(x + 2 * mm, y + side / 2 - 8 * mm, side - 4 * mm, 16 * mm, stroke=0, fill=1)
    c.setFillColor(RED)
    fitted = textfit.fit(word, SANS_BOLD, 11, 6, side - 6 * mm, max_lines=1)
    c.setFont(SANS_BOLD, fitted.size)
    c.drawCentredString(x + side / 2, y + side / 2 + 1.5 * mm, fitted.lines[0])
    c.setFont(SANS, 6.5)
    c.drawCentredString(x + side / 2, y + side / 2 - 2.5 * mm, "QR code withdrawn")
    c.drawCentredString(x + side / 2, y + side / 2 - 5.5 * mm, "verify by the code below")

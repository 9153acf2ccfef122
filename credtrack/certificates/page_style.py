"""The certificate page's colours, its small headings, and text clipped to the room it has."""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from credtrack.certificates import scripts, textfit
from credtrack.certificates.fonts import SANS_BOLD

INK = HexColor("#1C2B39")
ACCENT = HexColor("#1F4E79")
GOLD = HexColor("#A8843E")
MUTED = HexColor("#5A6570")
HEADING_HEIGHT = 5.5 * mm  # a list's small heading and the space below it


def clip(text: str, font: str, size: float, room: float) -> str:
    """``text``, cut short with an ellipsis when it is wider than ``room``."""
    if textfit.width(text, font, size) <= room:
        return text
    while text and textfit.width(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_heading(c: Canvas, centre: float, top: float, text: str) -> None:
    """A list's heading: small spaced capitals, centred, just below ``top``."""
    c.setFillColor(MUTED)
    scripts.draw(c, centre, top - 7.5, text.upper(), SANS_BOLD, 7.5, align="centre", char_space=0.8)

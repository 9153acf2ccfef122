"""Report text for reportlab's platypus: a Paragraph, or shaped lines when the script needs shaping.

Paragraph draws characters one by one in a single font. Text that needs another
shipped font, right-to-left order or shaping (``certificates.scripts``) is set
instead as lines broken at spaces to the width it is given, each drawn shaped.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from credtrack.certificates import scripts


class ShapedText(Flowable):
    """One text in one style, broken at spaces into lines no wider than the cell or frame."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = " ".join(text.split())
        self.style = style
        self.lines: list[str] = [self.text]

    def _lines(self, room: float) -> list[str]:
        font, size = self.style.fontName, self.style.fontSize
        lines: list[str] = []
        current = ""
        for word in self.text.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and scripts.width(candidate, font, size) > room:
                lines.append(current)
                current = word
            else:
                current = candidate
        return [*lines, current]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        self.lines = self._lines(availWidth)
        self.width = max(scripts.width(line, self.style.fontName, self.style.fontSize) for line in self.lines)
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(self.style.textColor)
        leading, size = self.style.leading, self.style.fontSize
        for index, line in enumerate(self.lines):
            baseline = self.height - index * leading - size
            scripts.draw(canvas, 0, baseline, line, self.style.fontName, size)


def text(value: Any, style: ParagraphStyle) -> Flowable:
    """``value`` as a flowable in ``style``: a Paragraph when reportlab can draw it as it is."""
    value = str(value)
    if scripts.simple(value, style.fontName):
        return Paragraph(escape(value), style)
    return ShapedText(value, style)

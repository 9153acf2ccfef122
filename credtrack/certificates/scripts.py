"""Setting a line of text in any script: a font for each run, bidirectional order, HarfBuzz shaping.

Text in Latin, Greek or Cyrillic that the primary font covers is drawn by reportlab
as before, character by character. Any other text is split into runs, each of
one embedding level (the Unicode bidirectional algorithm, from python-bidi) and one
shipped font (the first in the primary font's chain that has the character; marks,
spaces and punctuation stay with the run before them when its font has them). Each
run is shaped by HarfBuzz in its direction, with the whole line as context so that
Arabic letters join across runs; the runs are then put in visual order and the
glyphs drawn one positioned group at a time. Each shaped line is wrapped in a
marked-content span whose ActualText is the line as typed, so text extracted or
copied from the PDF reads in logical order whatever the glyphs' order on the page.
A line with right-to-left text gets no span: PDF readers put right-to-left glyphs
back into logical order themselves (and would reverse an ActualText again); there
each glyph's ToUnicode entry carries the text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import uharfbuzz as hb
from bidi import algorithm as uba
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from credtrack.certificates import fonts

_RTL_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"})
_FEATURES = {"kern": True, "liga": True}


def ignorable(ch: str) -> bool:
    """Characters that draw nothing (joiners, direction marks, variation selectors) and need no glyph."""
    code = ord(ch)
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or code == 0x034F


def undrawable(text: str) -> list[str]:
    """The distinct characters of ``text``, in order, that no shipped font can draw."""
    drawable = fonts.drawable()
    seen: list[str] = []
    for ch in text:
        if ch not in seen and ord(ch) not in drawable and not ignorable(ch) and ch != " ":
            seen.append(ch)
    return seen


def _needs_shaping(ch: str) -> bool:
    code = ord(ch)
    return (
        (code >= 0x0590 and not (0x1E00 <= code < 0x2070 or 0x20A0 <= code < 0x2200))
        or unicodedata.combining(ch) != 0
        or unicodedata.bidirectional(ch) in _RTL_CLASSES
    )


@lru_cache(maxsize=8192)
def simple(text: str, font_name: str) -> bool:
    """Whether ``text`` is drawn as it is, character by character, in ``font_name`` alone."""
    if text.isascii() or font_name not in fonts.ALL_FILES:  # a font not shipped has no fallbacks to use
        return True
    covered = fonts.coverage(font_name)
    return all(ord(ch) in covered and not _needs_shaping(ch) for ch in text)


@dataclass(frozen=True)
class Glyph:
    font: str
    char: str  # the code reportlab draws the glyph with (see EmbeddedFont.glyph_char)
    x: float  # from the line's left edge, in ems of the font size
    y: float


@dataclass(frozen=True)
class Line:
    text: str
    glyphs: tuple[Glyph, ...]
    advance: float  # in ems
    rtl: bool = False  # some of it runs right to left


def width(text: str, font_name: str, size: float) -> float:
    """The width of ``text`` set on one line at ``size`` points."""
    if simple(text, font_name):
        return stringWidth(text, font_name, size)
    return shape(text, font_name).advance * size


def _levels(text: str) -> list[int]:
    """The resolved embedding level of each character (all 0 for text with nothing right-to-left)."""
    if not any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text):
        return [0] * len(text)
    storage = uba.get_empty_storage()
    base = uba.get_base_level(text)
    storage["base_level"], storage["base_dir"] = base, ("L", "R")[base]
    uba.get_embedding_levels(text, storage)
    entries = list(storage["chars"])  # explicit formatting characters are dropped from storage later
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    return [entry["level"] for entry in entries]


def _stays(ch: str) -> bool:
    """Marks, spaces, punctuation, digits and symbols keep the font of the character before them."""
    return unicodedata.category(ch)[0] in "MZPNSC"


def _fonts_for(text: str, font_name: str) -> list[str]:
    chain = fonts.chain(font_name)
    chosen: list[str] = []
    previous: str | None = None
    for ch in text:
        code = ord(ch)
        if previous is not None and _stays(ch) and code in fonts.coverage(previous):
            name = previous
        else:
            name = next((n for n in chain if code in fonts.coverage(n)), previous or chain[0])
        chosen.append(name)
        previous = name
    return chosen


def _visual(runs: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """Runs (start, end, level, font) in display order: rule L2 of the bidirectional algorithm."""
    ordered = list(runs)
    levels = [run[2] for run in ordered]
    odd = [level for level in levels if level % 2]
    if not odd:
        return ordered
    for level in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(ordered):
            if ordered[i][2] >= level:
                j = i
                while j < len(ordered) and ordered[j][2] >= level:
                    j += 1
                ordered[i:j] = ordered[i:j][::-1]
                i = j
            else:
                i += 1
    return ordered


@lru_cache(maxsize=4096)
def shape(text: str, font_name: str) -> Line:
    """``text`` shaped as one line in ``font_name`` and its fallbacks, glyphs in display order."""
    if not text:
        return Line(text, (), 0.0)
    levels = _levels(text)
    chosen = _fonts_for(text, font_name)
    runs: list[tuple[int, int, int, str]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or levels[i] != levels[start] or chosen[i] != chosen[start]:
            runs.append((start, i, levels[start], chosen[start]))
            start = i
    codepoints = [ord(ch) for ch in text]
    glyphs: list[Glyph] = []
    pen = 0.0
    for start, end, level, name in _visual(runs):
        font = fonts.font(name)
        scale = 1.0 / font.units_per_em
        buffer = hb.Buffer()
        buffer.add_codepoints(codepoints, start, end - start)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if level % 2 else "ltr"
        hb.shape(font.hb_font, buffer, _FEATURES)
        clusters = sorted({info.cluster for info in buffer.glyph_infos})
        ends = dict(zip(clusters, [*clusters[1:], end], strict=True))
        given: set[int] = set()
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
            cluster = info.cluster
            stands_for = "" if cluster in given else text[cluster : ends[cluster]]
            if level % 2:
                # A glyph standing for several characters (lam-alef, a letter with its marks) is read
                # like the glyphs around it, right to left: its text is given in that order too.
                stands_for = stands_for[::-1]
            given.add(cluster)
            glyphs.append(
                Glyph(
                    name,
                    font.glyph_char(info.codepoint, stands_for),
                    pen + position.x_offset * scale,
                    position.y_offset * scale,
                )
            )
            pen += position.x_advance * scale
    return Line(text, tuple(glyphs), pen, any(level % 2 for level in levels))


def _actual_text(text: str) -> str:
    return "/Span << /ActualText <FEFF" + text.encode("utf-16-be").hex().upper() + "> >> BDC"


def draw(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    font_name: str,
    size: float,
    *,
    align: str = "left",
    char_space: float = 0.0,
) -> None:
    """Draw ``text`` on one line with its baseline at ``y``, ``align``-ed ("left", "centre", "right") on ``x``.

    ``char_space`` (letter spacing) applies to simple text only: spacing out joined or
    shaped letters would break them apart.
    """
    if simple(text, font_name):
        c.setFont(font_name, size)
        if align == "centre":
            c.drawCentredString(x, y, text, charSpace=char_space)
        elif align == "right":
            c.drawRightString(x, y, text, charSpace=char_space)
        else:
            c.drawString(x, y, text, charSpace=char_space)
        return
    line = shape(text, font_name)
    left = x - line.advance * size * {"left": 0.0, "centre": 0.5, "right": 1.0}[align]
    text_object = c.beginText()
    current: str | None = None
    pending = ""
    origin = (0.0, 0.0)
    expected = (0.0, 0.0)
    for glyph in line.glyphs:
        gx, gy = left + glyph.x * size, y + glyph.y * size
        if glyph.font != current or abs(gx - expected[0]) > 1e-3 or abs(gy - expected[1]) > 1e-3:
            if pending:
                text_object.setTextOrigin(*origin)
                text_object.textOut(pending)
            if glyph.font != current:
                text_object.setFont(glyph.font, size)
                current = glyph.font
            pending, origin = "", (gx, gy)
        pending += glyph.char
        advance = fonts.font(glyph.font).face.getCharWidth(ord(glyph.char)) * size / 1000
        expected = (gx + advance, gy)
    if pending:
        text_object.setTextOrigin(*origin)
        text_object.textOut(pending)
    if line.rtl:  # extractors read right-to-left glyphs back into logical order themselves
        c.drawText(text_object)
        return
    c.addLiteral(_actual_text(text))
    c.drawText(text_object)
    c.addLiteral("EMC")

"""The shipped fonts: registered once per process, their embedded subsets built once per character set.

Noto Serif and Noto Sans draw Latin, Greek and Cyrillic. Every other script a name
may be written in has a fallback font of its own (Noto Sans Arabic, Hebrew,
Devanagari, Thai and the rest; Droid Sans Fallback for Chinese and Japanese, whose
Noto CJK fonts are CFF-based and cannot be embedded by reportlab; Nanum Square for
Korean Hangul), registered the first time a text needs it. ``chain`` gives the fonts tried,
in order, for text set in one of the primary fonts; ``coverage`` the characters a
font can draw, read with HarfBuzz without loading the font into reportlab.

Every certificate file embeds, for each font it uses, a subset holding the
characters on the page. The certificates of one batch use nearly the same
characters, so the parts of an embedded subset — the font program, its widths and
its ToUnicode map — are built and compressed once per distinct character set and
written as-is into each later file. A separate file per person then costs little
more than its own page, and the files hold the objects reportlab's own embedding would
write, in another order and with those streams compressed by zlib directly. The reuse reads
reportlab internals (its per-document font state, the font face's tables, its PDF object
classes): pyproject.toml pins reportlab to 5.1, and tests/unit/certificates/test_font_embedding.py
fails if they change.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

import uharfbuzz as hb
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

from credtrack.paths import resource_path

SERIF, SERIF_BOLD, SERIF_ITALIC = "CTSerif", "CTSerif-Bold", "CTSerif-Italic"
SANS, SANS_BOLD = "CTSans", "CTSans-Bold"
FONT_FILES = {
    SERIF: "NotoSerif-Regular.ttf",
    SERIF_BOLD: "NotoSerif-Bold.ttf",
    SERIF_ITALIC: "NotoSerif-Italic.ttf",
    SANS: "NotoSans-Regular.ttf",
    SANS_BOLD: "NotoSans-Bold.ttf",
}
# One design per script; a script shipped in one weight only is drawn in it for bold text too.
_SCRIPTS = (
    "Arabic",
    "Hebrew",
    "Devanagari",
    "Bengali",
    "Tamil",
    "Thai",
    "Armenian",
    "Georgian",
    "Gurmukhi",
    "Malayalam",
)
_REGULAR_ONLY = ("Gujarati", "Telugu", "Kannada")
CJK, KOREAN, KOREAN_BOLD = "CTCJK", "CTKorean", "CTKorean-Bold"  # Han and kana; Hangul
FALLBACK_REGULAR = tuple(f"CT{s}" for s in (*_SCRIPTS, *_REGULAR_ONLY)) + (CJK, KOREAN)
FALLBACK_BOLD = tuple(f"CT{s}-Bold" for s in _SCRIPTS) + tuple(f"CT{s}" for s in _REGULAR_ONLY) + (CJK, KOREAN_BOLD)
FALLBACK_FILES = {
    **{f"CT{s}": f"NotoSans{s}-Regular.ttf" for s in (*_SCRIPTS, *_REGULAR_ONLY)},
    **{f"CT{s}-Bold": f"NotoSans{s}-Bold.ttf" for s in _SCRIPTS},
    CJK: "DroidSansFallbackFull.ttf",
    KOREAN: "NanumSquareR.ttf",
    KOREAN_BOLD: "NanumSquareB.ttf",
}
ALL_FILES = {**FONT_FILES, **FALLBACK_FILES}
_CHAINS = {
    SERIF: (SERIF, SANS, *FALLBACK_REGULAR),
    SERIF_ITALIC: (SERIF_ITALIC, SERIF, SANS, *FALLBACK_REGULAR),
    SERIF_BOLD: (SERIF_BOLD, SANS_BOLD, *FALLBACK_BOLD),
    SANS: (SANS, *FALLBACK_REGULAR),
    SANS_BOLD: (SANS_BOLD, *FALLBACK_BOLD),
}
CACHE_SIZE = 256  # distinct character sets kept per font
PRIVATE_BASE = 0xF0000  # codes given to shaped glyphs that no character maps to (never drawable input)


class _Raw(pdfdoc.PDFObject):
    """Bytes already in PDF syntax, written unchanged."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: object) -> bytes:
        return self.data


class _SubsetFont(pdfdoc.PDFTrueTypeFont):
    """reportlab's TrueType font object, which takes its entries as attributes set one by one
    (its format() writes those present); declared here because reportlab's stubs leave them out."""

    __Comment__: str
    Name: str
    BaseFont: str
    FirstChar: int
    LastChar: int
    Widths: pdfdoc.PDFObject
    ToUnicode: pdfdoc.PDFObject
    FontDescriptor: pdfdoc.PDFObject


@dataclass(frozen=True)
class _SubsetParts:
    base_name: str
    widths: bytes  # the /Widths array in PDF syntax
    cmap: bytes
    program: bytes  # the TrueType subset
    cmap_z: bytes
    program_z: bytes


def _stream(content: bytes, packed: bytes, compress: bool, **entries: object) -> pdfdoc.PDFStream:
    dictionary = pdfdoc.PDFDictionary(dict(entries))
    if compress:
        dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        return pdfdoc.PDFStream(dictionary, packed, filters=[])
    return pdfdoc.PDFStream(dictionary, content, filters=[])


class EmbeddedFont(TTFont):
    """A TrueType font whose embedded subsets are reused between documents of this process.

    Shaped text draws glyphs, not characters: ``glyph_char`` gives each glyph the
    character that maps to it, or else a private code of its own whose ToUnicode
    entry is the text the glyph stands for (a ligature, a positional form, a reordered
    vowel sign), so text copied from the PDF is the text that was set.
    """

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, shapable=False)
        self._parts: OrderedDict[tuple[int, tuple[int, ...]], _SubsetParts] = OrderedDict()
        self._private: dict[tuple[int, str], int] = {}
        self._texts: dict[int, str] = {}
        self._hb_font: hb.Font | None = None

    @property
    def hb_font(self) -> hb.Font:
        """This font for HarfBuzz, in font units (``units_per_em`` to the em)."""
        if self._hb_font is None:
            self._hb_font = hb.Font(hb.Face(hb.Blob.from_file_path(self.face.filename)))
        return self._hb_font

    @property
    def units_per_em(self) -> int:
        return self.hb_font.face.upem

    def glyph_char(self, gid: int, text: str) -> str:
        """The character to draw glyph ``gid`` with, standing for ``text`` in extracted text."""
        face = self.face
        if len(text) == 1 and face.charToGlyph.get(ord(text)) == gid:
            return text
        code = self._private.get((gid, text))
        if code is None:
            code = PRIVATE_BASE + len(self._private)
            self._private[(gid, text)] = code
            self._texts[code] = text
            face.charToGlyph[code] = gid
            # reportlab's TTFontFile.extractInfo sets glyphToChar; its stubs leave it out.
            face.glyphToChar.setdefault(gid, []).append(code)  # type: ignore[attr-defined]
            advance = face.hmetrics[gid][0] if gid < len(face.hmetrics) else 0
            face.charWidths[code] = advance * 1000 / face.unitsPerEm
        return chr(code)

    def stands_for(self, char: str) -> str:
        """The text a code from ``glyph_char`` is read as (itself, for a character's own glyph)."""
        return self._texts.get(ord(char), char)

    def _to_unicode(self, base_name: str, subset: list[int]) -> str:
        if not any(code >= PRIVATE_BASE for code in subset):
            return makeToUnicodeCMap(base_name, subset)
        entries = []
        for index, code in enumerate(subset):
            text = self.stands_for(chr(code))
            if text:
                entries.append(f"<{index:02X}> <{text.encode('utf-16-be').hex().upper()}>")
        return "\n".join(
            [
                "/CIDInit /ProcSet findresource begin",
                "12 dict begin",
                "begincmap",
                f"/CIDSystemInfo << /Registry ({base_name}) /Ordering ({base_name}) /Supplement 0 >> def",
                f"/CMapName /{base_name} def",
                "/CMapType 2 def",
                "1 begincodespacerange",
                f"<00> <{len(subset) - 1:02X}>",
                "endcodespacerange",
                f"{len(entries)} beginbfchar",
                *entries,
                "endbfchar",
                "endcmap",
                "CMapName currentdict /CMap defineresource pop",
                "end",
                "end",
            ]
        )

    def _subset_parts(self, number: int, subset: list[int]) -> _SubsetParts:
        key = (number, tuple(subset))
        parts = self._parts.get(key)
        if parts is not None:
            self._parts.move_to_end(key)
            return parts
        face = self.face
        base_name = (SUBSETN(number) + b"+" + face.name + face.subfontNameX).decode("pdfdoc")
        widths = pdfdoc.PDFArray([face.getCharWidth(code) for code in subset]).format(None)
        cmap = self._to_unicode(base_name, subset).encode("latin-1")
        program = face.makeSubset(subset)
        parts = _SubsetParts(base_name, widths, cmap, program, zlib.compress(cmap), zlib.compress(program))
        self._parts[key] = parts
        if len(self._parts) > CACHE_SIZE:
            self._parts.popitem(last=False)
        return parts

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        """Add this font's subsets to ``doc`` (called by reportlab when the document is saved)."""
        state = self.state.get(doc)
        if state is None:
            super().addObjects(doc)
            return
        state.frozen = 1
        face = self.face
        compress = bool(doc.compression)
        fonts = doc.idToObject["BasicFonts"]
        assert isinstance(fonts, pdfdoc.PDFDictionary)  # the document's font dictionary
        font_dict = fonts.dict
        for number, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(number, doc)[1:]
            parts = self._subset_parts(number, subset)
            program = doc.Reference(
                _stream(parts.program, parts.program_z, compress, Length1=len(parts.program)),
                f"fontFile:{face.filename}({parts.base_name})",
            )
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": (face.flags & ~32) | 4,  # symbolic, not non-symbolic: the subset has its own codes
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(parts.base_name),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": program,
                    "MissingWidth": face.defaultWidth,
                }
            )
            font = _SubsetFont()
            font.__Comment__ = f"Font {self.fontName} subset {number}"
            font.Name = internal
            font.BaseFont = parts.base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Raw(parts.widths)
            font.ToUnicode = doc.Reference(
                _stream(parts.cmap, parts.cmap_z, compress), "toUnicodeCMap:" + parts.base_name
            )
            font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + parts.base_name)
            doc.Reference(font, internal)
            font_dict[internal] = font
        del self.state[doc]


def register_fonts() -> None:
    """Register the primary fonts once per process (each file embeds the subset it uses)."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, filename in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(EmbeddedFont(name, str(resource_path("fonts", filename))))


def font(name: str) -> EmbeddedFont:
    """The shipped font ``name``, registered with reportlab on first use."""
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(EmbeddedFont(name, str(resource_path("fonts", ALL_FILES[name]))))
    found = pdfmetrics.getFont(name)
    assert isinstance(found, EmbeddedFont)
    return found


def chain(name: str) -> tuple[str, ...]:
    """The fonts tried, in order, for each character of a text set in the primary font ``name``."""
    return _CHAINS.get(name, (name,))


@cache
def coverage(name: str) -> frozenset[int]:
    """The characters the shipped font ``name`` has a glyph for."""
    face = hb.Face(hb.Blob.from_file_path(str(resource_path("fonts", ALL_FILES[name]))))
    return frozenset(face.unicodes)


@cache
def drawable() -> frozenset[int]:
    """Every character some shipped font can draw."""
    return frozenset().union(*(coverage(name) for name in ALL_FILES))

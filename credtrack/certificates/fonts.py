"""The shipped fonts: registered once per process, their embedded subsets built once per character set.

Every certificate file embeds, for each font it uses, a subset holding the
characters on the page. The certificates of one batch use nearly the same
characters, so the parts of an embedded subset — the font program, its widths and
its ToUnicode map — are built and compressed once per distinct character set and
written as-is into each later file. A separate file per person then costs little
more than its own page, and the files are byte-for-byte what they would otherwise be
apart from the compression of those streams.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from dataclasses import dataclass

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
CACHE_SIZE = 256  # distinct character sets kept per font


class _Raw(pdfdoc.PDFObject):
    """Bytes already in PDF syntax, written unchanged."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: object) -> bytes:
        return self.data


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
    """A TrueType font whose embedded subsets are reused between documents of this process."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._parts: OrderedDict[tuple[int, tuple[int, ...]], _SubsetParts] = OrderedDict()

    def _subset_parts(self, number: int, subset: list[int]) -> _SubsetParts:
        key = (number, tuple(subset))
        parts = self._parts.get(key)
        if parts is not None:
            self._parts.move_to_end(key)
            return parts
        face = self.face
        base_name = (SUBSETN(number) + b"+" + face.name + face.subfontNameX).decode("pdfdoc")
        widths = pdfdoc.PDFArray([face.getCharWidth(code) for code in subset]).format(None)
        cmap = makeToUnicodeCMap(base_name, subset).encode("latin-1")
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
        font_dict = doc.idToObject["BasicFonts"].dict
        for number, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(number, doc)[1:]
            parts = self._subset_parts(number, subset)
            program = doc.Reference(
                _stream(parts.program, parts.program_z, compress, Length1=len(parts.program)),
                f"fontFile:{face.filename}({parts.base_name})",
            )
            descriptor = pdfdoc.PDFDictionary({
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
            })
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {number}"
            font.Name = internal
            font.BaseFont = parts.base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Raw(parts.widths)
            font.ToUnicode = doc.Reference(_stream(parts.cmap, parts.cmap_z, compress),
                                           "toUnicodeCMap:" + parts.base_name)
            font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + parts.base_name)
            doc.Reference(font, internal)
            font_dict[internal] = font
        del self.state[doc]


def register_fonts() -> None:
    """Register the shipped fonts once per process (each file embeds the subset it uses)."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, filename in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(EmbeddedFont(name, str(resource_path("fonts", filename))))

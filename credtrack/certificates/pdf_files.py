"""Splitting a certificate PDF into one file per page, and joining whole files into one, with PDFium.

Both copy pages as they are — content streams, fonts and images — without drawing
anything again, so the QR stays the single path it was drawn as.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium


def split(source: Path, targets: Sequence[Path]) -> None:
    """Write page ``i`` of ``source`` to ``targets[i]``, each as a PDF of its own."""
    document = pdfium.PdfDocument(str(source))
    try:
        if len(document) != len(targets):
            raise ValueError(f"{source.name} has {len(document)} pages, not {len(targets)}")
        for index, target in enumerate(targets):
            single = pdfium.PdfDocument.new()
            try:
                single.import_pages(document, [index])
                _save(single, target)
            finally:
                single.close()
    finally:
        document.close()


class Joiner:
    """Joins whole PDF files, in the order they are appended, into one.

    The joined file starts as a copy of the first one, so it keeps that file's
    document information (its title); the pages of the others are appended to it.
    """

    def __init__(self) -> None:
        self._joined: pdfium.PdfDocument | None = None
        self.pages = 0

    def append(self, path: Path) -> None:
        part = pdfium.PdfDocument(path.read_bytes())
        self.pages += len(part)
        if self._joined is None:
            self._joined = part
            return
        try:
            self._joined.import_pages(part)
        finally:
            part.close()

    def save(self, target: Path) -> None:
        if self._joined is None:
            raise ValueError("nothing to join")
        _save(self._joined, target)
        self.close()

    def close(self) -> None:
        if self._joined is not None:
            self._joined.close()
            self._joined = None


def _save(document: pdfium.PdfDocument, target: Path) -> None:
    """Write ``document`` to ``target`` in one piece, so a full disk or a missing folder is an ordinary OSError.

    PDFium writes through a callback, where such an error would only be printed, not raised.
    """
    buffer = io.BytesIO()
    document.save(buffer)
    target.write_bytes(buffer.getvalue())

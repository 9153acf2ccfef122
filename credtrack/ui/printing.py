"""Printing a PDF as issued: each page rendered by QtPdf into the printer at the printer's resolution.

The paper size and orientation of every printed page follow the PDF's own page (a certificate is
landscape A4 or Letter), and the page is drawn edge to edge so nothing is scaled twice. Pages are
rendered in horizontal bands, so a 1200 dpi printer never needs a whole-page bitmap in memory.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRect, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from credtrack.errors import CredtrackError

MAX_DPI = 600  # certificates gain nothing beyond this, and a band at 1200 dpi is four times the work
BAND_PIXELS = 16_000_000  # about 64 MB of image per band


class PrintError(CredtrackError):
    """The PDF could not be read or the printer refused the job."""


def page_layout(points: QSizeF) -> QPageLayout:
    """A borderless layout of the PDF page's size, landscape when the page is wider than tall."""
    landscape = points.width() > points.height()
    portrait = QSizeF(min(points.width(), points.height()), max(points.width(), points.height()))
    size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)


def print_pdf(path: str | Path, printer: QPrinter) -> int:
    """Print every page of the PDF at ``path`` on ``printer``; returns the number of pages printed."""
    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_ or document.pageCount() == 0:
        raise PrintError(f"{Path(path).name} could not be read as a PDF, so nothing was printed.")
    printer.setFullPage(True)
    printer.setDocName(Path(path).stem)
    painter = QPainter()
    try:
        for index in range(document.pageCount()):
            printer.setPageLayout(page_layout(document.pagePointSize(index)))
            if index == 0:
                if not painter.begin(printer):
                    raise PrintError("The printer could not start the job. Check that it is available and try again.")
            elif not printer.newPage():
                raise PrintError(f"The printer stopped after page {index}.")
            _draw_page(document, index, printer, painter)
    finally:
        if painter.isActive():
            painter.end()
    return document.pageCount()


def _draw_page(document: QPdfDocument, index: int, printer: QPrinter, painter: QPainter) -> None:
    dpi = min(printer.resolution(), MAX_DPI)
    points = document.pagePointSize(index)
    width, height = round(points.width() * dpi / 72), round(points.height() * dpi / 72)
    target = printer.pageLayout().fullRectPixels(printer.resolution())
    scale_y = target.height() / height
    band = max(1, BAND_PIXELS // (width * 4))
    for top in range(0, height, band):
        rows = min(band, height - top)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(QSize(width, height))
        options.setScaledClipRect(QRect(0, top, width, rows))
        image = document.render(index, QSize(width, rows), options)
        painter.drawImage(
            QRect(target.x(), target.y() + round(top * scale_y), target.width(), round(rows * scale_y) + 1), image
        )


def choose_printer(parent: QWidget | None, title: str) -> QPrinter | None:
    """The printer the person picks in the system print dialog, or None if they cancel."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer

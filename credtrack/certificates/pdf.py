"""The printable certificate: one landscape page, embedded Noto fonts, the QR as one vector path."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from credtrack.certificates import evidence_pdf, marking, qr, scripts, textfit
from credtrack.certificates.evidence_lines import EvidenceLine
from credtrack.certificates.fonts import (
    SANS,
    SANS_BOLD,
    SERIF,
    SERIF_BOLD,
    SERIF_ITALIC,
    register_fonts,
)
from credtrack.certificates.page_style import ACCENT, GOLD, HEADING_HEIGHT, INK, MUTED, clip, draw_heading

__all__ = [
    "SANS",
    "SANS_BOLD",
    "SERIF",
    "SERIF_BOLD",
    "SERIF_ITALIC",
    "CertificatePage",
    "draw_page",
    "register_fonts",
    "render",
]
QR_SIZE = 38 * mm
PAPER_SIZES = {"A4": landscape(A4), "Letter": landscape(letter)}
EVIDENCE_WEIGHT = 1.0  # the evidence's share of the spare height, above it
EARNED = "has earned the micro-credential"
BY_EXCEPTION = "was issued, by exception, the micro-credential"


@dataclass(frozen=True)
class CertificatePage:
    """Everything printed on one certificate, as plain values (safe to send to worker processes)."""

    code: str
    holder_name: str
    credential_title: str
    issued_on: dt.date
    expires_on: dt.date | None
    qr_text: str
    key_fingerprint: str
    institution_name: str = ""
    framework_name: str = ""
    competencies: tuple[tuple[str, str], ...] = ()
    signatory_name: str = ""
    signatory_title: str = ""
    logo_path: str | None = None
    signature_path: str | None = None
    paper: str = "A4"
    title: str = "Certificate of Achievement"
    by_exception: bool = False  # issued by an administrator's override, not earned by meeting every requirement
    mark: marking.CopyMark | None = None  # a copy of a certificate no longer in force
    evidence: tuple[EvidenceLine, ...] = ()  # the ratings and improvement work it was earned on


def format_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def render(pages: Iterable[CertificatePage], target: Path | str, *, title: str = "Certificate") -> Path:
    """Write ``pages`` (one certificate each) into one PDF at ``target``."""
    register_fonts()
    target = Path(target)
    canvas: Canvas | None = None
    for page in pages:
        size = PAPER_SIZES.get(page.paper, PAPER_SIZES["A4"])
        if canvas is None:
            # reportlab takes the initial font's name; its stubs wrongly type it as a float.
            canvas = Canvas(str(target), pagesize=size, pageCompression=1, initialFontName=SANS)  # type: ignore[arg-type]
            canvas.setTitle(title)
            canvas.setAuthor(page.institution_name or "credtrack")
            canvas.setCreator("credtrack")
        else:
            canvas.setPageSize(size)
        draw_page(canvas, page, size)
        canvas.showPage()
    if canvas is None:
        raise ValueError("no certificates to render")
    canvas.save()
    return target


def draw_page(c: Canvas, page: CertificatePage, size: tuple[float, float]) -> None:
    w, h = size
    _frame(c, w, h)
    left, right = 24 * mm, w - 24 * mm
    centre = w / 2
    if page.logo_path:
        _image(c, page.logo_path, left, h - 36 * mm, 38 * mm, 16 * mm, anchor="w")
    blocks = _text_blocks(page, right - left)
    top, floor = h - 22 * mm, 26 * mm + QR_SIZE + 7 * mm
    fixed = sum(block.height for _, block in blocks)
    weights = sum(weight for weight, _ in blocks)
    # The evidence keeps room for its heading and two lines; the competencies take theirs first.
    kept = evidence_pdf.least_height(page.evidence) + EVIDENCE_WEIGHT * 3 * mm if page.evidence else 0.0
    comp_room = top - floor - fixed - weights * 3 * mm - kept
    grid = _competency_grid(page, right - left - 12 * mm, comp_room) if page.competencies else None
    if grid is not None:
        blocks.append((1.6, _Block(height=grid.height, kind="competencies")))
        weights += 1.6
    evidence = None
    if page.evidence:
        weights += EVIDENCE_WEIGHT
        taken = sum(block.height for _, block in blocks)
        evidence = evidence_pdf.layout(page.evidence, right - left - 12 * mm, top - floor - taken - weights * 3 * mm)
        blocks.append((EVIDENCE_WEIGHT, _Block(height=evidence.height, kind="evidence")))
    leftover = top - floor - sum(block.height for _, block in blocks)
    gap = max(2 * mm, min(11 * mm, leftover / weights)) if weights else 0.0
    y = top
    for weight, block in blocks:
        y -= weight * gap
        if block.lines:
            for line in block.lines:
                y -= line.size * 1.18
                c.setFillColor(line.color)
                scripts.draw(
                    c,
                    centre,
                    y + line.size * 0.24,
                    line.text,
                    line.font,
                    line.size,
                    align="centre",
                    char_space=line.space,
                )
        elif block.kind == "competencies" and grid is not None:
            _draw_competencies(c, page, grid, left + 6 * mm, centre, y)
            y -= block.height
        elif block.kind == "evidence" and evidence is not None:
            evidence_pdf.draw(c, page.evidence, evidence, centre, y)
            y -= block.height
        else:
            y -= block.height
            c.setStrokeColor(GOLD)
            c.setLineWidth(0.8)
            c.line(centre - block.rule / 2, y, centre + block.rule / 2, y)
    _signature(c, page, left, 24 * mm)
    _dates(c, page, centre, 24 * mm)
    _qr(c, page, right - QR_SIZE, 26 * mm)
    _small_print(c, page, centre, 15.5 * mm)
    if page.mark is not None:
        marking.draw(c, page.mark, size, (right - QR_SIZE, 26 * mm, QR_SIZE))


@dataclass(frozen=True)
class _Line:
    text: str
    font: str
    size: float
    color: Color
    space: float = 0.0


@dataclass(frozen=True)
class _Block:
    lines: tuple[_Line, ...] = ()
    height: float = 0.0
    rule: float = 0.0
    kind: str = "text"


def _lines(
    text: str,
    font: str,
    max_size: float,
    min_size: float,
    width: float,
    color: Color,
    max_lines: int = 2,
    space: float = 0.0,
) -> _Block:
    fitted = textfit.fit(text, font, max_size, min_size, width, max_lines=max_lines)
    lines = tuple(_Line(t, font, fitted.size, color, space) for t in fitted.lines)
    return _Block(lines=lines, height=sum(line.size * 1.18 for line in lines))


def _text_blocks(page: CertificatePage, width: float) -> list[tuple[float, _Block]]:
    """The centred column, each block with the share of spare height that goes above it."""
    blocks: list[tuple[float, _Block]] = []
    if page.institution_name:
        blocks.append(
            (0.0, _lines(page.institution_name.upper(), SANS_BOLD, 12, 8, width - 90 * mm, ACCENT, space=1.2))
        )
    blocks.append((1.0, _lines(page.title, SERIF, 30, 18, width, INK, max_lines=1)))
    blocks.append((0.5, _Block(height=0.0, rule=60 * mm, kind="rule")))
    blocks.append((0.8, _lines("This certifies that", SERIF_ITALIC, 13, 10, width, MUTED, max_lines=1)))
    blocks.append((0.5, _lines(_display(page.holder_name), SERIF_BOLD, 32, 15, width, INK, max_lines=3)))
    blocks.append(
        (0.8, _lines(BY_EXCEPTION if page.by_exception else EARNED, SERIF_ITALIC, 13, 10, width, MUTED, max_lines=1))
    )
    blocks.append((0.5, _lines(_display(page.credential_title), SERIF_BOLD, 21, 12, width, ACCENT, max_lines=3)))
    return blocks


def _display(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _frame(c: Canvas, w: float, h: float) -> None:
    c.setFillColor(white)
    c.rect(0, 0, w, h, stroke=0, fill=1)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2.2)
    c.rect(9 * mm, 9 * mm, w - 18 * mm, h - 18 * mm, stroke=1, fill=0)
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.6)
    c.rect(11.5 * mm, 11.5 * mm, w - 23 * mm, h - 23 * mm, stroke=1, fill=0)


@dataclass(frozen=True)
class _Grid:
    size: float
    columns: int
    rows: int
    shown: int
    column_width: float
    code_width: float

    @property
    def leading(self) -> float:
        return self.size * 1.4

    @property
    def height(self) -> float:
        return HEADING_HEIGHT + self.rows * self.leading


def _competency_grid(page: CertificatePage, width: float, room: float) -> _Grid:
    """Columns, rows and type size for the competencies; what cannot fit is counted, not hidden."""
    count = len(page.competencies)
    size = 8.5
    for size in (8.5, 8.0, 7.5, 7.0):
        rows_available = max(1, int((room - HEADING_HEIGHT) // (size * 1.4)))
        columns = 1 if count <= 3 else 2 if count <= 2 * rows_available else 3
        if -(-count // columns) <= rows_available:
            break
    rows = -(-count // columns)
    shown = count
    if rows > rows_available:
        rows, shown = rows_available, columns * rows_available - 1
    code_width = max(textfit.width(code, SANS_BOLD, size) for code, _ in page.competencies) + 2.5 * mm
    column_width = min(width / columns, 150 * mm if columns == 1 else 118 * mm)
    return _Grid(size, columns, rows, shown, column_width, code_width)


def _draw_competencies(c: Canvas, page: CertificatePage, grid: _Grid, left: float, centre: float, top: float) -> None:
    draw_heading(
        c, centre, top, "Competencies certified" + (f" · {page.framework_name}" if page.framework_name else "")
    )
    first = top - HEADING_HEIGHT - grid.size
    left = centre - grid.columns * grid.column_width / 2
    for index, (code, label) in enumerate(page.competencies[: grid.shown]):
        col, row = divmod(index, grid.rows)
        x = left + col * grid.column_width
        y = first - row * grid.leading
        c.setFillColor(ACCENT)
        scripts.draw(c, x, y, code, SANS_BOLD, grid.size)
        c.setFillColor(INK)
        scripts.draw(
            c,
            x + grid.code_width,
            y,
            clip(label, SANS, grid.size, grid.column_width - grid.code_width - 4 * mm),
            SANS,
            grid.size,
        )
    hidden = len(page.competencies) - grid.shown
    if hidden:
        col, row = divmod(grid.shown, grid.rows)
        c.setFont(SANS, grid.size)
        c.setFillColor(MUTED)
        c.drawString(
            left + col * grid.column_width,
            first - row * grid.leading,
            f"and {hidden} more (listed in the Open Badge record)",
        )


def _signature(c: Canvas, page: CertificatePage, left: float, base: float) -> None:
    line_y = base + 14 * mm
    width = 70 * mm
    if page.signature_path:
        _image(c, page.signature_path, left + width / 2, line_y + 1 * mm, width, 16 * mm, anchor="s")
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    c.line(left, line_y, left + width, line_y)
    c.setFillColor(INK)
    if page.signatory_name:
        fitted = textfit.fit(page.signatory_name, SERIF_BOLD, 11, 8, width, max_lines=1)
        scripts.draw(c, left + width / 2, line_y - 5 * mm, fitted.lines[0], SERIF_BOLD, fitted.size, align="centre")
    if page.signatory_title:
        fitted = textfit.fit(page.signatory_title, SANS, 8.5, 6.5, width, max_lines=2)
        c.setFillColor(MUTED)
        yy = line_y - 9.5 * mm
        for line in fitted.lines:
            scripts.draw(c, left + width / 2, yy, line, SANS, fitted.size, align="centre")
            yy -= fitted.size * 1.2


def _dates(c: Canvas, page: CertificatePage, centre: float, base: float) -> None:
    rows = [("Issued", format_date(page.issued_on))]
    rows.append(("Valid until", format_date(page.expires_on)) if page.expires_on else ("Valid", "without expiry"))
    yy = base + 16 * mm
    for label, value in rows:
        c.setFont(SANS, 7.5)
        c.setFillColor(MUTED)
        c.drawCentredString(centre, yy, label.upper(), charSpace=0.8)
        c.setFont(SERIF_BOLD, 12)
        c.setFillColor(INK)
        c.drawCentredString(centre, yy - 5 * mm, value)
        yy -= 12.5 * mm


def _qr(c: Canvas, page: CertificatePage, x: float, y: float) -> None:
    """The QR symbol as a single filled path of module runs, ``QR_SIZE`` wide, with its code below."""
    matrix = qr.encode(page.qr_text)
    module = QR_SIZE / matrix.size
    top = y + QR_SIZE
    c.saveState()
    c.setFillColor(Color(0, 0, 0))
    # In module units with the origin at the symbol's top left: every run is "column row length 1 re",
    # written in whole numbers, and the whole symbol is filled by one operator as one path.
    c.transform(module, 0, 0, -module, x, top)
    c.addLiteral(qr_path(matrix))
    c.restoreState()
    c.setFont(SANS_BOLD, 10)
    c.setFillColor(INK)
    c.drawCentredString(x + QR_SIZE / 2, y - 5 * mm, page.code, charSpace=0.6)
    c.setFont(SANS, 6.5)
    c.setFillColor(MUTED)
    c.drawCentredString(x + QR_SIZE / 2, top + 2.5 * mm, "Scan to verify")


def qr_path(matrix: qr.QrMatrix) -> str:
    """PDF path operators for the dark runs of ``matrix`` (y grows downwards), filled once at the end."""
    return "\n".join([f"{col} {row} {length} 1 re" for row, col, length in matrix.runs]) + "\nf"


def _small_print(c: Canvas, page: CertificatePage, centre: float, y: float) -> None:
    c.setFont(SANS, 6.5)
    c.setFillColor(MUTED)
    c.drawCentredString(
        centre,
        y,
        f"Certificate {page.code} · Issuer key fingerprint {page.key_fingerprint} · "
        "The QR code carries a digital signature: a verifier with the issuer's public key can "
        "confirm this certificate offline.",
    )


def _image(c: Canvas, path: str, x: float, y: float, max_w: float, max_h: float, *, anchor: str) -> None:
    """Draw an image scaled into max_w x max_h; a missing or broken file is skipped, not fatal."""
    try:
        reader = ImageReader(path)
        iw, ih = reader.getSize()
    except Exception:
        return
    scale = min(max_w / iw, max_h / ih)
    dw, dh = iw * scale, ih * scale
    if anchor == "s":  # x is the centre, y the bottom
        c.drawImage(reader, x - dw / 2, y, dw, dh, mask="auto")
    else:  # anchor west: x is the left edge, y the bottom
        c.drawImage(reader, x, y, dw, dh, mask="auto")

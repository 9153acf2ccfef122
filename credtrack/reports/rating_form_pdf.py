"""A blank rating form on one A4 page: for a rater without an account (a patient or family advisor) to fill
in on paper, and for the educator who then records it.

The page names the learner and the rating source, asks the rater's question with the scale's levels as a
legend, gives one row per competency the source rates with a tick box for each level and for "Not seen",
then room for a comment, the rater's name, relation, date and signature, and the attestation the person
recording the form accepts. Text in any script prints through the certificates' shipped fonts and shaping
(``certificates.scripts``).

The QR code holds ``CTRF1:<external id>:<source code>:<issue date>`` (``services.rating_forms``), drawn
as the certificates draw theirs (``certificates.qr``, one vector path) and 30 mm wide: 1.2 mm a module
for a usual identifier (QR version 2), 0.9 mm for the longest external id (version 4), two or three
times what a phone camera needs. It is not signed: it identifies the learner and the form so the
recorder can find them, and proves nothing about who filled the form in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from credtrack.certificates import qr, scripts, textfit
from credtrack.certificates.pdf import format_date, qr_path
from credtrack.errors import ValidationError
from credtrack.reports.fonts import register_fonts
from credtrack.services.rating_forms import RatingFormData

INK = HexColor("#1f2933")
ACCENT = HexColor("#1F4E79")
MUTED = HexColor("#52606d")
RULE = HexColor("#9aa5b1")
SHADE = HexColor("#eef2f6")
WIDTH, HEIGHT = A4
MARGIN = 16 * mm
TOP, BOTTOM = HEIGHT - 14 * mm, 12 * mm
CONTENT = WIDTH - 2 * MARGIN
QR_SIZE = 30 * mm
CODE_COLUMN = 14 * mm
BOX = 4.2 * mm
ROW_MIN, ROW_PAD = 7 * mm, 3 * mm  # a row's least height, and the most spare room each row may take
COMMENT_MIN, COMMENT_TARGET = 22 * mm, 34 * mm
GRID_HEAD = 11 * mm
NOT_SEEN = "Not seen"
SUBTITLE = "Rating form: please fill it in by hand and give it back to the person who gave it to you"
ASK = (
    "Think of the time you spent with the learner named above. For each line of the table below, tick the one "
    "box that best says how often you saw them do it; the scale just below says what each number means. Tick "
    "“Not seen” if you had no chance to see it. There are no wrong answers: your honest view helps them learn."
)
QR_NOTE = (
    "The QR code identifies the learner and this form for the person recording it; "
    "it is not a signature and proves nothing about who filled the form in."
)


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str


def render(data: RatingFormData, path: Path) -> None:
    """Draw ``data``'s form on one A4 page into ``path``. Raises ValidationError when it cannot fit."""
    regular, bold = register_fonts()
    f = _Fonts(regular, bold)
    # reportlab takes the initial font's name; its stubs wrongly type it as a float.
    c = Canvas(str(path), pagesize=A4, pageCompression=1, initialFontName=regular)  # type: ignore[arg-type]
    c.setTitle(f"{data.source_name} — {data.learner_name}")
    c.setAuthor(data.institution or "credtrack")
    c.setCreator("credtrack")
    y = _header(c, data, f, TOP)
    y = _paragraph(c, ASK, f.regular, 8.5, MARGIN, y - 4 * mm, CONTENT, INK)
    y = _legend(c, data, f, y - 3.5 * mm)
    lower = _lower_height(data, f)
    grid_top = y - 4 * mm
    room = grid_top - (BOTTOM + lower) - GRID_HEAD - 4 * mm - 3 * mm  # what the rows and the comment box share
    rows = _plan_rows(data, f, room)
    if rows is None:
        fits = int((room - COMMENT_MIN) // ROW_MIN)
        raise ValidationError(
            f"The form of {data.source_name} lists {len(data.competencies)} competencies; one page holds "
            f"about {fits} with this scale and wording. Have the source rate fewer competencies (or split it "
            "in two) and print again.",
            field="source_code",
        )
    y = _grid(c, data, f, grid_top, rows)
    _comment_box(c, f, y - 4 * mm, room - sum(rows.heights))
    _lower(c, data, f)
    c.showPage()
    c.save()


def _draw(c: Canvas, x: float, y: float, text: str, font: str, size: float, color: Color, align: str = "left") -> None:
    c.setFillColor(color)
    scripts.draw(c, x, y, text, font, size, align=align)


def _wrap(text: str, font: str, size: float, room: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``room`` (a longer word keeps a line of its own)."""
    lines: list[str] = []
    current = ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{current} {word}" if current else word
        if current and scripts.width(candidate, font, size) > room:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def _paragraph(c: Canvas, text: str, font: str, size: float, x: float, top: float, room: float, color: Color) -> float:
    """Draw ``text`` wrapped from ``top`` down; return where it ends."""
    leading = size * 1.3
    y = top
    for line in _wrap(text, font, size, room):
        y -= leading
        _draw(c, x, y + size * 0.25, line, font, size, color)
    return y


def _paragraph_height(text: str, font: str, size: float, room: float) -> float:
    return len(_wrap(text, font, size, room)) * size * 1.3


def _fitted(
    c: Canvas, text: str, font: str, sizes: tuple[float, float], x: float, top: float, room: float, color: Color
) -> float:
    """Draw ``text`` shrunk, then wrapped onto at most two lines, to fit ``room``; return where it ends."""
    fitted = textfit.fit(text, font, sizes[0], sizes[1], room, max_lines=2)
    y = top
    for line in fitted.lines:
        y -= fitted.size * 1.22
        _draw(c, x, y + fitted.size * 0.24, line, font, fitted.size, color)
    return y


def _header(c: Canvas, data: RatingFormData, f: _Fonts, top: float) -> float:
    """Institution, title and learner on the left, the QR with its code on the right; return the bottom."""
    room = CONTENT - QR_SIZE - 8 * mm
    y = top
    if data.institution:
        y = _fitted(c, data.institution.upper(), f.bold, (9, 7), MARGIN, y, room, ACCENT)
        y -= 1.5 * mm
    y = _fitted(c, data.source_name, f.bold, (18, 12), MARGIN, y, room, INK)
    _draw(c, MARGIN, y - 3.8 * mm, SUBTITLE, f.regular, 8.5, MUTED)
    y -= 9.5 * mm
    _draw(c, MARGIN, y, "LEARNER", f.bold, 7, MUTED)
    y = _fitted(c, data.learner_name, f.bold, (15, 10), MARGIN, y - 0.8 * mm, room, INK)
    facts = [f"External ID {data.external_id}", f"Form {data.source_code}", f"Printed {format_date(data.issued_on)}"]
    y -= 0.5 * mm
    for line in _joined(facts, "  ·  ", f.regular, 9, room):
        y = _fitted(c, line, f.regular, (9, 7), MARGIN, y, room, INK)
    qr_left, qr_bottom = WIDTH - MARGIN - QR_SIZE, top - QR_SIZE
    _qr(c, data.identifier, qr_left, qr_bottom)
    size, lines = _caption(data.identifier, f.regular, QR_SIZE + 2 * mm)
    cy = qr_bottom - 1 * mm
    for line in lines:
        cy -= size * 1.2
        _draw(c, qr_left + QR_SIZE / 2, cy, line, f.regular, size, MUTED, align="centre")
    bottom = min(y, cy) - 2.5 * mm
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1.2)
    c.line(MARGIN, bottom, WIDTH - MARGIN, bottom)
    return bottom


def _joined(pieces: list[str], joiner: str, font: str, size: float, room: float) -> list[str]:
    """``pieces`` joined on as few lines as fit ``room``, never breaking a piece between lines."""
    lines: list[str] = []
    for piece in pieces:
        if lines and scripts.width(lines[-1] + joiner + piece, font, size) <= room:
            lines[-1] += joiner + piece
        else:
            lines.append(piece)
    return lines


def _caption(text: str, font: str, room: float) -> tuple[float, list[str]]:
    """The QR's text under it: one line if it fits, else broken after its colons (a part too long for a
    line of its own is broken where it must be)."""
    for size in (7.0, 6.5, 6.0):
        if scripts.width(text, font, size) <= room:
            return size, [text]
    size = 6.0
    parts = text.split(":")
    pieces = [part + ":" for part in parts[:-1]] + [parts[-1]]
    lines: list[str] = []
    for piece in pieces:
        if lines and scripts.width(lines[-1] + piece, font, size) <= room:
            lines[-1] += piece
        elif scripts.width(piece, font, size) <= room:
            lines.append(piece)
        else:
            lines += textfit.hard_wrap(piece, font, size, room, 3)
    return size, lines


def _qr(c: Canvas, text: str, x: float, y: float) -> None:
    matrix = qr.encode(text)
    module = QR_SIZE / matrix.size
    c.saveState()
    c.setFillColor(Color(0, 0, 0))
    c.transform(module, 0, 0, -module, x, y + QR_SIZE)  # module units, origin at the symbol's top left
    c.addLiteral(qr_path(matrix))
    c.restoreState()


def _legend(c: Canvas, data: RatingFormData, f: _Fonts, top: float) -> float:
    """The scale's levels, each with its description; return the bottom."""
    heading = f"The scale: {data.scale_name}"
    _draw(c, MARGIN, top - 9, heading, f.bold, 9, ACCENT)
    y = top - 12
    if data.scale_description:
        y = _paragraph(c, data.scale_description, f.regular, 8, MARGIN, y, CONTENT, MUTED)
    label_width = max([scripts.width(lv.label, f.bold, 8) for lv in data.levels] + [0.0])
    label_x = MARGIN + 9 * mm
    text_x = label_x + label_width + 4 * mm
    for level in data.levels:
        lines = _wrap(level.description, f.regular, 8, WIDTH - MARGIN - text_x) or [""]
        y -= 1.2 * mm
        for index, line in enumerate(lines):
            y -= 8 * 1.3
            if index == 0:
                _level_chip(c, MARGIN, y - 1, level.code, f)
                _draw(c, label_x, y + 2, level.label, f.bold, 8, INK)
            _draw(c, text_x, y + 2, line, f.regular, 8, INK)
    return y


def _level_chip(c: Canvas, x: float, y: float, code: str, f: _Fonts) -> None:
    c.setFillColor(SHADE)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.roundRect(x, y, 6.5 * mm, 3.6 * mm, 0.8 * mm, stroke=1, fill=1)
    _draw(c, x + 3.25 * mm, y + 1.05 * mm, code, f.bold, 7.5, ACCENT, align="centre")


def _columns(data: RatingFormData) -> tuple[float, float]:
    """The width of each tick-box column and of the competency column."""
    boxes = len(data.levels) + 1
    box_column = min(14.5 * mm, (CONTENT - CODE_COLUMN - 62 * mm) / boxes)
    return box_column, CONTENT - CODE_COLUMN - box_column * boxes


@dataclass(frozen=True)
class _Rows:
    size: float  # of every competency's label
    lines: tuple[tuple[str, ...], ...]
    heights: tuple[float, ...]


def _plan_rows(data: RatingFormData, f: _Fonts, room: float) -> _Rows | None:
    """Labels at the largest size that leaves the comment box its least height; None if none does.

    A row is as tall as its label (one line or two) needs; room to spare is shared out, a little to
    each row for a roomier hand, the rest to the comment box."""
    label_room = _columns(data)[1] - 3 * mm
    for size in LABEL_SIZES:
        lines = tuple(tuple(_label_lines(label, f.regular, size, label_room)) for _code, label in data.competencies)
        base = [max(ROW_MIN, len(these) * size * 1.2 + 3 * mm) for these in lines]
        spare = room - sum(base)
        if spare >= COMMENT_MIN:
            pad = max(0.0, min(ROW_PAD, (spare - COMMENT_TARGET) / max(1, len(base))))
            return _Rows(size, lines, tuple(height + pad for height in base))
    return None


def _grid(c: Canvas, data: RatingFormData, f: _Fonts, top: float, rows: _Rows) -> float:
    """The header row, then one row per competency with a box per level and for "Not seen"."""
    box_column, label_column = _columns(data)
    first_box = MARGIN + CODE_COLUMN + label_column
    heads: Sequence[tuple[str, str]] = [(lv.code, lv.label) for lv in data.levels] + [("", NOT_SEEN)]
    c.setFillColor(SHADE)
    c.rect(MARGIN, top - GRID_HEAD, CONTENT, GRID_HEAD, stroke=0, fill=1)
    _draw(c, MARGIN + 1.5 * mm, top - GRID_HEAD / 2 - 3, "Code", f.bold, 8, INK)
    _draw(c, MARGIN + CODE_COLUMN, top - GRID_HEAD / 2 - 3, "What we ask about", f.bold, 8, INK)
    # One size for every level's name, the largest at which the longest fits its column.
    room = box_column - 1.5 * mm
    head_size = min(textfit.fit(label, f.regular, 7, 5, room, max_lines=1).size for _c, label in heads[:-1])
    for index, (code, label) in enumerate(heads[:-1]):
        centre = first_box + (index + 0.5) * box_column
        _draw(c, centre, top - 4.5 * mm, code, f.bold, 8.5, ACCENT, align="centre")
        name = textfit.hard_wrap(label, f.regular, head_size, room, 1)[0]
        _draw(c, centre, top - 8.3 * mm, name, f.regular, head_size, INK, align="centre")
    not_seen = textfit.fit(NOT_SEEN, f.bold, 7.5, 5, room, max_lines=1)
    centre = first_box + (len(heads) - 0.5) * box_column
    _draw(c, centre, top - 6.6 * mm, not_seen.lines[0], f.bold, not_seen.size, INK, align="centre")
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    c.line(MARGIN, top - GRID_HEAD, WIDTH - MARGIN, top - GRID_HEAD)
    size = rows.size
    y = top - GRID_HEAD
    for index, ((code, _label), lines, row) in enumerate(zip(data.competencies, rows.lines, rows.heights, strict=True)):
        bottom = y - row
        if index % 2:
            c.setFillColor(SHADE)
            c.rect(MARGIN, bottom, CONTENT, row, stroke=0, fill=1)
        middle = bottom + row / 2
        _draw(c, MARGIN + 1.5 * mm, middle - 3, code, f.bold, 8.5, ACCENT)
        leading = size * 1.2
        first = middle + (len(lines) - 1) * leading / 2 - size * 0.35
        for number, line in enumerate(lines):
            _draw(c, MARGIN + CODE_COLUMN, first - number * leading, line, f.regular, size, INK)
        c.setStrokeColor(INK)
        c.setLineWidth(0.8)
        for column in range(len(heads)):
            centre = first_box + (column + 0.5) * box_column
            c.setFillColor(Color(1, 1, 1))
            c.rect(centre - BOX / 2, middle - BOX / 2, BOX, BOX, stroke=1, fill=1)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.3)
        c.line(MARGIN, bottom, WIDTH - MARGIN, bottom)
        y = bottom
    c.setStrokeColor(RULE)
    c.setLineWidth(0.3)
    c.line(first_box, top - GRID_HEAD, first_box, y)  # where the boxes start
    c.line(first_box + len(data.levels) * box_column, top, first_box + len(data.levels) * box_column, y)
    return y


LABEL_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)


def _label_lines(label: str, font: str, size: float, room: float) -> list[str]:
    """At most two lines; a label longer still is cut short with an ellipsis (the code names it in full)."""
    lines = _wrap(label, font, size, room)
    if len(lines) <= 2:
        return lines
    return textfit.hard_wrap(label, font, size, room, 2)


def _comment_box(c: Canvas, f: _Fonts, top: float, height: float) -> None:
    heading = "Comments: what went well, and what could go better next time (optional)"
    _draw(c, MARGIN, top - 9, heading, f.bold, 9, ACCENT)
    box_top = top - 4.5 * mm
    box_height = height - 4.5 * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.rect(MARGIN, box_top - box_height, CONTENT, box_height, stroke=1, fill=0)


RATER_LINE = 11 * mm  # room to write above each line, and its caption below
FOOT = 5 * mm
RATER_FIELDS = (
    ("Your name", "Your relation to the learner (e.g. patient, family member, colleague)"),
    ("Date", "Signature"),
)


def _lower_height(data: RatingFormData, f: _Fonts) -> float:
    """The rater's lines, the recorder's attestation and the note at the foot, below the comment box."""
    return len(RATER_FIELDS) * RATER_LINE + 3 * mm + _recorder_height(data, f) + FOOT


def _recorder_height(data: RatingFormData, f: _Fonts) -> float:
    return 9.5 * mm + _paragraph_height(f"“{data.attestation}”", f.regular, 7.5, CONTENT - 6 * mm)


def _lower(c: Canvas, data: RatingFormData, f: _Fonts) -> None:
    """Drawn up from the foot of the page, so the comment box above takes whatever room is left."""
    y = BOTTOM + _lower_height(data, f)
    half = (CONTENT - 8 * mm) / 2
    for left, right in RATER_FIELDS:
        y -= RATER_LINE
        line = y + 3.2 * mm
        for x, caption in ((MARGIN, left), (MARGIN + half + 8 * mm, right)):
            c.setStrokeColor(INK)
            c.setLineWidth(0.6)
            c.line(x, line, x + half, line)
            _draw(c, x, line - 3 * mm, caption, f.regular, 7, MUTED)
    y -= 3 * mm
    height = _recorder_height(data, f)
    c.setFillColor(SHADE)
    c.rect(MARGIN, y - height, CONTENT, height, stroke=0, fill=1)
    _draw(c, MARGIN + 3 * mm, y - 4.5 * mm, "For the person recording this form in credtrack", f.bold, 8, INK)
    _draw(
        c,
        WIDTH - MARGIN - 3 * mm,
        y - 4.5 * mm,
        "Recorded on ____________  by ______________________",
        f.regular,
        7.5,
        MUTED,
        align="right",
    )
    _paragraph(c, f"“{data.attestation}”", f.regular, 7.5, MARGIN + 3 * mm, y - 6.5 * mm, CONTENT - 6 * mm, INK)
    note = textfit.fit(QR_NOTE, f.regular, 6.5, 5.5, CONTENT, max_lines=1)
    _draw(c, MARGIN, BOTTOM, note.lines[0], f.regular, note.size, MUTED)

"""The certificate page's list of the ratings and improvement work behind the credential.

Laid out as the competencies are: a small heading, then one line per piece of evidence with its
label in the accent colour; two columns when one would not fit, smaller type before that, and
what still does not fit is counted ("and 3 more"), never drawn over the signature or the QR.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from credtrack.certificates import scripts, textfit
from credtrack.certificates.evidence_lines import EvidenceLine, heading
from credtrack.certificates.fonts import SANS, SANS_BOLD
from credtrack.certificates.page_style import ACCENT, HEADING_HEIGHT, INK, MUTED, clip, draw_heading

SIZES = (8.0, 7.5, 7.0)
LABEL_GAP = 2.5 * mm
COLUMN_GAP = 6 * mm
SMALLEST_HEAD = 20 * mm  # a title is shortened to no less than this before the line itself is cut


@dataclass(frozen=True)
class EvidenceGrid:
    size: float
    rows: int
    shown: int
    widths: tuple[float, ...]  # each column's, as wide as its lines need when the page allows
    label_widths: tuple[float, ...]  # each column's, so a short label is not set as far out as a long one

    @property
    def columns(self) -> int:
        return len(self.widths)

    @property
    def leading(self) -> float:
        return self.size * 1.4

    @property
    def height(self) -> float:
        return HEADING_HEIGHT + self.rows * self.leading

    @property
    def width(self) -> float:
        return sum(self.widths) + COLUMN_GAP * (self.columns - 1)


def least_height(lines: tuple[EvidenceLine, ...]) -> float:
    """The room kept for the evidence before the competencies take theirs: the heading and two lines."""
    return HEADING_HEIGHT + min(len(lines), 2) * SIZES[-1] * 1.4 if lines else 0.0


def layout(lines: tuple[EvidenceLine, ...], width: float, room: float) -> EvidenceGrid:
    """Type size, columns and rows for ``lines`` within ``width`` and ``room`` (heights in points)."""
    count = len(lines)
    size, columns, rows_available = SIZES[0], 1, 1
    for size in SIZES:
        rows_available = max(1, int((room - HEADING_HEIGHT) // (size * 1.4)))
        columns = 1 if count <= rows_available else 2
        if -(-count // columns) <= rows_available:
            break
    rows, shown = -(-count // columns), count
    if rows > rows_available:
        rows, shown = rows_available, columns * rows_available - 1
    drawn = chosen(lines, shown)
    groups = [drawn[k * rows : (k + 1) * rows] for k in range(columns)]
    label_widths = tuple(
        max((textfit.width(line.label, SANS_BOLD, size) for line in group), default=0.0) + LABEL_GAP for group in groups
    )
    needs = [
        label_widths[k] + max((textfit.width(line.texts()[0], SANS, size) for line in group), default=0.0) + 1 * mm
        for k, group in enumerate(groups)
    ]
    if shown < count:  # the count of what is left out closes the last column
        needs[-1] = max(needs[-1], textfit.width(more_text(count - shown), SANS, size) + 1 * mm)
    room_across = width - COLUMN_GAP * (columns - 1)
    if sum(needs) > room_across:
        # The narrower column keeps what it needs, up to half; the other has the rest.
        narrow = needs.index(min(needs))
        needs[narrow] = min(needs[narrow], room_across / columns)
        for k in range(columns):
            if k != narrow:
                needs[k] = room_across - needs[narrow]
    return EvidenceGrid(size, rows, shown, tuple(needs), label_widths)


def more_text(hidden: int) -> str:
    return f"and {hidden} more (listed in the Open Badge record)"


def chosen(lines: tuple[EvidenceLine, ...], shown: int) -> tuple[EvidenceLine, ...]:
    """The ``shown`` lines to draw when not all fit: ratings and works taken in turn, so neither kind is
    left out for the other, each kept in its order."""
    if shown >= len(lines):
        return lines
    ratings = [line for line in lines if line.kind == "rating"]
    works = [line for line in lines if line.kind != "rating"]
    take_ratings = min(len(ratings), max(shown - len(works), (shown + 1) // 2))
    return tuple(ratings[:take_ratings] + works[: shown - take_ratings])


def fitted_text(line: EvidenceLine, size: float, room: float) -> str:
    """The fullest of the line's texts that fits ``room``; else its title shortened, else the line cut."""
    for text in line.texts():
        if textfit.width(text, SANS, size) <= room:
            return text
    tail = line.tails[-1]
    head_room = room - textfit.width(tail, SANS, size)
    if line.head and head_room >= SMALLEST_HEAD:
        return clip(line.head, SANS, size, head_room) + tail
    return clip(line.texts()[-1], SANS, size, room)


def draw(c: Canvas, lines: tuple[EvidenceLine, ...], grid: EvidenceGrid, centre: float, top: float) -> None:
    """The heading and the lines, the block centred on ``centre`` below ``top``."""
    draw_heading(c, centre, top, heading(lines))
    first = top - HEADING_HEIGHT - grid.size
    lefts = [centre - grid.width / 2]
    for width in grid.widths[:-1]:
        lefts.append(lefts[-1] + width + COLUMN_GAP)
    for index, line in enumerate(chosen(lines, grid.shown)):
        col, row = divmod(index, grid.rows)
        x, y = lefts[col], first - row * grid.leading
        label_width = grid.label_widths[col]
        c.setFillColor(ACCENT)
        scripts.draw(c, x, y, line.label, SANS_BOLD, grid.size)
        c.setFillColor(INK)
        text = fitted_text(line, grid.size, grid.widths[col] - label_width)
        scripts.draw(c, x + label_width, y, text, SANS, grid.size)
    hidden = len(lines) - grid.shown
    if hidden:
        col, row = divmod(grid.shown, grid.rows)
        c.setFillColor(MUTED)
        scripts.draw(c, lefts[col], first - row * grid.leading, more_text(hidden), SANS, grid.size)

"""Laying out a transcript with reportlab: a heading block, then one table per kind of record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from credtrack.certificates import scripts
from credtrack.reports.fonts import register_fonts
from credtrack.reports.pdf_text import text
from credtrack.reports.transcript_evidence import team_text

if TYPE_CHECKING:
    from credtrack.reports.transcript import TranscriptData

INK = colors.HexColor("#1f2933")
RULE = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef2f6")


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def render(data: TranscriptData, path: Path, *, paper: str = "A4", printed_on: dt.date) -> None:
    regular, bold = register_fonts()
    size = LETTER if paper == "Letter" else A4
    body = ParagraphStyle("body", fontName=regular, fontSize=8.5, leading=10.5, textColor=INK)
    head = ParagraphStyle("head", parent=body, fontName=bold)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=17, leading=21, spaceAfter=2 * mm)
    section = ParagraphStyle(
        "section",
        parent=body,
        fontName=bold,
        fontSize=11,
        leading=14,
        spaceBefore=5 * mm,
        spaceAfter=2 * mm,
        keepWithNext=1,  # a section's heading never ends a page without the start of its table
    )
    small = ParagraphStyle("small", parent=body, fontSize=7.5, textColor=colors.HexColor("#52606d"))

    def p(value: Any, style: ParagraphStyle = body) -> Flowable:
        return text(value, style)

    width = size[0] - 36 * mm

    def table(header: list[str], rows: list[list[Any]], fractions: list[float], empty: str) -> list[Any]:
        if not rows:
            return [p(empty, small)]
        cells = [[p(h, head) for h in header]] + [[p(v) for v in row] for row in rows]
        t = Table(cells, colWidths=[width * f for f in fractions], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), regular),  # the cells' own font, else reportlab's Helvetica
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SHADE]),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ]
            )
        )
        return [t]

    story: list[Any] = []
    if data.institution:
        story.append(p(data.institution, small))
    story.append(p("Interprofessional learning transcript", title))
    facts = [
        ("Learner", data.name),
        ("External ID", data.external_id),
        ("Profession", data.profession or "not recorded"),
        ("Unit", data.unit or "—"),
        ("Start date", _date(data.start_date)),
        ("Printed", printed_on.isoformat()),
    ]
    facts_table = Table([[p(k, head), p(v)] for k, v in facts], colWidths=[32 * mm, width - 32 * mm])
    facts_table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(facts_table)

    story.append(p("Credentials", section))
    story += table(
        ["Credential", "Certificate", "Issued", "Expires", "Status"],
        [[f"{c} – {t}", code, _date(i), _date(e), s.capitalize()] for c, t, code, i, e, s in data.certificates],
        [0.40, 0.20, 0.13, 0.13, 0.14],
        "No certificates issued yet.",
    )
    if data.in_progress:
        story.append(Spacer(1, 2 * mm))
        story += table(["Credential", "Progress"], [[f"{c} – {t}", s] for c, t, s in data.in_progress], [0.6, 0.4], "")

    story.append(p(f"Module completions ({len(data.completions)})", section))
    story += table(
        ["Date", "Module", "Verification", "Evidence"],
        [
            [_date(on), f"{code} – {title}", verification, evidence]
            for on, code, title, verification, evidence in data.completions
        ],
        [0.13, 0.47, 0.18, 0.22],
        "No module completions recorded.",
    )

    story.append(p(f"Competency sign-offs ({len(data.signoffs)})", section))
    story += table(
        ["Date", "Competency", "Level", "Method", "Assessor", "Assessor profession"],
        [
            [_date(on), comp, level, method, assessor, profession]
            for on, comp, level, method, assessor, profession, _code in data.signoffs
        ],
        [0.125, 0.30, 0.17, 0.13, 0.135, 0.14],
        "No competency sign-offs recorded.",
    )

    story.append(p(f"Multi-source ratings ({len(data.ratings)})", section))
    story += table(
        ["Date", "Source", "Rater's profession", "Collected", "Levels"],
        [[_date(r.rated_on), r.source, r.rater_profession or "—", r.collection, r.scores or "—"] for r in data.ratings],
        [0.12, 0.24, 0.14, 0.19, 0.31],
        "No ratings recorded.",
    )

    story.append(p(f"Improvement work ({len(data.works)})", section))
    story += table(
        ["Ended", "Work", "Role", "Team", "Confirmed by"],
        [
            [_date(w.ended_on), f"{w.kind} – {w.title}", w.role or "—", team_text(w.professions), w.confirmed_by]
            for w in data.works
        ],
        [0.125, 0.33, 0.14, 0.255, 0.15],
        "No confirmed improvement work recorded.",
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#52606d"))
        scripts.draw(canvas, 18 * mm, 10 * mm, f"{data.name} · {data.external_id} · credtrack transcript", regular, 7)
        scripts.draw(canvas, size[0] - 18 * mm, 10 * mm, f"Page {doc.page}", regular, 7, align="right")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=size,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"Transcript — {data.name}",
        author="credtrack",
        initialFontName=regular,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)

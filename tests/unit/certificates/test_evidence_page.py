"""The certificate page's list of ratings and improvement work: what each line says (never a rater's name),
and how a long list degrades: smaller type, two columns, then a count of what is left out, on one page and
clear of the signature, the dates and the QR."""

from __future__ import annotations

import dataclasses

import pypdfium2 as pdfium
import pytest
from reportlab.lib.units import mm

from credtrack.certificates import evidence_lines, evidence_pdf, pdf
from credtrack.certificates.fonts import SANS, register_fonts
from credtrack.certificates.textfit import width

from .helpers import pdf_text, signing_key
from .test_qr_pdf import NAMES, page_for

ADVISOR = "Margaret Oyelaran"


def _rating(day: int, *, source: str = "Patient or family advisor", profession: str | None = None) -> dict:
    return {
        "source_code": "PATIENT",
        "source_name": source,
        "rated_on": f"2026-03-{day:02}",
        "rater": ADVISOR,
        "rater_profession": profession,
        "collection": "interview",
        "lowest_level_label": "Often",
        "scores": [{"competency": "C1", "level_label": "Often"}, {"competency": "VE1", "level_label": "Always"}],
    }


def _work(day: int, title: str = "Sepsis screening within an hour", kind: str = "QI project") -> dict:
    return {
        "kind": "qi_project",
        "kind_label": kind,
        "title": title,
        "role": "Project lead",
        "started_on": "2026-01-05",
        "ended_on": f"2026-04-{day:02}",
        "professions": ["Medicine", "Nursing", "Pharmacy"],
        "confirmed_by": "Dr. Amara Okonkwo",
    }


@pytest.fixture(scope="module")
def key():
    return signing_key()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_rating_names_its_source_and_the_raters_profession_never_the_rater():
    advisor = evidence_lines.rating_line(_rating(3))
    assert advisor.texts()[0] == "Patient or family advisor · 3 Mar 2026 · C1 Often, VE1 Always"
    colleague = evidence_lines.rating_line(_rating(4, source="Team member", profession="Pharmacy"))
    assert colleague.texts()[0] == "Team member (Pharmacy) · 4 Mar 2026 · C1 Often, VE1 Always"
    assert colleague.texts()[-1] == "Team member (Pharmacy) · 4 Mar 2026 · lowest score Often"
    assert not any(ADVISOR in text for line in (advisor, colleague) for text in line.texts())


def test_a_work_gives_its_kind_title_role_day_ended_and_team():
    line = evidence_lines.work_line(_work(9))
    assert line.label == "QI project"
    assert line.texts() == (
        "Sepsis screening within an hour · Project lead · ended 9 Apr 2026 · team of 3 professions: "
        "Medicine, Nursing, Pharmacy",
        "Sepsis screening within an hour · Project lead · ended 9 Apr 2026 · team of 3 professions",
    )


def test_a_narrow_column_shortens_the_title_before_it_drops_the_role_the_day_or_the_team():
    register_fonts()
    line = evidence_lines.work_line(_work(9, title="Reducing falls on the medical ward through hourly rounding"))
    tail = " · Project lead · ended 9 Apr 2026 · team of 3 professions"
    room = width(tail, SANS, 7.0) + 30 * mm
    text = evidence_pdf.fitted_text(line, 7.0, room)
    assert text.endswith("…" + tail) and text.startswith("Reducing falls")
    assert width(text, SANS, 7.0) <= room


def test_old_snapshots_without_ratings_or_works_print_no_list(tmp_path, key):
    page = page_for(key, NAMES[0])
    assert evidence_lines.from_snapshot({"modules": [], "signoffs": []}) == ()
    text = _flat(pdf_text(pdf.render([page], tmp_path / "plain.pdf")))
    assert "BEHIND THIS CREDENTIAL" not in text


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_long_list_degrades_on_one_page_and_counts_what_it_leaves_out(tmp_path, key, paper):
    snapshot = {
        "ratings": [_rating(day) for day in range(1, 29)],
        "improvement": [_work(day, kind="Safety event review") for day in range(1, 13)],
    }
    page = dataclasses.replace(
        page_for(key, NAMES[-1], paper=paper),  # a name on two lines, eight competencies in two columns
        evidence=evidence_lines.from_snapshot(snapshot),
    )
    out = pdf.render([page], tmp_path / "long.pdf")
    document = pdfium.PdfDocument(str(out))
    try:
        assert len(document) == 1
        first = document[0]
        page_width, _ = first.get_size()
        # Between the list and the signature, dates and QR is only the QR's caption.
        floor = 26 * mm + pdf.QR_SIZE + 7 * mm
        band = first.get_textpage().get_text_bounded(left=0, bottom=60 * mm, right=page_width, top=floor)
        assert _flat(band) == "Scan to verify"
    finally:
        document.close()
    text = _flat(pdf_text(out))
    ratings = text.count("Patient or family advisor ·")
    works = text.count("Sepsis screening")
    assert ratings and works  # neither kind is left out for the other
    assert f"and {40 - ratings - works} more (listed in the Open Badge record)" in text
    assert "Label for VE1" in text and "Label for TT2" in text  # the competencies keep their place
    assert ADVISOR not in text

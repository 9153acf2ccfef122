"""The printed certificate lists the ratings and improvement work it was earned on, as frozen at issue: each
rating by its source, the rater's profession, day and levels, never naming the rater (a patient or family
advisor least of all); each work by its kind, title, role, day ended and team; all on the one page."""

from __future__ import annotations

import pypdfium2 as pdfium
from reportlab.lib.units import mm

from credtrack.certificates import pdf
from credtrack.certificates.verify import Verdict
from credtrack.models import CredentialRequirement
from credtrack.services import improvement, ratings
from credtrack.services.catalog import RequirementSpec, create_credential
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import queries as certificate_queries
from credtrack.services.certificates import revocations
from credtrack.services.improvement import TeamMember
from tests.unit.certificates.helpers import pdf_text

from .test_certificate_ratings import _rate, _voices
from .test_certificate_world import DAY, PASSWORD, build_world

PATIENTS = ("Margaret Oyelaran", "Hélène Marchetti")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pages(path) -> int:
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def _text_between(path, bottom: float, top: float) -> str:
    """The text PDFium finds on page 1 in the band from ``bottom`` to ``top`` (points from the page's foot)."""
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[0]
        width, _height = page.get_size()
        return page.get_textpage().get_text_bounded(left=0, bottom=bottom, right=width, top=top)
    finally:
        document.close()


def _improvement(w, title: str, ended: str, team: list[TeamMember], kind: str = "qi_project") -> int:
    work = improvement.record_work(
        w.db.unit_of_work(),
        w.educator,
        person_id=w.eligible_id,
        kind=kind,
        title=title,
        role="Project lead",
        started_on="2025-09-01",
        ended_on=ended,
        team=team,
        today=DAY,
    ).value
    improvement.confirm_work(w.db.unit_of_work(), w.educator, work.id, PASSWORD, today=DAY)
    return work.id


def test_the_certificate_lists_its_ratings_without_naming_any_rater(db, tmp_path) -> None:
    w = build_world(db)
    credential_id = _voices(w)
    first = _rate(w, "PATIENT", {"C1": "4", "VE1": "5"}, "2025-12-01", PATIENTS[0], collection="interview")
    _rate(w, "PATIENT", {"C1": "5"}, "2025-12-05", PATIENTS[1])
    _rate(w, "PEER-IP", {"C3": "4"}, "2025-12-08", "Tomás Ibarra", rater_profession_code="PHARM")

    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, credential_id, out_dir=tmp_path / "issued", today=DAY
    ).value
    assert _pages(cert.pdf_path) == 1
    text = _flat(pdf_text(cert.pdf_path))
    assert "RATINGS BEHIND THIS CREDENTIAL" in text
    assert "Patient or family advisor · 1 Dec 2025 · C1 Often, VE1 Always" in text
    assert "Patient or family advisor · 5 Dec 2025 · C1 Always" in text
    assert "Colleague of another profession (Pharmacy) · 8 Dec 2025 · C3 Often" in text
    assert text.count("Rating ") >= 3
    raw = cert.pdf_path.read_bytes()
    for rater in (*PATIENTS, "Tomás Ibarra"):
        assert rater not in text, rater
        assert rater.encode("utf-8") not in raw and rater.encode("utf-16-be") not in raw  # nor in the metadata
    # The list stays clear of the QR, the signature and the dates: between it and them is only the QR's caption.
    floor = 26 * mm + pdf.QR_SIZE + 7 * mm
    assert _flat(_text_between(cert.pdf_path, 60 * mm, floor)) == "Scan to verify"
    assert revocations.verify_input(db.unit_of_work(), cert.pdf_path, today=DAY).verdict is Verdict.VALID

    # Voiding a rating behind it leaves the certificate as it was issued: the reprint still lists the rating.
    ratings.void_rating(db.unit_of_work(), w.educator, first.id, "Feedback was about another learner", today=DAY)
    detail = certificate_queries.certificate_detail(db.unit_of_work(), w.educator, cert.code, today=DAY)
    assert detail.row.status == "valid" and "Feedback was about another learner" in detail.voided_evidence
    copy = certificate_copies.reprint(db.unit_of_work(), w.educator, cert.code, tmp_path / "reprint").value
    assert copy.marked is None
    again = _flat(pdf_text(copy.path))
    assert "Patient or family advisor · 1 Dec 2025 · C1 Often, VE1 Always" in again
    assert not any(rater in again for rater in PATIENTS)


def test_the_certificate_lists_its_improvement_work_and_the_teams_professions(db, tmp_path) -> None:
    w = build_world(db)
    with db.unit_of_work() as uow:
        uow.session.add(
            CredentialRequirement(
                credential_id=w.credential_id,
                kind="improvement",
                work_kind="qi_project",
                min_count=1,
                min_professions=3,
                sort_order=9,
            )
        )
        uow.commit()
    team = [TeamMember("Ines Ferreira", "MED"), TeamMember("Sam Lee", "PHARM"), TeamMember("Ana Ruiz", "SW")]
    _improvement(w, "Sepsis screening within an hour", "2025-12-15", team)

    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, w.credential_id, out_dir=tmp_path, today=DAY
    ).value
    assert _pages(cert.pdf_path) == 1
    text = _flat(pdf_text(cert.pdf_path))
    assert "IMPROVEMENT WORK BEHIND THIS CREDENTIAL" in text
    assert (
        "QI project Sepsis screening within an hour · Project lead · ended 15 Dec 2025 · "
        "team of 3 professions: Medicine, Pharmacy, Social work"
    ) in text
    assert not any(member.name in text for member in team)  # the team by profession, not by name
    # The competencies the credential certifies are still all listed above it.
    assert all(code in text for code in ("VE1", "RR1", "C2", "TT3"))


def test_a_certificate_on_eighteen_ratings_and_works_lists_them_all_on_its_one_page(db, tmp_path) -> None:
    w = build_world(db)
    kinds = ("qi_project", "safety_review", "huddle_led", "teach_back")
    credential_id = create_credential(
        db.unit_of_work(),
        w.educator,
        code="VOICES-QI",
        title="Many voices, safer care",
        requirements=[
            RequirementSpec("module", module_code="IPE-101"),
            RequirementSpec("ratings", source_code="PATIENT", min_count=14, min_level_code="4"),
            *[RequirementSpec("improvement", work_kind=kind, min_count=1) for kind in kinds],
        ],
    ).value.id
    raters = [f"Advisor Number{i}" for i in range(14)]
    for i, rater in enumerate(raters):
        _rate(w, "PATIENT", {"C1": "4", "VE1": "5"}, f"2025-11-{i + 1:02}", rater)
    for i, kind in enumerate(kinds):
        _improvement(w, f"Falls prevention round {i + 1}", f"2025-12-{i + 1:02}", [TeamMember("Ana Ruiz", "SW")], kind)

    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, credential_id, out_dir=tmp_path, today=DAY
    ).value
    assert _pages(cert.pdf_path) == 1
    text = _flat(pdf_text(cert.pdf_path))
    assert "RATINGS AND IMPROVEMENT WORK BEHIND THIS CREDENTIAL" in text
    for i in range(14):
        assert f"Patient or family advisor · {i + 1} Nov 2025 · C1 Often, VE1 Always" in text
    for i, label in enumerate(("QI project", "Safety event review", "Huddle led", "Teach-back")):
        assert f"{label} Falls prevention round {i + 1} · Project lead · ended {i + 1} Dec 2025" in text
    assert "more (listed in the Open Badge record)" not in text
    assert not any(rater in text for rater in raters) and "Ana Ruiz" not in text
    floor = 26 * mm + pdf.QR_SIZE + 7 * mm
    assert _flat(_text_between(cert.pdf_path, 60 * mm, floor)) == "Scan to verify"

"""Names in every script the shipped fonts cover print, shaped, and read back; a name they cannot draw is refused."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import func, select

from credtrack.errors import ValidationError
from credtrack.models import AuditEvent, Certificate, Person
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates import issuing as certificates

from .test_certificate_world import DAY, build_world

NAMES = (
    "محمد الأحمد",  # Arabic: joined letters and the lam-alef ligature, right to left
    "דוד לוי",  # Hebrew
    "王小明",  # Chinese
    "山田 太郎",  # Japanese
    "김민준",  # Korean
    "प्रिया शर्मा",  # Devanagari: conjuncts and a vowel sign drawn before its consonant
    "สมชาย ใจดี",  # Thai
    "অমিত রায়",  # Bengali
)
_BIDI_MARKS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def _text(path: Path) -> str:
    """The page's text as pdftotext reads it, without the direction marks it puts around right-to-left runs."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return _BIDI_MARKS.sub("", out)


def _fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def _ink(path: Path) -> int:
    """Dark pixels on the first page, rendered at 40 dpi."""
    document = pdfium.PdfDocument(str(path))
    try:
        image = document[0].render(scale=40 / 72, grayscale=True).to_pil()
    finally:
        document.close()
    return sum(image.histogram()[:128])


def test_a_cohort_in_eight_scripts_prints_every_name_shaped_with_embedded_fonts_only(db, tmp_path):
    world = build_world(db, names=NAMES)
    issued = certificate_cohort.issue_cohort(
        db, world.educator, "2026-JAN", tmp_path / "out", today=DAY, workers=2
    ).value  # drawn in the batch's worker processes
    assert sorted(c.holder_name for c in issued.issued) == sorted(NAMES)
    for cert in issued.issued:
        assert cert.holder_name in _text(cert.pdf_path), cert.holder_name
    combined = _text(issued.combined_pdf)
    assert all(name in combined for name in NAMES)
    for path in [issued.combined_pdf, *(c.pdf_path for c in issued.issued)]:
        fonts = _fonts(path)
        assert fonts and not any("Helvetica" in row[0] for row in fonts), fonts
        assert all(row[-5:-3] == ["yes", "yes"] for row in fonts), fonts  # embedded, subset
    arabic = next(c for c in issued.issued if c.holder_name == NAMES[0])
    assert any("NotoSansArabic" in row[0] for row in _fonts(arabic.pdf_path))


def test_the_name_line_has_ink_in_arabic_as_in_latin(tmp_path):
    """The name is drawn, not left blank: the page has more ink with the name than without it."""
    import datetime as dt

    from credtrack.certificates import pdf

    def page(name: str) -> pdf.CertificatePage:
        return pdf.CertificatePage(
            code="CT-7K3F-9QXM-4",
            holder_name=name,
            credential_title="Foundations",
            issued_on=dt.date(2026, 1, 10),
            expires_on=None,
            qr_text="CT1:ABC",
            key_fingerprint="AB12",
        )

    blank = _ink(pdf.render([page("")], tmp_path / "blank.pdf"))
    for index, name in enumerate(NAMES):
        assert _ink(pdf.render([page(name)], tmp_path / f"{index}.pdf")) > blank + 40, name


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("Layla \ue000 Haddad", "U+E000 (a private-use character)"),
        ("Ανδρέας \u0378", "U+0378 (an unassigned code point)"),
    ],
)
def test_issuing_one_certificate_refuses_a_name_no_shipped_font_can_draw(db, tmp_path, name, named):
    world = build_world(db, names=(name,))
    with pytest.raises(ValidationError) as refused:
        certificates.issue_certificate(
            db.unit_of_work(),
            world.educator,
            world.eligible_id,
            world.credential_id,
            out_dir=tmp_path / "out",
            today=DAY,
        )
    message = str(refused.value)
    assert "not issued" in message and "the holder's name" in message and named in message
    assert "no font shipped with credtrack can draw" in message
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Certificate)) == 0
        assert (
            uow.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "certificate.issue")
            )
            == 0
        )


def test_a_cohort_with_undrawable_names_is_refused_whole_and_lists_them(db, tmp_path):
    names = ("Amal Haddad", "Layla \ue000 Haddad", "Omar \U000f0001 Nasser", "محمد الأحمد")
    world = build_world(db, names=names)
    out = tmp_path / "out"
    with pytest.raises(ValidationError) as refused:
        certificate_cohort.issue_cohort(db, world.educator, "2026-JAN", out, today=DAY, workers=1)
    message = str(refused.value)
    assert "Cohort 2026-JAN was not issued: 2 certificate(s)" in message
    assert "• Layla \ue000 Haddad: the holder's name" in message and "U+E000 (a private-use character)" in message
    assert "U+F0001 (a private-use character)" in message
    assert "Amal Haddad" not in message and "محمد" not in message
    assert not out.exists() or list(out.iterdir()) == []
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Certificate)) == 0
    with db.unit_of_work() as uow:  # corrected, the cohort issues
        for person in uow.session.scalars(select(Person)):
            person.full_name = person.full_name.replace(" \ue000", "").replace(" \U000f0001", "")
        uow.commit()
    issued = certificate_cohort.issue_cohort(db, world.educator, "2026-JAN", out, today=DAY, workers=1).value
    assert len(issued.issued) == 4

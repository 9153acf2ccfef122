"""A name in a four-byte script makes a file name the disk accepts: a whole cohort is issued, one PDF each."""

from __future__ import annotations

from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates.drafts import pdf_file_name
from tests.integration.test_certificate_world import DAY, build_world

# 60 letters of four bytes each (Deseret, which the certificate fonts draw): 240 bytes before the code and
# extension, over the 255 a file name may have.
DESERET = "𐐀𐐨𐑍𐑎𐑏" * 12
NAMES = (DESERET, "Ana Lopez", "Ｆｕｌｌｗｉｄｔｈ" * 8)


def test_a_cohort_with_a_sixty_letter_four_byte_name_is_issued_in_full(db, tmp_path):
    world = build_world(db, names=NAMES)
    out = tmp_path / "out"
    result = certificate_cohort.issue_cohort(db, world.educator, "2026-JAN", out, today=DAY, workers=1)
    issued = result.value.issued
    assert len(issued) == len(NAMES)
    singles = [p for p in out.iterdir() if p.name.startswith("CT-")]
    assert len(singles) == len(NAMES)
    for cert in issued:
        name = pdf_file_name(cert.code, cert.holder_name)
        assert (out / name).is_file()
        assert len(name.encode("utf-8")) <= 200
        assert name.startswith(cert.code + "_") and name.endswith(".pdf")


def test_a_file_name_is_cut_between_characters_and_keeps_the_code():
    name = pdf_file_name("CT-ABCD-EFGH-J", DESERET * 2)
    assert name.startswith("CT-ABCD-EFGH-J_𐐀") and name.endswith(".pdf")
    assert len(name.encode("utf-8")) <= 200
    name.encode("utf-8").decode("utf-8")  # whole characters only
    assert pdf_file_name("CT-X", "Ana López") == "CT-X_Ana_López.pdf"


def test_a_marked_copy_keeps_its_mark_however_long_the_name():
    name = pdf_file_name("CT-ABCD-EFGH-J", DESERET * 2, "_REVOKED-COPY")
    assert name.startswith("CT-ABCD-EFGH-J_𐐀") and name.endswith("_REVOKED-COPY.pdf")
    assert len(name.encode("utf-8")) <= 200

"""A cohort issued on several worker processes.

Every page in order, codes that scan, nothing kept on cancel or error.
"""

from __future__ import annotations

import itertools
import random
import subprocess

import pypdfium2 as pdfium
import pytest
from sqlalchemy import func, select

from credtrack.certificates import batch
from credtrack.certificates.errors import PayloadTooLargeError
from credtrack.certificates.verify import Verdict
from credtrack.models import AuditEvent, Certificate
from credtrack.services.audit.log import verify_chain
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates import revocations
from tests.integration.test_certificate_world import DAY, build_world
from tests.unit.certificates.helpers import read_zbar, read_zxing

# Seven chunks on two workers, shrinking towards the end, so pages come back from both workers.
SCRIPTS = ("Nguyễn Thị", "Ζωή", "Пётр", "Søren Müller", "Zoë O'Brien-Łukasiewicz")
NAMES = tuple(f"{SCRIPTS[i % len(SCRIPTS)]} {i:03}" for i in range(2 * batch.CHUNK + 3))


def _page_texts(path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def _files(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _nothing_kept(db, out) -> None:
    with db.unit_of_work() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(Certificate)) == 0
        assert (
            s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("certificate.issue%")))
            == 0
        )
        assert verify_chain(s).intact
    assert not out.exists() or list(out.iterdir()) == []  # no file, and no staging folder either


def test_workers_file_every_page_in_order_and_each_code_scans(db, tmp_path):
    world = build_world(db, names=NAMES)
    out = tmp_path / "out"
    seen: list[tuple[int, int]] = []
    result = certificate_cohort.issue_cohort(
        db,
        world.educator,
        "2026-JAN",
        out,
        today=DAY,
        workers=2,
        progress=lambda done, total: seen.append((done, total)),
    )
    issued = result.value.issued
    assert sorted(c.holder_name for c in issued) == sorted(NAMES)
    assert seen[-1] == (len(NAMES), len(NAMES)) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert _files(out) == sorted([result.value.combined_pdf, *(c.pdf_path for c in issued)])

    pages = _page_texts(result.value.combined_pdf)
    assert len(pages) == len(issued)
    for page, cert in zip(pages, issued, strict=True):
        assert cert.holder_name in page and cert.code in page
    for cert in issued:
        (single,) = _page_texts(cert.pdf_path)
        assert cert.holder_name in single and cert.code in single

    with db.unit_of_work() as uow:
        s = uow.session
        stored = dict(s.execute(select(Certificate.code, Certificate.qr_payload)).all())
        logged = list(
            s.scalars(
                select(AuditEvent.entity_id).where(AuditEvent.action == "certificate.issue").order_by(AuditEvent.id)
            )
        )
        assert logged == [c.code for c in issued]
        assert verify_chain(s).intact
    # The first and last page of every chunk, as printed in the combined file, scan with both decoders.
    sizes = batch.chunk_sizes(len(NAMES), 2)
    assert sizes[0] < batch.CHUNK and sizes[-1] <= batch.LAST_CHUNK and sum(sizes) == len(NAMES)
    starts = list(itertools.accumulate(sizes, initial=0))[:-1]
    ends = sorted({i for start, size in zip(starts, sizes, strict=True) for i in (start, start + size - 1)})
    document = pdfium.PdfDocument(str(result.value.combined_pdf))
    for index in ends:
        png = tmp_path / f"page{index:03}.png"
        document[index].render(scale=150 / 72).to_pil().save(png)
        expected = [stored[issued[index].code]]
        assert read_zxing(png) == expected and read_zbar(png) == expected
    document.close()
    for cert in (issued[0], issued[sizes[0]], issued[-1]):  # signed in different workers, all genuine
        check = revocations.verify_input(db.unit_of_work(), cert.pdf_path, today=DAY)
        assert check.verdict is Verdict.VALID and check.claims.code == cert.code


def test_single_files_embed_their_fonts(sqlite_db, tmp_path):
    world = build_world(sqlite_db, names=NAMES[:3])
    result = certificate_cohort.issue_cohort(
        sqlite_db, world.educator, "2026-JAN", tmp_path / "out", today=DAY, workers=1
    )
    for path in [result.value.combined_pdf, *(c.pdf_path for c in result.value.issued)]:
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        noto = [line for line in fonts.splitlines() if "+Noto" in line]
        assert len(noto) == 5 and all(" yes yes " in line for line in noto), fonts  # embedded, subset


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_after_the_first_chunk_keeps_nothing(db, tmp_path, workers):
    world = build_world(db, names=NAMES)
    out = tmp_path / "out"
    progressed: list[int] = []
    with pytest.raises(batch.BatchCancelled):
        certificate_cohort.issue_cohort(
            db,
            world.educator,
            "2026-JAN",
            out,
            today=DAY,
            workers=workers,
            progress=lambda done, total: progressed.append(done),
            cancelled=lambda: bool(progressed),
        )
    assert progressed and progressed[0] < len(NAMES)  # cancelled mid-batch, with rows already stored
    _nothing_kept(db, out)
    again = certificate_cohort.issue_cohort(db, world.educator, "2026-JAN", out, today=DAY, workers=workers)
    assert len(again.value.issued) == len(NAMES)


def test_a_certificate_that_cannot_be_signed_stops_the_batch_and_keeps_nothing(db, tmp_path):
    rng = random.Random(5)
    letters = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữự"
    too_long = f"{SCRIPTS[0]} 030 " + "".join(rng.choice(letters) for _ in range(180))
    world = build_world(db, names=(*NAMES, too_long))
    out = tmp_path / "out"
    with pytest.raises(PayloadTooLargeError, match="too long to print as a QR code"):
        certificate_cohort.issue_cohort(db, world.educator, "2026-JAN", out, today=DAY, workers=2)
    _nothing_kept(db, out)


def test_issuing_again_passes_over_everyone_who_holds_it_and_writes_nothing(sqlite_db, tmp_path):
    world = build_world(sqlite_db, names=NAMES[:3])
    out = tmp_path / "out"
    first = certificate_cohort.issue_cohort(sqlite_db, world.educator, "2026-JAN", out, today=DAY, workers=2)
    files = _files(out)
    again = certificate_cohort.issue_cohort(sqlite_db, world.educator, "2026-JAN", out, today=DAY, workers=2).value
    assert again.issued == [] and again.combined_pdf is None
    assert again.skipped_already_held == len(first.value.issued) and again.skipped_not_eligible == 1
    assert _files(out) == files and sorted(out.iterdir()) == files  # no new file, no staging folder left


def test_a_batch_uses_the_worker_server_started_ahead(sqlite_db, tmp_path):
    world = build_world(sqlite_db, names=NAMES[: 2 * batch.LAST_CHUNK + 1])
    batch.start_worker_server()
    batch.start_worker_server()  # a second screen asking again finds it running
    result = certificate_cohort.issue_cohort(
        sqlite_db, world.educator, "2026-JAN", tmp_path / "out", today=DAY, workers=2
    ).value
    assert len(result.issued) == 2 * batch.LAST_CHUNK + 1
    for cert in (result.issued[0], result.issued[-1]):
        check = revocations.verify_input(sqlite_db.unit_of_work(), cert.pdf_path, today=DAY)
        assert check.verdict is Verdict.VALID

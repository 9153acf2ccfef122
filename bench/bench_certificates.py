"""Certificate throughput: credtrack (signing, QR, PDF, fonts, database) against plain reportlab + qrcode.

Run: python bench/bench_certificates.py [N]   (default 1000). Prints certificates per second.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _world(n: int, folder: Path):
    from credtrack.db import Database
    from credtrack.models import Base
    from tests.integration.test_certificate_world import build_world

    db = Database(f"sqlite:///{folder / 'bench.db'}")
    Base.metadata.create_all(db.engine)
    names = tuple(f"Nguyễn Thị Minh {i:04} Ζωή Пётр" for i in range(n))
    return build_world(db, names=names)


def bench_credtrack(n: int, workers: int) -> tuple[float, str]:
    """Certificates per second issuing a cohort of ``n`` (one combined PDF and ``n`` single files).

    Also returns what the QR of the first single file is drawn with.
    """
    from credtrack.services import certificates

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CREDTRACK_HOME"] = str(folder / "home")
        world = _world(n, folder)
        start = time.perf_counter()
        result = certificates.issue_cohort(world.db, world.educator, "2026-JAN", folder / "out",
                                           today=dt.date(2026, 1, 10), workers=workers)
        elapsed = time.perf_counter() - start
        issue = result.value
        assert len(issue.issued) == n and issue.combined_pdf is not None and issue.combined_pdf.exists()
        assert all(c.pdf_path is not None and c.pdf_path.exists() for c in issue.issued)
        path = qr_path_summary(issue.issued[0].pdf_path)
        world.db.dispose()
    return n / elapsed, path


def qr_path_summary(pdf_file: Path | None) -> str:
    """Count, in the page content, the rectangles and fill operators of the QR and the page's path objects."""
    import base64
    import re
    import zlib

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    assert pdf_file is not None
    raw = pdf_file.read_bytes()
    content = b""
    for match in re.finditer(rb"/Filter \[ (/ASCII85Decode )?/FlateDecode \][^>]*>>\s*stream\r?\n", raw):
        data = raw[match.end():raw.index(b"endstream", match.end())].strip()
        if match.group(1):
            data = base64.a85decode(b"<~" + data, adobe=True)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            continue
        if b" re\n" in data or data.endswith(b" re"):
            content = data
    lines = content.split(b"\n")
    rects = sum(1 for line in lines if line.endswith(b" re"))
    first = next((i for i, line in enumerate(lines) if line.endswith(b" 1 re")), 0)
    fills = sum(1 for line in lines[first:] if line.strip() in (b"f", b"f*") or line.endswith(b" f"))
    document = pdfium.PdfDocument(str(pdf_file))
    paths = sum(1 for obj in document[0].get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH)
    document.close()
    return f"{rects} rectangles, {fills} fill operator(s) from the QR on; {paths} path objects on the page"


def bench_plain(n: int) -> float:
    """What a plain script does: qrcode with its defaults (all 8 masks) and reportlab, one file each."""
    import qrcode
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from credtrack.certificates import keys, payload
    from credtrack.paths import resource_path

    pdfmetrics.registerFont(TTFont("PlainSerif", str(resource_path("fonts", "NotoSerif-Regular.ttf"))))
    key = keys.SigningKey.of(keys.generate())
    claims = payload.Claims("CT4K7Q2M", "CT-7K3F-9QXM-4", "Nguyễn Thị Minh Khai", "Interprofessional Foundations",
                            dt.date(2026, 1, 10), dt.date(2028, 1, 10), ("VE1", "RR1", "C2", "TT3"), os.urandom(16))
    text = payload.sign(claims, key)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for i in range(n):
            q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
            q.add_data(text)
            q.make(fit=True)
            matrix = q.get_matrix()
            c = Canvas(str(Path(tmp) / f"{i}.pdf"), pagesize=landscape(A4))
            c.setFont("PlainSerif", 30)
            c.drawCentredString(420, 450, "Certificate of Achievement")
            c.drawCentredString(420, 380, "Nguyễn Thị Minh Khai")
            m = 38 * mm / len(matrix)
            for r, row in enumerate(matrix):
                for col, dark in enumerate(row):
                    if dark:
                        c.rect(700 + col * m, 200 - r * m, m, m, stroke=0, fill=1)
            c.showPage()
            c.save()
        return n / (time.perf_counter() - start)


def bench_verify(n: int) -> float:
    from credtrack.certificates import keys, payload, verify

    key = keys.SigningKey.of(keys.generate())
    trust = verify.Trust(keys=[verify.TrustedKey(key.kid, key.public_key)])
    texts = [payload.sign(payload.Claims("CT4K7Q2M", f"CT-7K3F-9QX{i % 10}-4", "Nguyễn Thị Minh Khai", "Foundations",
                                         dt.date(2026, 1, 10), None, ("VE1",), b"0123456789abcdef"), key)
             for i in range(100)]
    start = time.perf_counter()
    for i in range(n):
        assert verify.verify(texts[i % 100], trust).ok
    return n / (time.perf_counter() - start)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    plain_n = min(n, 300)
    cores = os.cpu_count() or 1
    print(f"{n} certificates into one combined PDF and {n} single files; {cores} cores")
    one, path = bench_credtrack(n, workers=1)
    print(f"credtrack issue-cohort, 1 process:               {one:7.1f} certificates/s")
    if cores > 1:
        many, _ = bench_credtrack(n, workers=cores)
        print(f"credtrack issue-cohort, {cores} processes:             {many:7.1f} certificates/s "
              f"({many / one:.2f}x the single-core figure)")
    plain = bench_plain(plain_n)
    print(f"plain reportlab + qrcode script (defaults):      {plain:7.1f} certificates/s "
          f"(one core, {plain_n} single files)")
    print(f"QR in the page content: {path}")
    print(f"verification of QR text:                         {bench_verify(5000):7.0f} per second")


if __name__ == "__main__":
    main()

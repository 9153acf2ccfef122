"""Untrusted files are verified within bounded pixels and size, and each gets a verdict that says what is true."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

from PIL import Image
from reportlab.pdfgen import canvas

from credtrack.certificates import payload, verify
from credtrack.certificates.verify import Verdict

from .helpers import claims, signing_key, trust_for

TODAY = dt.date(2026, 1, 15)


def _huge_pdf(path, pages=3, points=14_400):
    pdf = canvas.Canvas(str(path), pagesize=(points, points))
    for _ in range(pages):
        pdf.drawString(100, 100, "not a certificate")
        pdf.showPage()
    pdf.save()
    return path


def _peak_memory_kb(statement: str) -> tuple[str, int]:
    """Run ``statement`` (which prints one word) in a new Python and return that word and the new
    program's own peak resident memory. VmHWM starts afresh at exec; ru_maxrss would not: a child
    forked from a pytest worker inherits the worker's peak, which grows with every test it ran."""
    script = textwrap.dedent(f"""
        import pathlib
        from credtrack.certificates import verify
        {statement}
        print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    word, peak_kb = done.stdout.split()
    return word, int(peak_kb)


def test_a_pdf_of_huge_pages_is_read_in_bounded_memory(tmp_path):
    path = _huge_pdf(tmp_path / "huge.pdf")
    assert path.stat().st_size < 10_000
    verdict, peak_kb = _peak_memory_kb(
        f"print(verify.verify_file(pathlib.Path({str(path)!r}), verify.Trust(keys=[])).verdict.value)"
    )
    assert verdict == "unreadable"
    assert peak_kb < 400 * 1024, f"peak {peak_kb // 1024} MB"  # it was 8.1 GB; 130 MB now


def test_an_image_of_too_many_pixels_is_refused_as_too_large_not_blurred(tmp_path):
    path = tmp_path / "big.png"
    Image.new("1", (20_000, 20_000), 1).save(path)
    result = verify.verify_file(path, verify.Trust(keys=[]))
    assert result.verdict is Verdict.UNREADABLE
    assert "more pixels than credtrack reads" in result.message and "sharper" not in result.message
    verdict, peak_kb = _peak_memory_kb(
        f"print(verify.verify_file(pathlib.Path({str(path)!r}), verify.Trust(keys=[])).verdict.value)"
    )
    assert verdict == "unreadable"
    assert peak_kb < 200 * 1024, f"peak {peak_kb // 1024} MB"  # 400 MB of pixels were never decoded


def test_missing_text_and_foreign_files_say_what_they_are(tmp_path):
    trust = verify.Trust(keys=[])
    assert "no file" in verify.verify_file(tmp_path / "gone.pdf", trust).message.lower()
    fake = tmp_path / "notes.pdf"
    fake.write_text("just some text", encoding="utf-8")
    assert "neither a PDF nor an image" in verify.verify_file(fake, trust).message


def test_a_changed_key_id_says_the_key_is_unknown_or_the_code_altered():
    key = signing_key()
    text = payload.sign(claims(), key)
    other = signing_key()
    result = verify.verify(text, trust_for(other), today=TODAY)
    assert result.verdict is Verdict.UNKNOWN_ISSUER
    assert "not among the keys you trust" in result.message and "changed" in result.message


def test_a_fault_inside_the_verifier_is_logged_and_not_reported_as_unreadable(monkeypatch, caplog):
    # A bug must not pass for a finding about the certificate: "unreadable" would tell a
    # verifier the document is bad when it was credtrack that failed.
    def broken(*args, **kwargs):
        raise KeyError("a fault in credtrack")

    monkeypatch.setattr(verify, "verify_text", broken)
    key = signing_key()
    text = payload.sign(claims(), key)
    with caplog.at_level("ERROR", logger=verify.__name__):
        result = verify.verify(text, trust_for(key))
    assert result.verdict is Verdict.INTERNAL_ERROR
    assert "says nothing about the certificate" in result.message
    assert any("a fault in credtrack" in (record.exc_text or "") or record.exc_info for record in caplog.records)

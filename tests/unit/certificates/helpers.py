"""Shared builders for certificate unit tests (no database)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp

from credtrack.certificates import codes, keys, payload
from credtrack.certificates.verify import Trust, TrustedKey

COMPETENCIES = ("VE1", "VE2", "RR1", "RR2", "C1", "C2", "TT1", "TT2")


def signing_key() -> keys.SigningKey:
    return keys.SigningKey.of(keys.generate())


def claims(
    name: str = "Zoë O'Brien-Łukasiewicz",
    title: str = "Interprofessional Team Communication",
    issued: dt.date = dt.date(2025, 3, 1),
    expires: dt.date | None = dt.date(2027, 3, 1),
    code: str | None = None,
) -> payload.Claims:
    return payload.Claims(
        issuer="CT4K7Q2M",
        code=code or codes.new_code(),
        holder_name=name,
        credential_title=title,
        issued_on=issued,
        expires_on=expires,
        competencies=COMPETENCIES,
        openbadge_digest=os.urandom(16),
    )


def trust_for(*signing: keys.SigningKey) -> Trust:
    return Trust(keys=[TrustedKey(k.kid, k.public_key, "Test Hospital") for k in signing])


def rasterise(pdf_path: Path, dpi: int = 150) -> Path:
    """Render page 1 at ``dpi`` to a PNG next to the PDF."""
    document = pdfium.PdfDocument(str(pdf_path))
    image = document[0].render(scale=dpi / 72).to_pil()
    out = pdf_path.with_suffix(f".{dpi}.png")
    image.save(out)
    document.close()
    return out


def read_zxing(png: Path) -> list[str]:
    from PIL import Image

    return [b.text for b in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)]


def read_zbar(png: Path) -> list[str]:
    if shutil.which("zbarimg") is None:
        raise RuntimeError("zbarimg (Debian zbar-tools) is required for this test")
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in done.stdout.splitlines() if line]


def pdf_text(path: Path | str) -> str:
    """The text of every page of a PDF, as PDFium extracts it."""
    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()

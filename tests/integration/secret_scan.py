"""Looking for secrets in files: every readable form of a password, a passphrase or a private key.

A file is read as it is and, inside it, every zip member (XLSX, backups, audit exports), gzip
content, PDF stream and SQLite table (dumped, so text split over overflow pages is whole again).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import sqlite3
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class View:
    """Some bytes of a file: the file itself, or something inside it (``where`` names it)."""

    where: str
    data: bytes


def views(path: Path) -> Iterator[View]:
    yield from _views(str(path), path.read_bytes())


def _views(where: str, data: bytes, depth: int = 0) -> Iterator[View]:
    yield View(where, data)
    if depth > 3:
        return
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(BytesIO(data)) as archive:
            for name in archive.namelist():
                yield from _views(f"{where}!{name}", archive.read(name), depth + 1)
    elif data[:2] == b"\x1f\x8b":
        yield from _views(f"{where}!gunzip", gzip.decompress(data), depth + 1)
    elif data[:5] == b"%PDF-":
        for n, match in enumerate(_PDF_STREAM.finditer(data)):
            inflated = _inflate(match.group(1))
            if inflated is not None:
                yield View(f"{where}!stream{n}", inflated)
    elif data[:16] == SQLITE_MAGIC:
        yield View(f"{where}!dump", _sqlite_dump(data))


def _inflate(stream: bytes) -> bytes | None:
    """A PDF stream's content: Flate, or ASCII85 then Flate; None for anything else (images, say)."""
    if stream.lstrip()[:2] != b"x\x9c" and b"~>" in stream:
        try:
            stream = base64.a85decode(stream[: stream.index(b"~>")].strip().removeprefix(b"<~"))
        except ValueError:
            return None
    try:
        return zlib.decompressobj().decompress(stream.lstrip())
    except zlib.error:
        return None


def _sqlite_dump(data: bytes) -> bytes:
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data[:18] + b"\x01\x01" + data[20:])  # a WAL database, read as a plain file
        return "\n".join(conn.iterdump()).encode("utf-8", "surrogatepass")
    finally:
        conn.close()


def _base64_forms(raw: bytes) -> set[bytes]:
    """The base64 text of ``raw`` wherever it sits in a longer encoded run: one form per alignment,
    keeping only the characters made of ``raw``'s bits alone (standard and URL-safe alphabets)."""
    forms = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)
        core = encoded[-(-8 * shift // 6) : 8 * (shift + len(raw)) // 6]
        forms.add(core)
        forms.add(core.translate(bytes.maketrans(b"+/", b"-_")))
    return forms


def secret_forms(secret: str) -> dict[str, bytes]:
    """How a typed secret could be kept: as typed (any case), hex, base64, UTF-16, or an unsalted digest."""
    raw = secret.encode("utf-8")
    forms = {
        "as typed": raw.lower(),
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
        "utf-16": secret.lower().encode("utf-16-le"),
        "sha256": hashlib.sha256(raw).hexdigest().encode(),
        "sha256 of the lower case": hashlib.sha256(secret.strip().casefold().encode()).hexdigest().encode(),
    }
    for n, form in enumerate(sorted(_base64_forms(raw))):
        forms[f"base64 #{n}"] = form
    return forms


def private_key_forms(key: ec.EllipticCurvePrivateKey) -> dict[str, bytes]:
    """The private scalar as bytes, hex, decimal, base64 and base64url (the JWK "d")."""
    value = key.private_numbers().private_value
    raw = value.to_bytes(32, "big")
    forms = {
        "raw": raw,
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
        "decimal": str(value).encode(),
        "jwk d": base64.urlsafe_b64encode(raw).rstrip(b"="),
    }
    for n, form in enumerate(sorted(_base64_forms(raw))):
        forms[f"base64 #{n}"] = form
    return forms


CASE_BLIND = ("as typed", "utf-16")


def found(view: View, forms: dict[str, bytes]) -> list[str]:
    """Which of ``forms`` occur in ``view``; a secret as typed is looked for in any case."""
    lowered = view.data.lower()
    return [name for name, form in forms.items() if form in (lowered if name in CASE_BLIND else view.data)]

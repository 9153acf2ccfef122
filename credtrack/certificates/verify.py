"""Checking a certificate: from QR text, a typed code, a PDF or a photo, to exactly one verdict.

Checks run in order: format, signature against a trusted key, revocation, then the
validity period. The signature check needs only public keys; the database or an
imported revocation list adds revocations and supersessions. Junk input gives the
verdict "unreadable", never an exception.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import zxingcpp
from cryptography.hazmat.primitives.asymmetric import ec
from PIL import Image, ImageOps, UnidentifiedImageError

from credtrack.certificates import codes, payload
from credtrack.certificates.errors import SigningKeyError
from credtrack.certificates.keys import cose_kid, public_key_from_jwk, thumbprint
from credtrack.certificates.payload import Claims, PayloadFormatError


class Verdict(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    UNKNOWN_ISSUER = "unknown_issuer"
    ALTERED = "altered_or_forged"
    UNREADABLE = "unreadable"
    # Not a finding about the certificate: credtrack itself failed (the fault is in its log).
    INTERNAL_ERROR = "internal_error"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Verdict.VALID: "Valid",
    Verdict.EXPIRED: "Expired",
    Verdict.REVOKED: "Revoked",
    Verdict.SUPERSEDED: "Superseded",
    Verdict.UNKNOWN_ISSUER: "Unknown issuer",
    Verdict.ALTERED: "Altered or forged",
    Verdict.UNREADABLE: "Unreadable",
    Verdict.INTERNAL_ERROR: "Not checked (internal error)",
}


BY_EXCEPTION = "Issued by exception: the issuer granted it although not every requirement was met."


@dataclass(frozen=True)
class TrustedKey:
    kid: str
    public_key: ec.EllipticCurvePublicKey
    issuer_name: str = ""
    status: str = "active"


@dataclass(frozen=True)
class Revocation:
    code: str
    reason: str
    revoked_on: dt.date | None
    source: str = "issuer's database"


@dataclass(frozen=True)
class IssuerList:
    """Revocations and renewals one issuer's signed list names: they count only for certificates signed
    with that issuer's keys, so one trusted institution cannot revoke or supersede another's certificates."""

    kids: frozenset[str]
    revocations: dict[str, Revocation] = field(default_factory=dict)
    superseded: dict[str, str] = field(default_factory=dict)


@dataclass
class Trust:
    """What a verifier trusts: issuer public keys, plus known revocations and renewals."""

    keys: list[TrustedKey]
    # Our own (and lists imported before their issuer was trusted): they count whichever key signed.
    revocations: dict[str, Revocation] = field(default_factory=dict)
    superseded: dict[str, str] = field(default_factory=dict)  # code -> code of the renewal
    issuer_lists: list[IssuerList] = field(default_factory=list)
    # Codes the issuer's database knows were issued by an override, for those signed before the QR said so.
    exceptions: set[str] = field(default_factory=set)
    payload_for_code: Callable[[str], str | None] | None = None

    def __post_init__(self) -> None:
        self._by_short_kid: dict[bytes, list[TrustedKey]] = {}
        for key in self.keys:
            self._by_short_kid.setdefault(cose_kid(key.kid), []).append(key)

    def keys_for(self, short_kid: bytes) -> list[TrustedKey]:
        return self._by_short_kid.get(short_kid, [])

    def revocation(self, code: str, kid: str) -> Revocation | None:
        """How ``code`` was revoked, for a certificate signed with the key ``kid``; None when it was not."""
        found = self.revocations.get(code)
        for listed in self.issuer_lists:
            if found is None and kid in listed.kids:
                found = listed.revocations.get(code)
        return found

    def renewal(self, code: str, kid: str) -> str | None:
        """The code of the renewal that replaced ``code`` ("" when not named); None when it was not replaced."""
        if code in self.superseded:
            return self.superseded[code]
        return next(
            (
                listed.superseded[code]
                for listed in self.issuer_lists
                if kid in listed.kids and code in listed.superseded
            ),
            None,
        )

    @classmethod
    def from_jwks(cls, document: dict, issuer_name: str = "") -> Trust:
        """The keys of a JWKS document. Raises SigningKeyError for anything else (a JSON list, an object
        without a ``keys`` list, an entry that is not a P-256 public key)."""
        found = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(found, list) or not all(isinstance(jwk, dict) for jwk in found):
            raise SigningKeyError(
                'This is not a public key file (JWKS): it needs a JSON object with a "keys" '
                "list, as credtrack writes one (Settings › Export public key)."
            )
        keys = []
        for jwk in found:
            public = public_key_from_jwk(jwk)
            keys.append(TrustedKey(thumbprint(jwk), public, jwk.get("name", issuer_name)))
        return cls(keys=keys)


@dataclass(frozen=True)
class VerificationResult:
    verdict: Verdict
    message: str
    claims: Claims | None = None  # set only when the signature checked out
    kid: str = ""
    issuer_name: str = ""
    revocation: Revocation | None = None
    superseded_by: str | None = None
    by_exception: bool = False  # issued by an administrator's override, not earned by meeting every requirement

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.VALID


class _SignedBy(TypedDict):
    """The fields of a result whose signature checked out, whatever its verdict."""

    claims: Claims
    kid: str
    issuer_name: str
    by_exception: bool


MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_PIXELS = 64_000_000  # above any phone photo (12-50 MP) or a 300 dpi scan of an A3 page (17 MP)
MAX_PDF_PAGE_PIXELS = 16_000_000  # a certificate page at 200 dpi is about 4 MP
_log = logging.getLogger(__name__)


class TooLargeError(Exception):
    """A file with more pixels than a verifier should ever decode; its message says so."""


def verify(source: str | bytes | os.PathLike[str], trust: Trust, *, today: dt.date | None = None) -> VerificationResult:
    """One verdict for QR text, a typed code, or a PDF / PNG / JPEG file (path or bytes)."""
    try:
        if isinstance(source, bytes):
            return verify_bytes(source, trust, today=today)
        if isinstance(source, os.PathLike):
            return verify_file(Path(source), trust, today=today)
        text = source.strip()
        if payload.looks_like_payload(text):
            return verify_text(text, trust, today=today)
        if _looks_like_file(text):
            return verify_file(Path(text), trust, today=today)
        return verify_code(text, trust, today=today)
    except Exception:  # a last guard: a verifier must answer, not crash, and the fault must be seen
        _log.exception("verification failed unexpectedly")
        return VerificationResult(
            Verdict.INTERNAL_ERROR,
            "credtrack could not check this input because of an internal error (written to its log). "
            "This says nothing about the certificate: try the QR text or the certificate code instead, "
            "and report the error to whoever supports credtrack.",
        )


def verify_text(text: str, trust: Trust, *, today: dt.date | None = None) -> VerificationResult:
    today = today or dt.date.today()
    try:
        cose = payload.unwrap(text)
    except PayloadFormatError:
        return VerificationResult(
            Verdict.UNREADABLE, "The code is damaged or incomplete. Scan it again, or type the certificate code."
        )
    try:
        signed = payload.parse(cose)
    except PayloadFormatError:
        return VerificationResult(Verdict.ALTERED, "The code's signed structure has been altered.")
    candidates = trust.keys_for(signed.kid)
    if not candidates:
        return VerificationResult(
            Verdict.UNKNOWN_ISSUER,
            "The code names a signing key that is not among the keys you trust: either its issuer is not a "
            "trusted institution here (or its key was distrusted), or the key id in the code was changed. An "
            "administrator can trust the issuer (its trust bundle or key file: Verify page › Trusted institutions) "
            "after confirming its fingerprint; if it still fails, treat the certificate as not genuine.",
        )
    key = next((k for k in candidates if payload.signature_valid(signed, k.public_key)), None)
    if key is None:
        return VerificationResult(
            Verdict.ALTERED, "The signature does not match: this certificate was altered or forged."
        )
    try:
        claims = payload.decode_claims(signed.payload)
    except PayloadFormatError:
        return VerificationResult(Verdict.ALTERED, "The signed content is not a credtrack certificate.")
    exception = claims.by_exception or claims.code in trust.exceptions
    common: _SignedBy = {"claims": claims, "kid": key.kid, "issuer_name": key.issuer_name, "by_exception": exception}
    basis = f" {BY_EXCEPTION}" if exception else ""
    revocation = trust.revocation(claims.code, key.kid)
    if revocation is not None:
        when = f" on {revocation.revoked_on.isoformat()}" if revocation.revoked_on else ""
        return VerificationResult(
            Verdict.REVOKED, f"Revoked{when}: {revocation.reason}", revocation=revocation, **common
        )
    newer = trust.renewal(claims.code, key.kid)
    if newer is not None:
        return VerificationResult(
            Verdict.SUPERSEDED,
            "This certificate was replaced by a newer one" + (f" ({newer})." if newer else "."),
            superseded_by=newer or None,
            **common,
        )
    if claims.expires_on is not None and today > claims.expires_on:
        return VerificationResult(Verdict.EXPIRED, f"Expired on {claims.expires_on.isoformat()}.{basis}", **common)
    return VerificationResult(Verdict.VALID, f"Genuine, unaltered and in force.{basis}", **common)


def verify_code(text: str, trust: Trust, *, today: dt.date | None = None) -> VerificationResult:
    try:
        code = codes.normalise(text)
    except codes.InvalidCodeError as exc:
        return VerificationResult(Verdict.UNREADABLE, exc.message)
    qr_text = trust.payload_for_code(code) if trust.payload_for_code else None
    if qr_text is None:
        return VerificationResult(
            Verdict.UNREADABLE,
            f"No certificate {code} is known here. Scan the QR code or open the PDF to check it offline.",
        )
    return verify_text(qr_text, trust, today=today)


def verify_file(path: Path, trust: Trust, *, today: dt.date | None = None) -> VerificationResult:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return VerificationResult(
                Verdict.UNREADABLE,
                f"The file is {size // (1024 * 1024)} MB, larger than any certificate PDF or photo "
                f"({MAX_FILE_BYTES // (1024 * 1024)} MB at most). Open the certificate itself, or a photo of it.",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        return VerificationResult(Verdict.UNREADABLE, f"There is no file {path.name} there; check its name.")
    except OSError as exc:
        return VerificationResult(Verdict.UNREADABLE, f"The file could not be opened: {exc.strerror or exc}.")
    return verify_bytes(data, trust, today=today)


def verify_bytes(data: bytes, trust: Trust, *, today: dt.date | None = None) -> VerificationResult:
    """A PDF or image already in memory, read within bounded pages and pixels."""
    try:
        texts = read_qr_texts(data)
    except TooLargeError as exc:
        return VerificationResult(Verdict.UNREADABLE, str(exc))
    if not texts and data[:5] != b"%PDF-" and _image(data) is None:
        return VerificationResult(
            Verdict.UNREADABLE,
            "This file is neither a PDF nor an image that credtrack can read. Open the certificate PDF, "
            "or a PNG or JPEG photo of it.",
        )
    return _verify_scanned(texts, trust, today)


def _verify_scanned(texts: list[str], trust: Trust, today: dt.date | None) -> VerificationResult:
    ours = [t for t in texts if payload.looks_like_payload(t)]
    if not ours:
        return VerificationResult(
            Verdict.UNREADABLE,
            "No credtrack QR code was found. Use a sharper, evenly lit photo or scan, or type the code.",
        )
    results = [verify_text(t, trust, today=today) for t in ours]
    return next((r for r in results if r.verdict is not Verdict.UNREADABLE), results[0])


def _looks_like_file(text: str) -> bool:
    if "\n" in text or len(text) > 4096:
        return False
    try:
        return Path(text).expanduser().is_file()
    except (OSError, ValueError):
        return False


def read_qr_texts(data: bytes) -> list[str]:
    """Every QR text found in a PDF (first pages, rasterised) or an image: a certificate's, or anything else
    credtrack prints with a QR (a blank rating form). Raises TooLargeError for an image too large to read."""

    images = _pdf_images(data) if data[:5] == b"%PDF-" else [_image(data)]
    texts: list[str] = []
    for image in images:
        if image is None:
            continue
        # zxingcpp turns a BarcodeFormat into BarcodeFormats itself; its stubs take only the latter.
        qr_only = zxingcpp.BarcodeFormat.QRCode
        for barcode in zxingcpp.read_barcodes(image, formats=qr_only):  # type: ignore[arg-type]
            if barcode.valid and barcode.text:
                texts.append(barcode.text)
        if texts:
            break
    return texts


def is_readable_file(data: bytes) -> bool:
    """Whether ``data`` is a PDF or an image credtrack can look for a QR code in."""
    return data[:5] == b"%PDF-" or _image(data) is not None


def _image(data: bytes) -> Image.Image | None:
    too_large = TooLargeError(
        f"The image has more pixels than credtrack reads ({MAX_IMAGE_PIXELS // 1_000_000} megapixels at most). "
        "Crop it to the certificate, or take the photo or scan at a lower resolution."
    )
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only: the size is known before any pixel
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise too_large
    try:
        upright = ImageOps.exif_transpose(image)
        return upright.convert("L")
    except (OSError, ValueError, SyntaxError):  # a damaged or truncated image file
        return None


def _pdf_images(data: bytes, max_pages: int = 3) -> list[Image.Image]:
    # pypdfium2 loads in about 40 ms (python -X importtime); only a PDF handed to the verifier needs it.
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception:
        return []
    images = []
    try:
        for index in range(min(len(document), max_pages)):
            page = document[index]
            width, height = page.get_size()  # points
            # 200 dpi for a real certificate page; a huge page is drawn smaller, never past the pixel bound.
            scale = min(200 / 72, (MAX_PDF_PAGE_PIXELS / max(width * height, 1.0)) ** 0.5)
            images.append(page.render(scale=scale, grayscale=True).to_pil())
            page.close()
    finally:
        document.close()
    return images

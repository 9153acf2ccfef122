"""The QR payload: ``CT1:`` + base45(zlib(COSE_Sign1 ES256 over a CBOR claims map)).

The envelope is the one paper health certificates proved at scale. The claims map
uses CWT keys where one exists (iss 1, exp 4, iat 6, cti 7) and one private-use key
for the rest, so a 60-character name and title still fit QR version 13 at level M.
The protected header names the algorithm and the first bytes of the key thumbprint.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from dataclasses import dataclass

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from credtrack.certificates.keys import SigningKey, cose_kid

PREFIX = "CT1:"
MAX_COSE_BYTES = 64 * 1024  # far above any certificate; bounds what a hostile code can make us inflate
COSE_SIGN1_TAG = 18
ALG_ES256 = -7
HDR_ALG, HDR_KID = 1, 4
CLAIM_ISS, CLAIM_EXP, CLAIM_IAT, CLAIM_CTI = 1, 4, 6, 7
CLAIM_CREDTRACK = -70001  # private-use claim holding the certificate details
DETAIL_HOLDER, DETAIL_TITLE, DETAIL_COMPETENCIES, DETAIL_DIGEST, DETAIL_EXCEPTION = 1, 2, 3, 4, 5
_EPOCH = dt.date(1970, 1, 1)


class PayloadFormatError(ValueError):
    """The text is not a readable, complete credtrack QR payload."""


@dataclass(frozen=True)
class Claims:
    """What a certificate's QR states about it."""

    issuer: str
    code: str
    holder_name: str
    credential_title: str
    issued_on: dt.date
    expires_on: dt.date | None
    competencies: tuple[str, ...] = ()
    openbadge_digest: bytes = b""
    by_exception: bool = False  # issued by an administrator's override, not earned


@dataclass(frozen=True)
class SignedPayload:
    """A COSE_Sign1 taken apart, before its signature has been checked."""

    kid: bytes
    protected: bytes
    payload: bytes
    signature: bytes

    def to_be_signed(self) -> bytes:
        return sig_structure(self.protected, self.payload)


def _day_to_epoch(day: dt.date) -> int:
    return (day - _EPOCH).days * 86400


def _epoch_to_day(seconds: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(seconds) // 86400)


def encode_claims(claims: Claims) -> bytes:
    details: dict[int, object] = {DETAIL_HOLDER: claims.holder_name, DETAIL_TITLE: claims.credential_title}
    if claims.competencies:
        details[DETAIL_COMPETENCIES] = list(claims.competencies)
    if claims.openbadge_digest:
        details[DETAIL_DIGEST] = claims.openbadge_digest
    if claims.by_exception:  # present only when true, so earned certificates' payloads are unchanged
        details[DETAIL_EXCEPTION] = True
    body: dict[int, object] = {
        CLAIM_ISS: claims.issuer,
        CLAIM_IAT: _day_to_epoch(claims.issued_on),
        CLAIM_CTI: claims.code.encode("ascii"),
        CLAIM_CREDTRACK: details,
    }
    if claims.expires_on is not None:
        body[CLAIM_EXP] = _day_to_epoch(claims.expires_on)
    return cbor2.dumps(body)


def decode_claims(data: bytes) -> Claims:
    try:
        body = cbor2.loads(data)
        details = body[CLAIM_CREDTRACK]
        expires = body.get(CLAIM_EXP)
        competencies = details.get(DETAIL_COMPETENCIES, [])
        claims = Claims(
            issuer=body[CLAIM_ISS],
            code=bytes(body[CLAIM_CTI]).decode("ascii"),
            holder_name=details[DETAIL_HOLDER],
            credential_title=details[DETAIL_TITLE],
            issued_on=_epoch_to_day(body[CLAIM_IAT]),
            expires_on=None if expires is None else _epoch_to_day(expires),
            competencies=tuple(competencies),
            openbadge_digest=bytes(details.get(DETAIL_DIGEST, b"")),
            by_exception=details.get(DETAIL_EXCEPTION, False) is True,
        )
    except Exception as exc:  # any malformed CBOR or wrong shape: not our claims
        raise PayloadFormatError("the claims are not a credtrack certificate") from exc
    texts = [claims.issuer, claims.code, claims.holder_name, claims.credential_title, *claims.competencies]
    if not all(isinstance(t, str) for t in texts):
        raise PayloadFormatError("the claims are not a credtrack certificate")
    return claims


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign(claims: Claims, key: SigningKey) -> str:
    """The QR text for ``claims`` signed with ``key``."""
    protected = cbor2.dumps({HDR_ALG: ALG_ES256, HDR_KID: cose_kid(key.kid)})
    payload = encode_claims(claims)
    der = key.private_key.sign(sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    return wrap(message)


def wrap(cose: bytes) -> str:
    return PREFIX + base45.b45encode(zlib.compress(cose, 9)).decode("ascii")


# A verifier address carrying the payload in its fragment: the text after '#' is the payload with
# each space written %20 and each '%' written %25 (all QR alphanumeric characters, and a valid URL).
_ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^#\s]*#(?P<fragment>.*)", re.DOTALL)
_FRAGMENT = re.compile(r"(?:[0-9A-Z$*+\-./:]|%20|%25)*")


def in_address(address: str, text: str) -> str:
    """The QR text for a verifier at ``address``: the address, '#', then the payload made URL-safe."""
    return address + "#" + text.replace("%", "%25").replace(" ", "%20")


def from_address(text: str) -> str | None:
    """The payload inside a verifier address as ``in_address`` writes it; None when ``text`` is no address.

    Raises PayloadFormatError for an address whose fragment is not a payload written that way.
    """
    match = _ADDRESS.fullmatch(text)
    if match is None:
        return None
    fragment = match.group("fragment")
    if not fragment.startswith(PREFIX) or _FRAGMENT.fullmatch(fragment) is None:
        raise PayloadFormatError("the address does not carry a credtrack certificate code")
    return re.sub("%20|%25", lambda m: " " if m.group() == "%20" else "%", fragment)


def looks_like_payload(text: str) -> bool:
    """Whether ``text`` is meant as a QR payload (``CT1:`` in any case, or an address with one after '#'),
    so that a damaged one gets a verdict rather than being taken for a file name or a typed code."""
    text = text.strip()
    if text.upper().startswith(PREFIX):
        return True
    match = _ADDRESS.fullmatch(text)
    return match is not None and match.group("fragment").upper().startswith(PREFIX)


def unwrap(text: str) -> bytes:
    """The COSE bytes inside a QR text (or a verifier address holding one). Raises PayloadFormatError
    for damaged or foreign text."""
    if not isinstance(text, str):
        raise PayloadFormatError("not text")
    text = text.strip()
    carried = from_address(text)
    if carried is not None:
        text = carried
    if not text.startswith(PREFIX):
        # Only the form credtrack prints is accepted: a changed prefix is a changed code.
        raise PayloadFormatError("not a credtrack certificate code")
    try:
        compressed = base45.b45decode(text[len(PREFIX) :])
        decompressor = zlib.decompressobj()
        cose = decompressor.decompress(compressed, MAX_COSE_BYTES)
        if not decompressor.eof or decompressor.unconsumed_tail:
            raise PayloadFormatError("the code is incomplete, or holds more than a certificate")
        if decompressor.unused_data:
            raise PayloadFormatError("bytes were added after the code")
    except PayloadFormatError:
        raise
    except Exception as exc:  # base45/zlib reject damaged or truncated text
        raise PayloadFormatError("the code is damaged or incomplete") from exc
    return cose


def parse(cose: bytes) -> SignedPayload:
    """Take a COSE_Sign1 apart. Raises PayloadFormatError unless it has the expected shape."""
    try:
        stream = io.BytesIO(cose)
        message = cbor2.CBORDecoder(stream).decode()
        if stream.tell() != len(cose):
            raise PayloadFormatError("bytes were added after the signed message")
        # credtrack always writes the COSE_Sign1 tag; a message without it is not one it wrote.
        if not isinstance(message, cbor2.CBORTag) or message.tag != COSE_SIGN1_TAG:
            raise PayloadFormatError("not a COSE_Sign1 message")
        protected, unprotected, payload, signature = message.value
        header = cbor2.loads(protected)
        kid = header[HDR_KID]
        alg = header[HDR_ALG]
    except PayloadFormatError:
        raise
    except Exception as exc:
        raise PayloadFormatError("not a COSE_Sign1 message") from exc
    if unprotected != {}:  # credtrack never writes unsigned headers; any content was added later
        raise PayloadFormatError("unsigned header content was added")
    if alg != ALG_ES256:
        raise PayloadFormatError("the signature algorithm is not ES256")
    if not all(isinstance(v, bytes) for v in (protected, payload, signature, kid)) or len(signature) != 64:
        raise PayloadFormatError("not a COSE_Sign1 message")
    return SignedPayload(kid=kid, protected=protected, payload=payload, signature=signature)


def signature_valid(signed: SignedPayload, public_key: ec.EllipticCurvePublicKey) -> bool:
    r = int.from_bytes(signed.signature[:32], "big")
    s = int.from_bytes(signed.signature[32:], "big")
    try:
        public_key.verify(encode_dss_signature(r, s), signed.to_be_signed(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True

"""Recognising and checking an Open Badges 3.0 credential pasted as a VC-JWT (the Export Open Badge output).

A VC-JWT is three base64url parts joined by dots, whose header names ES256 and the signing key. It is
checked against the trusted issuer keys; what it says about the holder is read only once the
signature holds. Status (revoked, superseded) is the caller's to add: the token carries no
certificate code, only the credential id derived from it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass, replace

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from credtrack.certificates.verify import TrustedKey, Verdict

_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class TokenCheck:
    verdict: Verdict
    message: str
    credential_id: str = ""  # the credential's id (jti), set once the signature checked out
    issuer_id: str = ""
    issuer_name: str = ""
    name: str = ""
    holder_name: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    kid: str = ""


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def header_of(text: str) -> dict | None:
    """The JOSE header when ``text`` has the shape of a compact JWT with a JSON header, else None."""
    text = "".join(text.split())
    if not _SHAPE.match(text):
        return None
    try:
        header = json.loads(_b64(text.split(".")[0]))
    except (ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) and "alg" in header else None


def looks_like_token(text: str) -> bool:
    return header_of(text) is not None


def _day(value: object) -> dt.date | None:
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, dt.UTC).date()
    return None


def check(text: str, trusted: list[TrustedKey], *, today: dt.date | None = None) -> TokenCheck:
    """The signature, then the validity period, of a pasted VC-JWT."""
    today = today or dt.date.today()
    text = "".join(text.split())
    header = header_of(text)
    if header is None:
        return TokenCheck(Verdict.UNREADABLE, "This is not a certificate, a certificate code or an Open Badge token.")
    kid = str(header.get("kid", ""))
    if header.get("alg") != "ES256":
        return TokenCheck(
            Verdict.UNREADABLE,
            f"This is a signed token ({header.get('alg')}), but not a credtrack "
            "Open Badge: those are signed with ES256.",
            kid=kid,
        )
    key = next((k for k in trusted if k.kid == kid), None)
    if key is None:
        return TokenCheck(
            Verdict.UNKNOWN_ISSUER,
            "This Open Badge token was signed by a key this database does not "
            "know. Get the issuer's public key file (JWKS) and verify with "
            "--jwks FILE.",
            kid=kid,
        )
    try:
        token = jwt.decode(text, ECKey.import_key(key.public_key), algorithms=["ES256"])
    except (JoseError, ValueError):
        return TokenCheck(
            Verdict.ALTERED,
            "This Open Badge token's signature does not match: it was altered or forged.",
            kid=kid,
            issuer_name=key.issuer_name,
        )
    claims = token.claims
    types = claims.get("type") or []
    if "OpenBadgeCredential" not in types:
        return TokenCheck(
            Verdict.UNREADABLE,
            "This token is signed by a known key but is not an Open Badge credential.",
            kid=kid,
            issuer_name=key.issuer_name,
        )
    subject = claims.get("credentialSubject") or {}
    names = [i.get("identityHash", "") for i in subject.get("identifier", []) if i.get("identityType") == "name"]
    issuer = claims.get("issuer") or {}
    result = TokenCheck(
        Verdict.VALID,
        "The Open Badge credential is genuine and unaltered.",
        credential_id=str(claims.get("jti") or claims.get("id") or ""),
        issuer_id=str(claims.get("iss") or issuer.get("id") or ""),
        issuer_name=key.issuer_name or str(issuer.get("name", "")),
        name=str(claims.get("name", "")),
        holder_name=names[0] if names else "",
        valid_from=_day(claims.get("nbf")),
        valid_until=_day(claims.get("exp")),
        kid=kid,
    )
    if result.valid_until is not None and result.valid_until < today:
        return replace(
            result, verdict=Verdict.EXPIRED, message=f"Genuine, but it expired on {result.valid_until.isoformat()}."
        )
    return result

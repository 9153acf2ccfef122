"""A signed list of revoked certificate codes "as of" a moment, for workstations without the database.

The file is a compact JWS (ES256) whose header names the signing key and whose
payload lists each revoked code with its reason and date, and each code replaced by a
renewal with the code that replaced it (lists written before renewals were listed have none).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from credtrack.certificates.errors import RevocationListError
from credtrack.certificates.keys import SigningKey, b64url_decode
from credtrack.certificates.verify import Revocation, TrustedKey

MEDIA_TYPE = "credtrack-revocations+jws"
FORMAT = "credtrack-revocation-list/1"


@dataclass(frozen=True)
class RevocationList:
    issuer: str
    issuer_name: str
    as_of: dt.datetime
    revoked: tuple[Revocation, ...]
    kid: str = ""
    superseded: tuple[tuple[str, str], ...] = ()  # (replaced code, code of its renewal)


def export(
    revocations: list[Revocation],
    *,
    issuer: str,
    issuer_name: str,
    as_of: dt.datetime,
    key: SigningKey,
    superseded: dict[str, str] | None = None,
) -> str:
    body = {
        "format": FORMAT,
        "iss": issuer,
        "issuer_name": issuer_name,
        "as_of": as_of.replace(microsecond=0).isoformat(),
        "revoked": [
            {"code": r.code, "reason": r.reason, "revoked_on": r.revoked_on.isoformat() if r.revoked_on else None}
            for r in sorted(revocations, key=lambda r: r.code)
        ],
        "superseded": [{"code": old, "by": new} for old, new in sorted((superseded or {}).items())],
    }
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    header = {"alg": "ES256", "kid": key.kid, "typ": MEDIA_TYPE}
    return jws.serialize_compact(header, payload, ECKey.import_key(key.private_key), algorithms=["ES256"])


def signer_kid(text: str) -> str | None:
    """The key id named in the list's signature header, or None when the text is not a signed list."""
    try:
        kid = json.loads(b64url_decode(text.strip().split(".")[0])).get("kid")
    except Exception:
        return None
    return kid if isinstance(kid, str) else None


def load(text: str, trusted: list[TrustedKey]) -> RevocationList:
    """Check the list's signature against ``trusted`` keys and read it.

    Raises RevocationListError when the file is not a revocation list, is signed by
    a key not trusted here, or has been altered.
    """
    text = text.strip()
    try:
        header_segment = text.split(".")[0]
        header = json.loads(b64url_decode(header_segment))
        kid = header.get("kid")
    except Exception as exc:
        raise RevocationListError("This file is not a credtrack revocation list.") from exc
    key = next((k for k in trusted if k.kid == kid), None)
    if key is None:
        raise RevocationListError(
            "This revocation list was signed by a key that is not trusted here. Import the issuer's public keys first."
        )
    try:
        obj = jws.deserialize_compact(text, ECKey.import_key(key.public_key), algorithms=["ES256"])
    except JoseError as exc:
        raise RevocationListError("The revocation list's signature does not match: it was altered.") from exc
    except Exception as exc:
        raise RevocationListError("This file is not a credtrack revocation list.") from exc
    try:
        body = json.loads(obj.payload)
        if body.get("format") != FORMAT:
            raise ValueError(body.get("format"))
        as_of = dt.datetime.fromisoformat(body["as_of"])
        source = f"revocation list as of {as_of.date().isoformat()}"
        revoked = tuple(
            Revocation(
                code=item["code"],
                reason=item.get("reason") or "",
                revoked_on=dt.date.fromisoformat(item["revoked_on"]) if item.get("revoked_on") else None,
                source=source,
            )
            for item in body["revoked"]
        )
        superseded = tuple((str(item["code"]), str(item.get("by") or "")) for item in body.get("superseded", []))
    except Exception as exc:
        raise RevocationListError("The revocation list is signed but its contents cannot be read.") from exc
    return RevocationList(body.get("iss", ""), body.get("issuer_name", ""), as_of, revoked, kid, superseded)

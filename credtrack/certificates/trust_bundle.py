"""An institution's trust bundle: its public keys (JWKS) and latest signed revocation list, in one signed file.

The file is a compact JWS (ES256) signed by the institution's active key, which is one of the
keys inside it. The signature proves the file is whole and came from the holder of that key;
whether that key is really the institution's is what the receiving administrator confirms by
comparing fingerprints with the sender, by phone or letter, before trusting it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from credtrack.certificates.errors import SigningKeyError, TrustBundleError
from credtrack.certificates.keys import SigningKey, b64url_decode, public_key_from_jwk, thumbprint

FORMAT = "credtrack-trust-bundle/1"
MEDIA_TYPE = "credtrack-trust-bundle+jws"


@dataclass(frozen=True)
class Bundle:
    issuer: str
    issuer_name: str
    jwks: dict
    revocation_list: str
    as_of: dt.datetime
    kid: str  # the key that signed the bundle


def export(
    *, issuer: str, issuer_name: str, jwks: dict, revocation_list: str, as_of: dt.datetime, key: SigningKey
) -> str:
    body = {
        "format": FORMAT,
        "iss": issuer,
        "issuer_name": issuer_name,
        "as_of": as_of.replace(microsecond=0).isoformat(),
        "jwks": jwks,
        "revocation_list": revocation_list,
    }
    data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    header = {"alg": "ES256", "kid": key.kid, "typ": MEDIA_TYPE}
    return jws.serialize_compact(header, data, ECKey.import_key(key.private_key), algorithms=["ES256"])


def load(text: str) -> Bundle:
    """Check the bundle's signature against the key it names among its own keys, and read it."""
    not_one = TrustBundleError(
        "This file is not a credtrack trust bundle. Ask the institution for the file "
        "made by 'Export our trust bundle' (credtrack-cli trust export-bundle)."
    )
    try:
        header_segment, payload_segment, _ = text.strip().split(".")
        kid = json.loads(b64url_decode(header_segment)).get("kid")
        unverified = json.loads(b64url_decode(payload_segment))
        jwk = next(k for k in unverified["jwks"]["keys"] if thumbprint(k) == kid)
        public = public_key_from_jwk(jwk)
    except (ValueError, KeyError, TypeError, AttributeError, StopIteration, SigningKeyError) as exc:
        raise not_one from exc
    try:
        obj = jws.deserialize_compact(text.strip(), ECKey.import_key(public), algorithms=["ES256"])
    except (JoseError, ValueError) as exc:
        raise TrustBundleError("The trust bundle's signature does not match: the file was altered.") from exc
    try:
        body = json.loads(obj.payload)
        if body.get("format") != FORMAT:
            raise ValueError(body.get("format"))
        bundle = Bundle(
            body.get("iss", ""),
            body["issuer_name"],
            body["jwks"],
            body.get("revocation_list") or "",
            dt.datetime.fromisoformat(body["as_of"]),
            kid,
        )
        # Signed by its own key, so it proves nothing about its shape: every member is checked.
        if not (
            isinstance(bundle.issuer, str)
            and isinstance(bundle.issuer_name, str)
            and isinstance(bundle.jwks, dict)
            and isinstance(bundle.revocation_list, str)
        ):
            raise TypeError("a member of the wrong type")
        return bundle
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise not_one from exc

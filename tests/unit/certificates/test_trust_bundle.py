"""Trust bundles: read back only when whole and well formed; anything else is one clear refusal."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from joserfc import jws
from joserfc.jwk import ECKey

from credtrack.certificates import keys, trust_bundle
from credtrack.certificates.errors import TrustBundleError

AS_OF = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _key() -> keys.SigningKey:
    return keys.SigningKey.of(keys.generate())


def _signed(body: dict, key: keys.SigningKey) -> str:
    header = {"alg": "ES256", "kid": key.kid, "typ": trust_bundle.MEDIA_TYPE}
    return jws.serialize_compact(
        header, json.dumps(body).encode(), ECKey.import_key(key.private_key), algorithms=["ES256"]
    )


def test_a_bundle_reads_back_as_exported():
    key = _key()
    jwks = keys.jwks([keys.public_jwk(key.public_key)])
    text = trust_bundle.export(
        issuer="CTPARTNR",
        issuer_name="Hillcrest School of Nursing",
        jwks=jwks,
        revocation_list="",
        as_of=AS_OF,
        key=key,
    )
    bundle = trust_bundle.load(text)
    assert (bundle.issuer_name, bundle.jwks, bundle.kid) == ("Hillcrest School of Nursing", jwks, key.kid)


@pytest.mark.parametrize(
    "change",
    [
        {"issuer_name": 42},
        {"issuer_name": None},
        {"jwks": "keys"},
        {"revocation_list": ["x"]},
        {"as_of": "yesterday"},
        {"format": "credtrack-trust-bundle/9"},
    ],
)
def test_a_signed_bundle_of_the_wrong_shape_is_refused_plainly(change):
    key = _key()
    body = {
        "format": trust_bundle.FORMAT,
        "iss": "CTPARTNR",
        "issuer_name": "Hillcrest",
        "as_of": AS_OF.isoformat(),
        "jwks": keys.jwks([keys.public_jwk(key.public_key)]),
        "revocation_list": "",
    } | change
    with pytest.raises(TrustBundleError, match="not a credtrack trust bundle"):
        trust_bundle.load(_signed(body, key))


@pytest.mark.parametrize("text", ["", "hello", "a.b.c", "e30.e30.e30", '{"keys": []}'])
def test_text_that_is_no_bundle_is_refused_plainly(text):
    with pytest.raises(TrustBundleError, match="not a credtrack trust bundle"):
        trust_bundle.load(text)


def test_a_bundle_signed_by_a_key_it_does_not_hold_is_refused():
    key, other = _key(), _key()
    body = {
        "format": trust_bundle.FORMAT,
        "iss": "X",
        "issuer_name": "X",
        "as_of": AS_OF.isoformat(),
        "jwks": keys.jwks([keys.public_jwk(key.public_key)]),
        "revocation_list": "",
    }
    with pytest.raises(TrustBundleError):
        trust_bundle.load(_signed(body, other))

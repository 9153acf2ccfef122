import json
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from credtrack.certificates import keys
from credtrack.certificates.errors import SigningKeyError


def test_thumbprint_matches_rfc7638_example_shape():
    key = keys.generate()
    jwk = keys.public_jwk(key)
    assert set(jwk) == {"kty", "crv", "x", "y"}
    kid = keys.thumbprint(jwk)
    assert len(keys.b64url_decode(kid)) == 32
    # Member order must not matter.
    assert keys.thumbprint(dict(reversed(list(jwk.items())))) == kid
    assert keys.public_key_from_jwk(jwk).public_numbers() == key.public_key().public_numbers()


def test_private_key_file_is_owner_only_and_round_trips(data_home):
    key = keys.generate()
    path = keys.save_private_key(key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = keys.load_private_key(keys.kid_of(key))
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    assert keys.kid_of(loaded) == keys.kid_of(key)
    assert not keys.is_encrypted(keys.kid_of(key))


def test_passphrase_protected_key(data_home, monkeypatch):
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    key = keys.generate()
    kid = keys.kid_of(key)
    keys.save_private_key(key, passphrase="correct horse battery")
    assert keys.is_encrypted(kid)
    assert b"PRIVATE KEY" in keys.private_key_path(kid).read_bytes()
    with pytest.raises(SigningKeyError, match="passphrase"):
        keys.load_private_key(kid)
    with pytest.raises(SigningKeyError, match="wrong"):
        keys.load_private_key(kid, passphrase="nope")
    assert keys.kid_of(keys.load_private_key(kid, passphrase="correct horse battery")) == kid
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "correct horse battery")
    assert keys.kid_of(keys.load_private_key(kid)) == kid


def test_missing_key_file_says_what_to_do(data_home):
    with pytest.raises(SigningKeyError) as refused:
        keys.load_private_key("doesnotexist")
    message = str(refused.value)
    assert "does not hold the signing key" in message and "keys install" in message
    assert "Do not rotate" in message


def test_jwks_and_fingerprint():
    key = keys.generate()
    doc = keys.jwks([keys.public_jwk(key)])
    assert json.loads(json.dumps(doc))["keys"][0]["kid"] == keys.kid_of(key)
    assert doc["keys"][0]["alg"] == "ES256"
    fp = keys.fingerprint(keys.kid_of(key))
    assert len(fp.split()) == 5 and all(len(g) == 4 for g in fp.split())


@pytest.mark.parametrize(
    "document", [[{"kty": "EC"}], {"keys": {"kty": "EC"}}, {"keys": ["EC"]}, {"no": "keys"}, "keys"]
)
def test_a_key_file_that_is_not_a_jwks_is_refused_with_a_message(document):
    from credtrack.certificates.errors import SigningKeyError
    from credtrack.certificates.verify import Trust

    with pytest.raises(SigningKeyError, match='needs a JSON object with a "keys" list'):
        Trust.from_jwks(document)

import base64
import datetime as dt
import json
import os
import random
import zlib

import base45
import cwt
import pytest
from cwt import COSEKey

from credtrack.certificates import keys, payload, verify
from credtrack.certificates.verify import Revocation, Verdict

from .helpers import claims, signing_key, trust_for

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def key():
    return signing_key()


def test_round_trip_valid(key):
    c = claims()
    result = verify.verify(payload.sign(c, key), trust_for(key), today=TODAY)
    assert result.verdict is Verdict.VALID, result.message
    assert result.claims == c
    assert result.issuer_name == "Test Hospital"


def test_second_library_verifies_with_only_the_exported_jwks(key):
    """cwt (not used by credtrack) checks the COSE_Sign1 signature from the JWKS alone."""
    today = dt.date.today()
    text = payload.sign(claims(issued=today, expires=today + dt.timedelta(days=365)), key)
    exported = json.loads(json.dumps(keys.jwks([keys.public_jwk(key.private_key)])))
    jwk = exported["keys"][0]
    raw = base64.urlsafe_b64decode
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    cose_key = COSEKey.new(
        {
            1: 2,
            3: -7,
            -1: 1,
            2: raw(pad(jwk["kid"]))[:8],  # the QR names a key by the first 8 bytes of its thumbprint
            -2: raw(pad(jwk["x"])),
            -3: raw(pad(jwk["y"])),
        }
    )
    cose = zlib.decompress(base45.b45decode(text[len("CT1:") :]))
    decoded = cwt.decode(cose, keys=[cose_key])
    assert decoded[-70001][1] == "Zoë O'Brien-Łukasiewicz"
    tampered = bytearray(cose)
    tampered[-10] ^= 0x01
    with pytest.raises(cwt.exceptions.VerifyError):
        cwt.decode(bytes(tampered), keys=[cose_key])


def test_every_single_byte_change_is_refused(key):
    """Flip every byte of the COSE message, repackaged so transport checks pass: never valid."""
    trust = trust_for(key)
    cose = payload.unwrap(payload.sign(claims(), key))
    kid_at = cose.find(keys.cose_kid(key.kid))
    seen = set()
    for i in range(len(cose)):
        for delta in (0x01, 0x80):
            changed = bytearray(cose)
            changed[i] ^= delta
            result = verify.verify(payload.wrap(bytes(changed)), trust, today=TODAY)
            seen.add(result.verdict)
            if kid_at <= i < kid_at + keys.COSE_KID_BYTES:
                # The changed key id names no key we trust: that is all a verifier can honestly say.
                assert result.verdict in (Verdict.UNKNOWN_ISSUER, Verdict.ALTERED), (i, result)
            else:
                assert result.verdict is Verdict.ALTERED, (i, delta, result)
    assert Verdict.VALID not in seen


def test_every_single_character_change_of_the_qr_text_is_refused(key):
    """Any change that alters the signed message is refused. The one kind of change that is not is a
    flip of the unused padding bits in the last compressed byte: the message read back is then
    byte-for-byte the one that was signed, so it is rightly still genuine."""
    trust = trust_for(key)
    text = payload.sign(claims(), key)
    signed = payload.unwrap(text)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    rng = random.Random(4)
    for i in range(len("CT1:"), len(text)):
        ch = rng.choice([a for a in alphabet if a != text[i]])
        changed = text[:i] + ch + text[i + 1 :]
        result = verify.verify(changed, trust, today=TODAY)
        if result.verdict is Verdict.VALID:
            assert payload.unwrap(changed) == signed, (i, "a changed message verified")
            continue
        assert result.verdict in (Verdict.UNREADABLE, Verdict.ALTERED, Verdict.UNKNOWN_ISSUER), (i, result)


def test_foreign_key_is_unknown_issuer(key):
    stranger = signing_key()
    result = verify.verify(payload.sign(claims(), stranger), trust_for(key), today=TODAY)
    assert result.verdict is Verdict.UNKNOWN_ISSUER
    assert result.claims is None


def test_forgery_reusing_our_key_id_is_altered(key):
    """Someone signs with their own key but writes our key id in the header."""
    stranger = signing_key()
    forged = keys.SigningKey(key.kid, stranger.private_key)
    result = verify.verify(payload.sign(claims(), forged), trust_for(key), today=TODAY)
    assert result.verdict is Verdict.ALTERED


def test_revoked_superseded_expired(key):
    c = claims()
    text = payload.sign(c, key)
    trust = trust_for(key)
    trust.revocations[c.code] = Revocation(c.code, "Issued in error", dt.date(2026, 1, 2))
    result = verify.verify(text, trust, today=TODAY)
    assert result.verdict is Verdict.REVOKED
    assert result.revocation.reason == "Issued in error" and "2026-01-02" in result.message

    trust = trust_for(key)
    trust.superseded[c.code] = "CT-0000-0000-0"
    result = verify.verify(text, trust, today=TODAY)
    assert result.verdict is Verdict.SUPERSEDED and result.superseded_by == "CT-0000-0000-0"

    result = verify.verify(text, trust_for(key), today=dt.date(2027, 3, 2))
    assert result.verdict is Verdict.EXPIRED
    assert verify.verify(text, trust_for(key), today=dt.date(2027, 3, 1)).verdict is Verdict.VALID


def test_no_expiry_stays_valid(key):
    text = payload.sign(claims(expires=None), key)
    assert verify.verify(text, trust_for(key), today=dt.date(2090, 1, 1)).verdict is Verdict.VALID


@pytest.mark.parametrize("seed", range(30))
def test_random_and_truncated_input_is_unreadable_never_an_exception(key, seed):
    rng = random.Random(seed)
    trust = trust_for(key)
    text = payload.sign(claims(), key)
    cut = text[: rng.randrange(0, len(text) - 1)]
    assert verify.verify(cut, trust).verdict is Verdict.UNREADABLE
    junk = "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 300)))
    assert verify.verify(junk, trust).verdict is Verdict.UNREADABLE
    assert verify.verify("CT1:" + junk, trust).verdict is Verdict.UNREADABLE
    assert verify.verify(os.urandom(rng.randrange(0, 2000)), trust).verdict is Verdict.UNREADABLE
    assert verify.verify(b"%PDF-" + os.urandom(200), trust).verdict is Verdict.UNREADABLE


def test_typed_code_uses_the_lookup(key):
    c = claims()
    text = payload.sign(c, key)
    trust = trust_for(key)
    trust.payload_for_code = {c.code: text}.get
    assert verify.verify(c.code.lower().replace("-", ""), trust, today=TODAY).verdict is Verdict.VALID
    typo = c.code[:-1] + ("0" if c.code[-1] != "0" else "1")
    result = verify.verify(typo, trust, today=TODAY)
    assert result.verdict is Verdict.UNREADABLE and "typo" in result.message


def test_sixty_character_name_and_title_fit_version_13(key):
    from credtrack.certificates import qr

    for name in (
        "W" * 60,
        ("Nguyễn Thị Minh Khai Phạm " * 3)[:60],
        ("Αλεξανδροπούλου Ζωή " * 4)[:60],
        ("Чайковский Пётр Ильич " * 3)[:60],
    ):
        matrix = qr.encode(payload.sign(claims(name=name, title="Т" * 60), key))
        assert matrix.version <= 13

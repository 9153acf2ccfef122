"""A QR text verifies only in the one form credtrack prints: no variant of a genuine code is accepted."""

from __future__ import annotations

import datetime as dt
import zlib

import base45
import cbor2
import pytest

from credtrack.certificates import payload, verify
from credtrack.certificates.verify import Verdict

from .helpers import claims, signing_key, trust_for

TODAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def genuine():
    key = signing_key()
    return payload.sign(claims(), key), trust_for(key)


def _cose(text: str) -> bytes:
    return zlib.decompress(base45.b45decode(text[len(payload.PREFIX) :]))


def _variants(text: str) -> dict[str, str]:
    cose = _cose(text)
    untagged = cbor2.dumps(cbor2.loads(cose).value)
    compressed = zlib.compress(cose, 9)
    return {
        "CBOR tag removed": payload.wrap(untagged),
        "bytes after the signed structure": payload.wrap(cose + b"\x00"),
        "bytes after the compressed stream": payload.PREFIX + base45.b45encode(compressed + b"XY").decode(),
        "lowercase prefix": "ct1:" + text[len(payload.PREFIX) :],
        "mixed-case prefix": "Ct1:" + text[len(payload.PREFIX) :],
    }


def test_the_genuine_form_is_valid(genuine):
    text, trust = genuine
    assert verify.verify(text, trust, today=TODAY).verdict is Verdict.VALID


@pytest.mark.parametrize("variant", sorted(_variants(payload.sign(claims(), signing_key()))))
def test_every_other_form_of_a_genuine_code_is_refused(genuine, variant):
    text, trust = genuine
    altered = _variants(text)[variant]
    result = verify.verify(altered, trust, today=TODAY)
    assert result.verdict is not Verdict.VALID, variant
    assert result.claims is None


def test_a_code_that_inflates_past_any_certificate_is_refused_without_inflating_it():
    bomb = payload.PREFIX + base45.b45encode(zlib.compress(b"\x00" * (50 * 1024 * 1024), 9)).decode()
    with pytest.raises(payload.PayloadFormatError):
        payload.unwrap(bomb)

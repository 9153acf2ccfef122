"""The signed QR says when a certificate was issued by exception, and an earned one's payload is as before."""

from __future__ import annotations

import dataclasses

import cbor2

from credtrack.certificates import payload, verify
from tests.unit.certificates.helpers import claims, signing_key, trust_for


def _details(text: str) -> dict:
    signed = payload.parse(payload.unwrap(text))
    return cbor2.loads(signed.payload)[payload.CLAIM_CREDTRACK]


def test_issued_by_exception_is_signed_into_the_qr_and_read_back():
    key = signing_key()
    earned = claims()
    by_exception = dataclasses.replace(earned, by_exception=True)
    assert payload.DETAIL_EXCEPTION not in _details(payload.sign(earned, key))
    assert _details(payload.sign(by_exception, key))[payload.DETAIL_EXCEPTION] is True
    result = verify.verify_text(payload.sign(by_exception, key), trust_for(key), today=earned.issued_on)
    assert result.verdict is verify.Verdict.VALID and result.by_exception and result.claims.by_exception
    assert result.message == f"Genuine, unaltered and in force. {verify.BY_EXCEPTION}"
    plain = verify.verify_text(payload.sign(earned, key), trust_for(key), today=earned.issued_on)
    assert not plain.by_exception and plain.message == "Genuine, unaltered and in force."


def test_an_expired_exception_still_says_so():
    key = signing_key()
    signed = payload.sign(dataclasses.replace(claims(), by_exception=True), key)
    result = verify.verify_text(signed, trust_for(key), today=claims().expires_on.replace(year=2030))
    assert result.verdict is verify.Verdict.EXPIRED and "Issued by exception" in result.message

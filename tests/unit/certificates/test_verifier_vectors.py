"""The conformance vectors: the Python verifier gives each QR text its expected verdict."""

from __future__ import annotations

import json

import pytest

from credtrack.certificates import verify

from .vectors import VECTORS_FILE, build_vectors, trust_of

SHIPPED = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("vector", SHIPPED["vectors"], ids=lambda v: v["name"])
def test_python_verifier_gives_each_shipped_vector_its_verdict(vector):
    result = verify.verify(vector["text"], trust_of(SHIPPED))
    assert result.verdict.value == vector["verdict"], result.message
    assert (result.claims is not None) == (vector["verdict"] in ("valid", "expired", "revoked", "superseded"))


def test_freshly_made_vectors_cover_every_verdict_and_pass():
    fresh = build_vectors()
    trust = trust_of(fresh)
    assert {v["name"] for v in fresh["vectors"]} == {v["name"] for v in SHIPPED["vectors"]}
    assert {v["verdict"] for v in fresh["vectors"]} == {
        "valid",
        "expired",
        "revoked",
        "superseded",
        "unknown_issuer",
        "altered_or_forged",
        "unreadable",
    }
    for vector in fresh["vectors"]:
        assert verify.verify(vector["text"], trust).verdict.value == vector["verdict"], vector["name"]

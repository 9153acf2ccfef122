"""Helpers, not tests: conformance vectors for every credtrack verifier (Python and the offline page).

``build_vectors()`` makes an issuer with an active and a retired key, a signed revocation list
(one revoked, one superseded code), a trusted partner institution with its own list (which also
names one of the first issuer's codes, to no effect) and QR texts with the verdict each must get. The file
``verifier_vectors.json`` beside this module is one such set; regenerate it with
``python -m tests.unit.certificates.vectors``. Dates are far from today (valid until 2099,
expired in 2001), so the file stays right for decades.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import replace
from pathlib import Path

import base45
import cbor2

from credtrack.certificates import codes, keys, payload, revocation_list, verifier_page
from credtrack.certificates.verify import IssuerList, Revocation, Trust, TrustedKey

VECTORS_FILE = Path(__file__).with_name("verifier_vectors.json")
ISSUER = "Riverside Conformance Hospital"
PARTNER = "Hillcrest Conformance School"
ADDRESS = "https://www.riverbend.example/verify"
GENERATED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _claims(**changes) -> payload.Claims:
    base = payload.Claims(
        issuer="CTCONFRM",
        code=codes.new_code(),
        holder_name="Zoë O'Brien-Łukasiewicz",
        credential_title="Interprofessional Team Communication",
        issued_on=dt.date(2025, 3, 1),
        expires_on=dt.date(2099, 12, 31),
        competencies=("VE1", "RR1", "C2", "TT3"),
        openbadge_digest=bytes(range(16)),
    )
    return replace(base, **changes)


def _cose(text: str) -> bytes:
    return zlib.decompress(base45.b45decode(text[len(payload.PREFIX) :]))


def _message(text: str) -> list:
    return cbor2.loads(_cose(text)).value


def _rewrap(parts: list, *, tag: bool = True) -> str:
    return payload.wrap(cbor2.dumps(cbor2.CBORTag(payload.COSE_SIGN1_TAG, parts) if tag else parts))


def _tamper_claims(text: str, **changes) -> str:
    """The same signature over changed claims: what a forger who edits one field produces."""
    protected, unprotected, body, signature = _message(text)
    claims = payload.decode_claims(body)
    return _rewrap([protected, unprotected, payload.encode_claims(replace(claims, **changes)), signature])


def _with_protected(text: str, header: dict) -> str:
    _, unprotected, body, signature = _message(text)
    return _rewrap([cbor2.dumps(header), unprotected, body, signature])


def build_vectors() -> dict:
    active, retired, foreign, partner = (keys.SigningKey.of(keys.generate()) for _ in range(4))
    revoked_code, superseded_code, renewal_code = codes.new_code(), codes.new_code(), codes.new_code()
    ours_named_by_partner, partner_revoked, partner_superseded = codes.new_code(), codes.new_code(), codes.new_code()
    revocations = [Revocation(revoked_code, "Issued in error", dt.date(2026, 2, 1))]
    listed = revocation_list.export(
        revocations,
        issuer="CTCONFRM",
        issuer_name=ISSUER,
        as_of=GENERATED,
        key=active,
        superseded={superseded_code: renewal_code},
    )
    # A trusted partner whose own list also names one of our codes: that entry must not touch our certificate.
    partner_listed = revocation_list.export(
        [
            Revocation(partner_revoked, "Withdrawn", dt.date(2026, 5, 1)),
            Revocation(ours_named_by_partner, "Not ours to revoke", dt.date(2026, 5, 1)),
        ],
        issuer="CTPARTNR",
        issuer_name=PARTNER,
        as_of=GENERATED,
        key=partner,
        superseded={partner_superseded: "", ours_named_by_partner: ""},
    )
    page_keys = (
        verifier_page.PageKey(retired.kid, keys.public_jwk(retired.public_key), "retired"),
        verifier_page.PageKey(active.kid, keys.public_jwk(active.public_key), "active"),
    )
    partner_keys = (verifier_page.PageKey(partner.kid, keys.public_jwk(partner.public_key), "active"),)
    trust = verifier_page.trust_data(
        [
            verifier_page.PageIssuer(ISSUER, page_keys, listed),
            verifier_page.PageIssuer(PARTNER, partner_keys, partner_listed),
        ],
        institution=ISSUER,
        generated_at=GENERATED,
    )

    good = payload.sign(_claims(), active)
    vectors: list[tuple[str, str, str]] = [
        ("valid", good, "valid"),
        ("valid, with spaces and a newline around it", "  " + good + "\n", "valid"),
        ("valid, no expiry date", payload.sign(_claims(expires_on=None), active), "valid"),
        ("valid, no competencies listed", payload.sign(_claims(competencies=()), active), "valid"),
        ("signed with the retired key", payload.sign(_claims(), retired), "valid"),
        (
            "expired",
            payload.sign(_claims(issued_on=dt.date(1999, 1, 1), expires_on=dt.date(2001, 1, 1)), active),
            "expired",
        ),
        ("revoked", payload.sign(_claims(code=revoked_code), active), "revoked"),
        ("superseded by a renewal", payload.sign(_claims(code=superseded_code), active), "superseded"),
        ("the renewal itself", payload.sign(_claims(code=renewal_code), active), "valid"),
        ("a trusted partner's certificate", payload.sign(_claims(issuer="CTPARTNR"), partner), "valid"),
        (
            "a trusted partner's certificate, revoked by its list",
            payload.sign(_claims(issuer="CTPARTNR", code=partner_revoked), partner),
            "revoked",
        ),
        (
            "a trusted partner's certificate, superseded by its list",
            payload.sign(_claims(issuer="CTPARTNR", code=partner_superseded), partner),
            "superseded",
        ),
        (
            "our certificate that the partner's list names",
            payload.sign(_claims(code=ours_named_by_partner), active),
            "valid",
        ),
        (
            "a partner's certificate with a code our list revoked",
            payload.sign(_claims(issuer="CTPARTNR", code=revoked_code), partner),
            "valid",
        ),
        (
            "a partner's certificate with a code our list superseded",
            payload.sign(_claims(issuer="CTPARTNR", code=superseded_code), partner),
            "valid",
        ),
        ("signed by a key nobody here trusts", payload.sign(_claims(), foreign), "unknown_issuer"),
        (
            "key id changed",
            _with_protected(good, {payload.HDR_ALG: payload.ALG_ES256, payload.HDR_KID: b"\x00" * 8}),
            "unknown_issuer",
        ),
        (
            "another key signing under our key id",
            _with_protected(
                payload.sign(_claims(), foreign),
                {payload.HDR_ALG: payload.ALG_ES256, payload.HDR_KID: keys.cose_kid(active.kid)},
            ),
            "altered_or_forged",
        ),
        (
            "algorithm changed",
            _with_protected(good, {payload.HDR_ALG: -35, payload.HDR_KID: keys.cose_kid(active.kid)}),
            "altered_or_forged",
        ),
    ]
    for field, value in [
        ("holder_name", "Mallory Impostor"),
        ("credential_title", "Advanced Life Support"),
        ("code", codes.new_code()),
        ("issued_on", dt.date(2025, 3, 2)),
        ("expires_on", dt.date(2199, 12, 31)),
        ("expires_on", None),
        ("competencies", ("VE1", "RR1", "C2", "TT3", "TT4")),
        ("issuer", "CTOTHERX"),
        ("openbadge_digest", bytes(16)),
    ]:
        label = f"tampered {field}" if value is not None else f"tampered {field} (removed)"
        vectors.append((label, _tamper_claims(good, **{field: value}), "altered_or_forged"))
    protected, unprotected, body, signature = _message(good)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    cose = _cose(good)
    spaced = next(t for t in (payload.sign(_claims(), active) for _ in range(100)) if " " in t)
    compressed = zlib.compress(cose, 9)
    vectors += [
        ("signature changed", _rewrap([protected, unprotected, body, flipped]), "altered_or_forged"),
        ("signature shortened", _rewrap([protected, unprotected, body, signature[:63]]), "altered_or_forged"),
        ("unsigned header added", _rewrap([protected, {33: b"x"}, body, signature]), "altered_or_forged"),
        ("COSE tag removed", _rewrap([protected, unprotected, body, signature], tag=False), "altered_or_forged"),
        ("bytes after the signed structure", payload.wrap(cose + b"\x00"), "altered_or_forged"),
        ("not CBOR inside", payload.wrap(b"\xff\xfe not cbor"), "altered_or_forged"),
        (
            "bytes after the compressed stream",
            payload.PREFIX + base45.b45encode(compressed + b"XY").decode(),
            "unreadable",
        ),
        ("compressed stream cut short", payload.PREFIX + base45.b45encode(compressed[:-6]).decode(), "unreadable"),
        (
            "inflates past any certificate",
            payload.PREFIX + base45.b45encode(zlib.compress(b"\x00" * 200_000, 9)).decode(),
            "unreadable",
        ),
        ("text cut short", good[:-40], "unreadable"),
        ("lowercase prefix", "ct1:" + good[len(payload.PREFIX) :], "unreadable"),
        ("prefix missing its colon", "CT1" + good[len(payload.PREFIX) :], "unreadable"),
        ("a character outside base45", good[:20] + "a" + good[21:], "unreadable"),
        ("base45 group out of range", payload.PREFIX + ":::", "unreadable"),
        ("prefix only", payload.PREFIX, "unreadable"),
        ("junk text", "CT1:HELLO WORLD", "unreadable"),
        ("URL form", payload.in_address(ADDRESS, good), "valid"),
        (
            "URL form of the retired key's certificate",
            payload.in_address(ADDRESS, payload.sign(_claims(), retired)),
            "valid",
        ),
        ("URL form, revoked", payload.in_address(ADDRESS, payload.sign(_claims(code=revoked_code), active)), "revoked"),
        (
            "URL form, tampered holder",
            payload.in_address(ADDRESS, _tamper_claims(good, holder_name="Mallory")),
            "altered_or_forged",
        ),
        ("URL form with a raw space", ADDRESS + "#" + spaced.replace("%", "%25"), "unreadable"),
        ("URL form with another escape", payload.in_address(ADDRESS, good).replace("CT1:", "CT1%3A", 1), "unreadable"),
        ("URL form cut short", payload.in_address(ADDRESS, good)[:-30], "unreadable"),
        ("URL form of a file copy of the page", payload.in_address("file:///media/usb/verifier.html", good), "valid"),
    ]
    return {
        "format": "credtrack-verifier-vectors/1",
        "about": "QR texts and the verdict every credtrack verifier must give each, with the keys and signed "
        "revocation list they are checked against (trust, as the offline verifier page embeds it).",
        "trust": trust,
        "vectors": [{"name": name, "text": text, "verdict": verdict} for name, text, verdict in vectors],
    }


def trust_of(document: dict) -> Trust:
    """What a verifier trusts, read from a vectors file's ``trust`` section."""
    trusted: list[TrustedKey] = []
    for issuer in document["trust"]["issuers"]:
        for k in issuer["keys"]:
            trusted.append(TrustedKey(k["kid"], keys.public_key_from_jwk(k["jwk"]), issuer["name"], k["status"]))
    lists = []
    for issuer in document["trust"]["issuers"]:
        kids = frozenset(k["kid"] for k in issuer["keys"])
        if issuer["revocation_list"]:  # checked against its own issuer's keys, and counting for them only
            loaded = revocation_list.load(issuer["revocation_list"], [k for k in trusted if k.kid in kids])
            lists.append(IssuerList(kids, {r.code: r for r in loaded.revoked}, dict(loaded.superseded)))
    return Trust(keys=trusted, issuer_lists=lists)


def main() -> None:
    VECTORS_FILE.write_text(json.dumps(build_vectors(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(VECTORS_FILE)


if __name__ == "__main__":
    main()

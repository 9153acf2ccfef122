"""QR versions with and without a verifier address: typical and worst-case certificates.

Prints the QR version (error correction M) of the printed code for each case (the largest of five
signings), "-comps" when the competency codes were left out of the QR to fit version 13, and
"plain" when even that did not fit with the address, so the QR holds the code alone. Run:
    .venv/bin/python bench/bench_verifier_qr.py
"""

from __future__ import annotations

import datetime as dt
import os

from credtrack.certificates import codes, keys, payload, qr
from credtrack.certificates.errors import PayloadTooLargeError

ADDRESS_40 = "https://certs.riverbend-hospital.org/vfy"  # 40 characters, a realistic maximum asked for
ADDRESS_TYPICAL = "https://www.riverbend.example/verify"
COMPETENCIES = ("VE1", "VE2", "RR1", "RR2", "C1", "C2", "TT1", "TT2")

CASES = {
    "typical (22-char name, 36-char title, 4 competencies)": (
        "Amara Okafor-Lindqvist",
        "Interprofessional Team Communication",
        COMPETENCIES[:4],
    ),
    "60 Latin name + 60 Latin title, 8 competencies": ("W" * 60, "T" * 60, COMPETENCIES),
    "60 Vietnamese name + 60 Cyrillic title, 8 competencies": (
        ("Nguyễn Thị Minh Khai Phạm " * 3)[:60],
        "Т" * 60,
        COMPETENCIES,
    ),
    "60 Greek name + 60 Cyrillic title, 8 competencies": (("Αλεξανδροπούλου Ζωή " * 4)[:60], "Т" * 60, COMPETENCIES),
    "58 Latin name + 60 title, no repeats, 8 competencies": (
        "Maximiliana Bartholomew-Featherstonehaugh Ødegård-Nakamura",
        "Interprofessional Collaboration in Acute and Critical Care U",
        COMPETENCIES,
    ),
    "30 Latin name + 50 title, no repeats, 8 competencies": (
        "Amara Okafor-Lindqvist Ødegård",
        "Interprofessional Collaboration in Acute Care Units",
        COMPETENCIES,
    ),
}


def main() -> None:
    key = keys.SigningKey.of(keys.generate())
    assert len(ADDRESS_40) == 40, len(ADDRESS_40)
    print(f"{'case':58} {'no address':>12} {'36-char addr':>13} {'40-char addr':>13}")
    for label, (name, title, comps) in CASES.items():
        claims = payload.Claims(
            issuer="CT4K7Q2M",
            code=codes.new_code(),
            holder_name=name,
            credential_title=title,
            issued_on=dt.date(2026, 3, 1),
            expires_on=dt.date(2028, 3, 1),
            competencies=comps,
            openbadge_digest=os.urandom(16),
        )
        cells = []
        for address in ("", ADDRESS_TYPICAL, ADDRESS_40):
            worst = 0
            dropped = False
            texts = []
            for _ in range(5):  # signatures vary in their base45 spaces and percent signs
                try:
                    text = qr.sign_to_fit(claims, key, address=address)
                except PayloadTooLargeError:
                    worst = 99
                    break
                texts.append(text)
                worst = max(worst, qr.encode(text).version)
                dropped = (
                    dropped or payload.decode_claims(payload.parse(payload.unwrap(text)).payload).competencies == ()
                )
            plain = address and any(t.startswith("CT1:") for t in texts)
            cells.append(
                "too large"
                if worst == 99
                else f"v{worst}" + (" plain" if plain else "") + (" -comps" if dropped else "")
            )
        print(f"{label:58} {cells[0]:>12} {cells[1]:>13} {cells[2]:>13}")


if __name__ == "__main__":
    main()

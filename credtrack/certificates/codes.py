"""Human certificate codes such as ``CT-7K3F-9QXM-K``: Crockford base32 with a check character.

Eight random symbols carry 40 bits; the last symbol is a Luhn mod 32 check over
them, which catches every single mistyped symbol and every swap of two
neighbouring symbols before the database is ever asked.
"""

from __future__ import annotations

import secrets

from credtrack.certificates.errors import InvalidCodeError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "CT"
BODY_LENGTH = 8
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# What people type for symbols the alphabet leaves out (Crockford's decoding rules).
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = str.maketrans("", "", " -_.\t")


def check_symbol(body: str) -> str:
    """The Luhn mod 32 check symbol over ``body`` (symbols from ALPHABET)."""
    total = 0
    factor = 2
    n = len(ALPHABET)
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        addend = addend // n + addend % n
        total += addend
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def format_code(body: str) -> str:
    return f"{PREFIX}-{body[:4]}-{body[4:]}-{check_symbol(body)}"


def new_code() -> str:
    """A fresh random code (the caller checks the database for the rare collision)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_code(body)


def normalise(text: str) -> str:
    """The canonical form of a code as typed: case, I/L/O look-alikes and hyphens forgiven.

    Raises InvalidCodeError, with a message a person can act on, when the text is
    not a credtrack code or its check symbol shows a typo.
    """
    raw = (text or "").strip().upper().translate(_SEPARATORS)
    if len(raw) == BODY_LENGTH + 1 + len(PREFIX) and raw.startswith(PREFIX):
        raw = raw[len(PREFIX) :]
    raw = raw.translate(_LOOKALIKES)
    if len(raw) != BODY_LENGTH + 1:
        raise InvalidCodeError(
            f"{text.strip()!r} is not a certificate code: codes look like CT-7K3F-9QXM-K "
            f"({BODY_LENGTH + 1} letters and digits after CT)."
        )
    bad = sorted({ch for ch in raw if ch not in _VALUE})
    if bad:
        raise InvalidCodeError(
            f"{text.strip()!r} contains {', '.join(bad)}, which never appear in certificate codes. "
            "Check the code printed under the QR code."
        )
    body, check = raw[:BODY_LENGTH], raw[BODY_LENGTH]
    if check_symbol(body) != check:
        raise InvalidCodeError(
            f"{text.strip()!r} has a typo: its last character does not match the rest. "
            "Check each character against the printed certificate."
        )
    return format_code(body)


def is_code(text: str) -> bool:
    try:
        normalise(text)
    except InvalidCodeError:
        return False
    return True

"""What a new password must be: long enough, not a common password, not made of the user's own names."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from functools import lru_cache

from credtrack import paths
from credtrack.errors import ValidationError

MIN_PASSWORD_LENGTH = 10
MIN_DISTINCT_CHARACTERS = 4
NAME_PART_MIN = 3  # shorter parts of a name (initials, "Li") may appear in any password


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The published list of 20,000 common passwords shipped in resources/passwords (lower-cased)."""
    with gzip.open(paths.resource_path("passwords", "common-passwords.txt.gz"), "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _name_parts(names: Iterable[str]) -> list[str]:
    parts: list[str] = []
    for name in names:
        if not name:
            continue
        whole = _letters_and_digits(name)
        if len(whole) >= NAME_PART_MIN:
            parts.append(whole)
        parts += [p for p in (_letters_and_digits(w) for w in re.split(r"[\W_]+", name)) if len(p) >= NAME_PART_MIN]
    return parts


def check_password_rules(password: str, *, names: Iterable[str] = ()) -> None:
    """Raise ValidationError saying what is wrong with ``password`` for an account called ``names``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if password.strip() != password or not password.strip():
        raise ValidationError("A password may not begin or end with spaces.", field="password")
    if len(set(password.casefold())) < MIN_DISTINCT_CHARACTERS:
        raise ValidationError(
            f"A password needs at least {MIN_DISTINCT_CHARACTERS} different characters; repeating a few is "
            "easy to guess.",
            field="password",
        )
    if password.casefold() in common_passwords() or password.strip().casefold() in common_passwords():
        raise ValidationError(
            "That password is on a published list of common passwords, which are tried first by anyone "
            "guessing. Choose another, such as a few unrelated words.",
            field="password",
        )
    folded = _letters_and_digits(password)
    for part in _name_parts(names):
        # A name that makes up half or more of the password is the first thing a guesser tries.
        if part in folded and len(part) * 2 >= len(folded):
            raise ValidationError(
                "A password may not be made of the account's own user name or display name.", field="password"
            )

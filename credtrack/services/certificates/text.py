"""Refusing to issue a certificate whose printed text has a character no shipped font can draw.

A name in any script the shipped fonts cover prints; a character none of them has
(a private-use character, an unassigned code point, a script not shipped) would
print as an empty box or nothing at all, on a document meant to name its holder.
Issuing refuses it before anything is signed, naming the character and where it is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from credtrack.certificates import scripts
from credtrack.certificates.pdf import CertificatePage
from credtrack.errors import ValidationError

_KINDS = {
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Cc": "a control character",
    "Cs": "a lone surrogate",
}
LISTED = 10  # people named in a cohort's refusal; the rest are counted


def describe(ch: str) -> str:
    """``U+E000 (a private-use character)``, ``U+13000 (EGYPTIAN HIEROGLYPH A001)``."""
    kind = _KINDS.get(unicodedata.category(ch)) or unicodedata.name(ch, "an unnamed character")
    return f"U+{ord(ch):04X} ({kind})"


def page_fields(page: CertificatePage) -> list[tuple[str, str]]:
    """What the page prints that people typed, each with where it comes from."""
    fields = [
        ("the holder's name", page.holder_name),
        ("the credential title", page.credential_title),
        ("the institution name (Settings)", page.institution_name),
        ("the signatory's name (Settings)", page.signatory_name),
        ("the signatory's title (Settings)", page.signatory_title),
        ("the certificate title (Settings)", page.title),
        ("the framework name", page.framework_name),
    ]
    fields += [(f"competency {code}", f"{code} {label}") for code, label in page.competencies]
    return [(where, text) for where, text in fields if text]


def problems(fields: Iterable[tuple[str, str]]) -> list[str]:
    """One phrase per field with undrawable characters: where it is, the text, and the characters."""
    found = []
    for where, text in fields:
        missing = scripts.undrawable(text)
        if missing:
            found.append(f"{where} “{text}” has {', '.join(describe(ch) for ch in missing)}")
    return found


def _them(found: list[str]) -> str:
    return "it" if len(found) == 1 and found[0].count("U+") == 1 else "them"


def check_page(page: CertificatePage) -> None:
    """Refuse a single certificate whose page has text no shipped font can draw."""
    found = problems(page_fields(page))
    if found:
        raise ValidationError(
            f"Certificate not issued: {'; '.join(found)}, which no font shipped with credtrack can draw, so the "
            f"certificate would print a blank or a box in its place. Correct the text (remove or replace "
            f"{_them(found)}) and issue again.",
            field="holder_name",
        )


def check_cohort(cohort_code: str, refused: list[tuple[str, list[str]]]) -> None:
    """Refuse the whole cohort when any certificate in it has undrawable text (``refused``: name, problems)."""
    if not refused:
        return
    listed = [f"• {name}: {'; '.join(found)}" for name, found in refused[:LISTED]]
    if len(refused) > LISTED:
        listed.append(f"• and {len(refused) - LISTED} more")
    raise ValidationError(
        f"Cohort {cohort_code} was not issued: {len(refused)} certificate(s) would print text that no font "
        "shipped with credtrack can draw (a blank or a box in its place):\n"
        + "\n".join(listed)
        + "\nNothing was issued, so nobody is left out unnoticed. Correct these names or texts, then issue "
        "the cohort again.",
        field="holder_name",
    )

"""Text every layer shares rules for: control characters no field may hold, file names that fit.

A control character (NUL, BEL, ESC… — the C0 range other than tab, line feed and carriage
return, and DEL) is never part of what a person means to type; it arrives from a broken
export or a pasted terminal line. PostgreSQL cannot store NUL, a workbook cannot hold most of
them, and a screen does not show them, so services and imports refuse them up front.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab, LF and CR (ordinary whitespace that pasting brings), plus DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What an XLSX (XML 1.0) cell cannot hold at all; openpyxl raises on these.
NOT_IN_WORKBOOK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_FILE_NAME_BYTES = 200  # well under the 255 bytes most file systems allow, leaving room for a suffix


def first_control(value: str) -> str | None:
    """The first control character in ``value``, or None."""
    found = CONTROL.search(value)
    return found.group() if found else None


def describe_control(char: str) -> str:
    """``U+0000 NUL``: how to name an invisible character in a message."""
    names = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x07": "BEL", "\x08": "backspace"}
    return f"U+{ord(char):04X}" + (f" {names[char]}" if char in names else "")


def control_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, in words for a message, or None when it can."""
    char = first_control(value)
    if char is None:
        return None
    return (
        f"contains an invisible control character ({describe_control(char)}), which cannot be stored; "
        "retype the value without it"
    )


def for_workbook(value: str) -> str:
    """``value`` with what a workbook cannot hold shown as U+FFFD, so one bad cell never stops an export."""
    return NOT_IN_WORKBOOK.sub("\ufffd", value)


def cap_utf8(value: str, max_bytes: int) -> str:
    """The longest start of ``value`` that is at most ``max_bytes`` in UTF-8, cut between characters
    (and never between a letter and the accents that follow it)."""
    if len(value.encode("utf-8")) <= max_bytes:
        return value
    cut = value.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
    while cut and unicodedata.combining(value[len(cut)] if len(cut) < len(value) else ""):
        cut = cut[:-1]
    return cut


def for_search(value: str) -> str:
    """What a search box holds, with each control character read as a space: no stored text holds one,
    and PostgreSQL cannot even be asked about a NUL."""
    return CONTROL.sub(" ", value)

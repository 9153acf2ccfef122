"""Fonts for report PDFs: the certificate fonts, so every script a name is written in prints here too."""

from __future__ import annotations

from credtrack.certificates import fonts

REGULAR, BOLD = fonts.SANS, fonts.SANS_BOLD


def register_fonts() -> tuple[str, str]:
    """Register the shipped sans fonts with reportlab once; return their names (fallbacks come with them)."""
    fonts.register_fonts()
    return REGULAR, BOLD

"""Fonts for report PDFs: the Noto fonts shipped in resources/fonts, else DejaVu from the system."""

from __future__ import annotations

from pathlib import Path

from credtrack import paths
from credtrack.errors import CredtrackError

REGULAR, BOLD = "CredtrackSans", "CredtrackSans-Bold"
_CANDIDATES = {
    REGULAR: ["NotoSans-Regular.ttf", "DejaVuSans.ttf"],
    BOLD: ["NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"],
}
_SYSTEM_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
                Path("/usr/share/fonts/TTF")]


def find_font(file_names: list[str]) -> Path:
    shipped = paths.resource_path("fonts")
    for name in file_names:
        for folder in (shipped, *_SYSTEM_DIRS):
            candidate = folder / name
            if candidate.is_file():
                return candidate
    raise CredtrackError(f"No font found for PDFs (looked for {', '.join(file_names)} in {shipped}). "
                         "Reinstall credtrack to restore its fonts.")


def register_fonts() -> tuple[str, str]:
    """Register the regular and bold sans fonts with reportlab once; return their names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, files in _CANDIDATES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(find_font(files))))
    return REGULAR, BOLD

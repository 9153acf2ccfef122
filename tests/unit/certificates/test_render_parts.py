"""The pieces that make rendering fast: the QR fit check, the QR path, and fonts reused between files."""

from __future__ import annotations

import subprocess

import pytest

from credtrack.certificates import fonts, payload, pdf, qr
from credtrack.certificates.errors import PayloadTooLargeError

from .helpers import claims, signing_key
from .test_qr_pdf import page_for


@pytest.fixture(scope="module")
def key():
    return signing_key()


def test_alphanumeric_capacity_is_that_of_version_13_at_m():
    assert qr.encode("A" * qr.ALPHANUMERIC_CAPACITY).version == 13
    with pytest.raises(PayloadTooLargeError):
        qr.encode("A" * (qr.ALPHANUMERIC_CAPACITY + 1))


def test_signed_payloads_use_only_alphanumeric_characters(key):
    for name in ("Nguyễn Thị Minh Khai", "Ζωή Παπαδοπούλου", "Пётр Ильич Чайковский", "x" * 60):
        text = payload.sign(claims(name=name), key)
        assert qr.ALPHANUMERIC.issuperset(text)


def test_text_just_over_the_capacity_is_checked_by_encoding(key):
    # Digits pack tighter than alphanumeric mode: longer text may still fit, and the check encodes to know.
    qr._check_fits("CT1:" + "1" * (qr.ALPHANUMERIC_CAPACITY + 20))
    with pytest.raises(PayloadTooLargeError):
        qr._check_fits("CT1:" + "A" * qr.ALPHANUMERIC_CAPACITY)


def test_qr_path_has_one_rectangle_per_run_and_one_fill(key):
    matrix = qr.encode(payload.sign(claims(), key))
    operators = pdf.qr_path(matrix).split("\n")
    assert operators[-1] == "f"
    assert len(operators) - 1 == len(matrix.runs)
    assert all(op.endswith(" 1 re") for op in operators[:-1])


def _text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _fonts(path) -> list[str]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line for line in lines[2:] if "Noto" in line]


def test_files_rendered_one_after_another_each_embed_their_own_characters(tmp_path, key):
    """A reused subset must never lack a character a later file prints, nor carry another file's text."""
    names = ["Nguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai", "Пётр Ильич Чайковский", "Søren Müller", "Ζωή Ιωάννου"]
    for i, name in enumerate(names):
        out = pdf.render([page_for(key, name)], tmp_path / f"{i}.pdf")
        assert name in _text(out)
        embedded = _fonts(out)
        assert len(embedded) == len(fonts.FONT_FILES)
        assert all(" yes yes yes " in line for line in embedded)  # embedded, subset, with a ToUnicode map
    assert (tmp_path / "0.pdf").read_bytes() != (tmp_path / "2.pdf").read_bytes()


def test_a_repeated_character_set_is_built_once(tmp_path, key):
    pdf.register_fonts()
    from reportlab.pdfbase import pdfmetrics

    bold = pdfmetrics.getFont(fonts.SERIF_BOLD)
    assert isinstance(bold, fonts.EmbeddedFont)
    pdf.render([page_for(key, "Ada Lovelace")], tmp_path / "a.pdf")
    kept = len(bold._parts)
    pdf.render([page_for(key, "Ada Lovelace")], tmp_path / "b.pdf")
    assert len(bold._parts) == kept
    pdf.render([page_for(key, "Ada Lövelace")], tmp_path / "c.pdf")
    assert len(bold._parts) == kept + 1

"""A blank rating form: one A4 page naming the learner, the source and every competency it rates, with a QR
that decodes to the form's identifier; names in any script print, and text no font can draw is refused."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest

from credtrack.errors import NotFoundError, ValidationError
from credtrack.models import Setting
from credtrack.reports import rating_form
from credtrack.reports.rating_form import write_rating_form
from credtrack.services import rating_sources
from credtrack.services.permissions import SYSTEM
from credtrack.services.rating_forms import form_data, form_identifier, parse_form_identifier
from credtrack.services.setup import load_starter_data
from tests.unit.certificates.helpers import pdf_text, rasterise, read_zxing
from tests.unit.records.builders import add_person

ISSUED = dt.date(2026, 5, 2)
PATIENT = ("VE1", "VE5", "VE6", "C1", "C2", "C3")
LONGEST = "Competencies of twelve"


@pytest.fixture
def world(sqlite_db):
    load_starter_data(sqlite_db.unit_of_work())
    with sqlite_db.unit_of_work() as uow:
        uow.session.add(Setting(key="institution_name", value="Riverside University Health Network"))
        uow.commit()
    return sqlite_db


def _form(db, tmp_path, ext: str, name: str, source: str = "PATIENT"):
    add_person(db, SYSTEM, ext, name)
    return write_rating_form(db.unit_of_work(), SYSTEM, ext, source, tmp_path / f"{ext}-{source}.pdf", today=ISSUED)


def _pages(path) -> int:
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_patient_form_is_one_page_with_the_learner_the_source_its_competencies_and_a_readable_qr(world, tmp_path):
    out = _form(world, tmp_path, "EMP-200", "Zoë O'Brien-Łukasiewicz")
    assert _pages(out) == 1
    text = _flat(pdf_text(out))
    for expected in (
        "Zoë O'Brien-Łukasiewicz",
        "EMP-200",
        "Patient or family advisor",
        "RIVERSIDE UNIVERSITY HEALTH NETWORK",
        "Observed frequency (1–5)",
        "Sometimes",
        "Seen on most occasions it was called for.",
        "Not seen",
        "Listen actively and invite other views",
        "Your relation to the learner",
        "Signature",
    ):
        assert expected in text, expected
    for code in PATIENT:
        assert code in text.split(), code
    assert read_zxing(rasterise(out)) == ["CTRF1:EMP-200:PATIENT:2026-05-02"]
    attestation = rating_sources.DEFAULT_ATTESTATION
    assert _flat(attestation) in text


def test_a_source_rating_twelve_competencies_still_fits_one_page(world, tmp_path):
    codes = ["VE3", "VE4", "RR2", "RR3", "C1", "C2", "C3", "C4", "C5", "TT1", "TT3", "TT5"]
    rating_sources.create_source(
        world.unit_of_work(), SYSTEM, code="LONG12", name=LONGEST, scale_code="OBSERVED5", competency_codes=codes
    )
    out = _form(world, tmp_path, "EMP-201", "Maximiliano Alejandro Fernández-Villanueva de la Cruz", "LONG12")
    assert _pages(out) == 1
    text = pdf_text(out).split()
    assert all(code in text for code in codes)
    assert read_zxing(rasterise(out)) == ["CTRF1:EMP-201:LONG12:2026-05-02"]


def test_a_source_rating_more_than_fits_is_refused_with_what_to_do(world, tmp_path):
    codes = [f"VE{n}" for n in range(1, 11)] + [f"RR{n}" for n in range(1, 6)] + [f"C{n}" for n in range(1, 8)]
    rating_sources.create_source(
        world.unit_of_work(), SYSTEM, code="ALL", name="Everything", scale_code="OBSERVED5", competency_codes=codes
    )
    add_person(world, SYSTEM, "EMP-202", "Ana Lima")
    forms = tmp_path / "forms"
    forms.mkdir()
    with pytest.raises(ValidationError, match="lists 22 competencies; one page holds about"):
        write_rating_form(world.unit_of_work(), SYSTEM, "EMP-202", "ALL", forms / "all.pdf", today=ISSUED)
    assert not list(forms.iterdir())  # not even a half-written file


@pytest.mark.parametrize("name", ["محمد عبد الرحمن الأحمد", "Nguyễn Thị Minh Khai"])
def test_names_in_arabic_and_vietnamese_print(world, tmp_path, name):
    out = _form(world, tmp_path, "EMP-300", name)
    assert _pages(out) == 1
    text = pdf_text(out)
    if name.startswith("Nguy"):
        assert name in text
    else:  # right-to-left glyphs come back in logical order, word by word
        assert all(word in text for word in name.split())
    assert read_zxing(rasterise(out)) == ["CTRF1:EMP-300:PATIENT:2026-05-02"]


def test_a_name_no_shipped_font_can_draw_is_refused_before_any_file_is_written(world, tmp_path):
    add_person(world, SYSTEM, "EMP-400", "Ana \ue000 Lima")
    forms = tmp_path / "forms"
    forms.mkdir()
    with pytest.raises(ValidationError, match=r"learner's name .*U\+E000 \(a private-use character\)"):
        write_rating_form(world.unit_of_work(), SYSTEM, "EMP-400", "PATIENT", forms / "x.pdf", today=ISSUED)
    assert not list(forms.iterdir())


def test_what_the_form_reads_and_what_it_refuses(world):
    add_person(world, SYSTEM, "EMP-500", "Ana Lima")
    data = form_data(world.unit_of_work(), SYSTEM, "EMP-500", "patient", today=ISSUED)
    assert [code for code, _label in data.competencies] == list(PATIENT)  # the framework's order
    assert [lv.label for lv in data.levels] == ["Never", "Rarely", "Sometimes", "Often", "Always"]
    assert data.institution == "Riverside University Health Network"
    with pytest.raises(NotFoundError, match="external id 'NOBODY'"):
        form_data(world.unit_of_work(), SYSTEM, "NOBODY", "PATIENT")
    with pytest.raises(NotFoundError, match="No rating source with code 'NOPE'"):
        form_data(world.unit_of_work(), SYSTEM, "EMP-500", "NOPE")
    (patient,) = [s for s in rating_sources.list_sources(world.unit_of_work(), SYSTEM) if s.code == "PATIENT"]
    rating_sources.update_source(world.unit_of_work(), SYSTEM, patient.id, active=False)
    with pytest.raises(ValidationError, match="no longer offered"):
        form_data(world.unit_of_work(), SYSTEM, "EMP-500", "PATIENT")


def test_the_identifier_round_trips_even_with_a_colon_in_the_external_id():
    text = form_identifier("HR:42/7", "PATIENT", ISSUED)
    assert text == "CTRF1:HR%3A42%2F7:PATIENT:2026-05-02"
    assert parse_form_identifier(text) == ("HR:42/7", "PATIENT", ISSUED)
    with pytest.raises(ValidationError, match="not a credtrack rating form code"):
        parse_form_identifier("CT1:ABC")


def test_a_file_that_cannot_be_written_is_named_and_nothing_half_written_is_left(world, tmp_path, monkeypatch):
    add_person(world, SYSTEM, "EMP-600", "Ana Lima")
    forms = tmp_path / "forms"
    forms.mkdir()

    def refuse(_source, _target):
        raise PermissionError(13, "Permission denied", _source)

    monkeypatch.setattr(rating_form.os, "replace", refuse)
    with pytest.raises(PermissionError) as raised:
        write_rating_form(world.unit_of_work(), SYSTEM, "EMP-600", "PATIENT", forms / "form.pdf", today=ISSUED)
    assert raised.value.filename == str(forms / "form.pdf")
    assert not list(forms.iterdir())


def test_a_long_external_id_with_a_colon_still_prints_and_scans(world, tmp_path):
    ext = "HR:2026/NURSING-RESIDENCY-COHORT-0042-" + "X" * 26  # 64 characters, the most an external id has
    add_person(world, SYSTEM, ext, "Ana Lima")
    out = write_rating_form(world.unit_of_work(), SYSTEM, ext, "PATIENT", tmp_path / "long-id.pdf", today=ISSUED)
    assert _pages(out) == 1
    (scanned,) = read_zxing(rasterise(out))
    assert parse_form_identifier(scanned) == (ext, "PATIENT", ISSUED)

"""A filled-in rating form comes back as a scan or a photo: its QR code names the learner and the form, so
the person recording it finds them without looking them up; anything else is refused with what to do."""

from __future__ import annotations

import io

import pytest
import qrcode
from PIL import Image, ImageFilter

from credtrack.errors import NotFoundError, ValidationError
from credtrack.services import rating_sources
from credtrack.services.permissions import SYSTEM
from credtrack.services.rating_forms import read_scanned_form
from tests.unit.certificates.helpers import rasterise
from tests.unit.data.test_rating_form import ISSUED, _form, world  # noqa: F401  (the fixture)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_scanned_form_names_its_learner_and_source_from_the_pdf_or_a_slightly_blurred_photo(world, tmp_path):  # noqa: F811
    pdf = _form(world, tmp_path, "EMP-200", "Nguyễn Thị Minh Khai")
    form = read_scanned_form(world.unit_of_work(), SYSTEM, pdf.read_bytes())
    assert (form.learner_name, form.external_id, form.source_code, form.printed_on) == (
        "Nguyễn Thị Minh Khai",
        "EMP-200",
        "PATIENT",
        ISSUED,
    )
    assert form.source_name == "Patient or family advisor"
    # A photo: the page rasterised, turned a little and softened, as a phone camera leaves it.
    photo = Image.open(rasterise(pdf, dpi=110)).convert("L").rotate(3, expand=True, fillcolor=255)
    photo = photo.filter(ImageFilter.GaussianBlur(0.8))
    again = read_scanned_form(world.unit_of_work(), SYSTEM, _png(photo))
    assert (again.person_id, again.source_code) == (form.person_id, "PATIENT")


def test_files_that_are_not_a_form_of_this_database_are_refused_with_what_to_do(world, tmp_path):  # noqa: F811
    pdf = _form(world, tmp_path, "EMP-201", "Amara Diallo", source="TEAM")
    with pytest.raises(ValidationError, match="neither a PDF nor an image"):
        read_scanned_form(world.unit_of_work(), SYSTEM, b"external_id,source\nEMP-201,TEAM\n")
    blank = Image.new("L", (600, 800), 255)
    with pytest.raises(ValidationError, match="No rating form code was found"):
        read_scanned_form(world.unit_of_work(), SYSTEM, _png(blank))
    elsewhere = qrcode.make("CTRF1:EMP-999:PATIENT:2026-05-02").get_image()
    with pytest.raises(NotFoundError, match="another credtrack database"):
        read_scanned_form(world.unit_of_work(), SYSTEM, _png(elsewhere))
    certificate_like = qrcode.make("CT1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%N").get_image()
    with pytest.raises(ValidationError, match="certificate's QR code"):
        read_scanned_form(world.unit_of_work(), SYSTEM, _png(certificate_like))
    team = next(s for s in rating_sources.list_sources(world.unit_of_work(), SYSTEM) if s.code == "TEAM")
    rating_sources.update_source(world.unit_of_work(), SYSTEM, team.id, active=False)
    with pytest.raises(ValidationError, match="no longer offered"):
        read_scanned_form(world.unit_of_work(), SYSTEM, pdf.read_bytes())

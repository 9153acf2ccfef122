"""A verifier address in Settings: new certificates' QR codes open the offline verifier page.

The printed QR holds the address (byte mode) and the payload after '#' (alphanumeric mode); it
scans with zbarimg and zxing-cpp at 150 dpi, credtrack's verifier and the page accept the
scanned text, and the page reads a photo-like picture of the certificate too.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from PIL import Image, ImageFilter
from sqlalchemy import select

from credtrack.certificates import codes, keys, payload, qr
from credtrack.errors import ValidationError
from credtrack.models import AuditEvent, Certificate
from credtrack.services import settings
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import revocations, verifier_export
from tests.browser.offline import offline_page
from tests.unit.certificates.helpers import rasterise, read_zbar, read_zxing

from .test_certificate_world import DAY, build_world

ADDRESS = "https://certs.riverbend-hospital.org/vfy"  # 40 characters


def test_the_address_must_be_a_plain_web_address(db):
    world = build_world(db)
    for bad, words in [
        ("www.riverbend.example/verify", "web address"),
        ("https://riverbend.example/verify#top", "'#'"),
        ("https://riverbend.example/ver ify", "no spaces"),
        ("https://riverbend.example/" + "v" * 60, "at most 60"),
    ]:
        with pytest.raises(ValidationError) as caught:
            settings.update_institution(db.unit_of_work(), world.admin, verifier_address=bad)
        assert words in str(caught.value)
    saved = settings.update_institution(db.unit_of_work(), world.admin, verifier_address=f"  {ADDRESS} ").value
    assert saved.verifier_address == ADDRESS
    with db.unit_of_work() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.update").order_by(AuditEvent.id.desc())
        ).first()
        assert ADDRESS in event.after_json


def _issued_text(db, world, tmp_path):
    cert = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    ).value
    with db.unit_of_work() as uow:
        return cert, uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))


def test_unset_the_qr_holds_the_code_alone(db, tmp_path):
    world = build_world(db)
    _, text = _issued_text(db, world, tmp_path)
    assert text.startswith("CT1:")


def test_a_certificate_with_the_address_scans_and_verifies_everywhere(db, tmp_path):
    # A 36-character name: one of 50 characters and more sits at the edge of version 13 with this
    # address, and about one code in twenty then falls back to the plain QR text (still verifiable).
    world = build_world(db, names=("Nguyễn Thị Minh Khai Featherstonehaugh",))
    settings.update_institution(db.unit_of_work(), world.admin, verifier_address=ADDRESS)
    cert, stored = _issued_text(db, world, tmp_path)
    assert stored.startswith(ADDRESS + "#CT1:")
    png = rasterise(cert.pdf_path, dpi=150)
    scanned_zbar, scanned_zxing = read_zbar(png), read_zxing(png)
    assert scanned_zbar == [stored] and scanned_zxing == [stored]
    assert revocations.verify_input(db.unit_of_work(), scanned_zbar[0]).verdict.value == "valid"
    assert revocations.verify_input(db.unit_of_work(), cert.pdf_path).verdict.value == "valid"

    page_file = tmp_path / "verify.html"
    page_file.write_text(
        verifier_export.export_verifier_page(db.unit_of_work(), world.educator).value, encoding="utf-8"
    )
    # Like a phone photo of the printed page: about 9 megapixels, held askew, a little out of focus, JPEG.
    photo = tmp_path / "photo.jpg"
    picture = Image.open(rasterise(cert.pdf_path, dpi=300)).convert("RGB")
    picture = picture.rotate(7, expand=True, fillcolor=(235, 232, 225)).filter(ImageFilter.GaussianBlur(2.0))
    picture.save(photo, quality=55)
    with offline_page(page_file, viewport=(390, 844)) as page:
        page.open(scanned_zbar[0].split("#", 1)[1])  # what the phone opens after scanning
        assert page.verdict() == "valid"
        assert cert.code in page.page.text_content("#details")
        page.open()
        assert page.check_text(scanned_zxing[0]) == "valid"
        assert page.check_image(photo) == "valid"
        assert page.requests == []


def test_sixty_character_names_and_titles_with_a_40_character_address_fit_version_13():
    key = keys.SigningKey.of(keys.generate())
    trust_keys = [keys.public_jwk(key.public_key)]
    from credtrack.certificates.verify import Trust

    trust = Trust.from_jwks(keys.jwks(trust_keys), "Riverbend")
    for name, title in [
        ("W" * 60, "T" * 60),
        ("Amara Okafor-Lindqvist", "Interprofessional Team Communication"),
        (("Nguyễn Thị Minh Khai Phạm " * 3)[:60], "Т" * 60),
        ("Maximiliana Bartholomew-Featherstonehaugh Ødegård-Nakamura", "I" * 60),
    ]:
        claims = payload.Claims(
            issuer="CT4K7Q2M",
            code=codes.new_code(),
            holder_name=name,
            credential_title=title,
            issued_on=dt.date(2026, 3, 1),
            expires_on=dt.date(2028, 3, 1),
            competencies=("VE1", "VE2", "RR1", "RR2", "C1", "C2", "TT1", "TT2"),
            openbadge_digest=os.urandom(16),
        )
        text = qr.sign_to_fit(claims, key, address=ADDRESS)
        assert qr.encode(text).version <= 13
        result = payload.decode_claims(payload.parse(payload.unwrap(text)).payload)
        assert result.holder_name == name
        from credtrack.certificates import verify

        assert verify.verify(text, trust).verdict.value == "valid"

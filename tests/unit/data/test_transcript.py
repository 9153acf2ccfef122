"""The transcript PDF names every credential, completion and sign-off of the learner, and nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from credtrack.errors import NotFoundError
from credtrack.models import Certificate, IssuerKey
from credtrack.reports.transcript import write_transcript
from tests.unit.certificates.helpers import pdf_text
from tests.unit.data.conftest import VIEWER


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_transcript_lists_every_credential_completion_and_sign_off(db, history, tmp_path):
    with db.unit_of_work() as uow:
        uow.session.add(IssuerKey(kid="k1", public_jwk="{}"))
        uow.session.flush()
        uow.session.add(
            Certificate(
                code="CT-7K3F-9QXM-4",
                person_id=history.people["P001"],
                credential_id=history.credentials["IPC-1"],
                holder_name="Nguyễn Thị Minh",
                credential_title="Interprofessional Collaborator",
                issued_on=dt.date(2024, 2, 9),
                expires_on=dt.date(2026, 2, 9),
                issuer_kid="k1",
                qr_payload="CT1:x",
            )
        )
        uow.commit()
    out = write_transcript(
        db.unit_of_work(), VIEWER, "P001", tmp_path / "p001.pdf", today=dt.date(2024, 3, 1), paper="A4"
    )
    text = _flat(pdf_text(out))
    for expected in [
        "Nguyễn Thị Minh",
        "P001",
        "Nursing",
        "4 West",
        "IPC-1 – Interprofessional Collaborator",
        "CT-7K3F-9QXM-4",
        "2024-02-09",
        "2026-02-09",
        "RES-1 – Residency huddle participant",
        "Not started (0 of 1 requirements)",
        "IPE-101 – Roles on the interprofessional team",
        "2024-01-20",
        "VE1 Competency VE1",
        "Entrustment 2 (ENTRUST5)",
        "Entrustment 4 (ENTRUST5)",
        "2024-01-25",
        "2024-02-07",
        "R001",
        "R002",
        "Pharmacy",
        "Medicine",
        "Direct observation",
    ]:
        assert expected in text, expected
    assert "Samuel Okafor" not in text and "C1 Competency C1" not in text


def test_voided_sign_offs_are_left_out_and_unknown_people_refused(db, history, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    text = _flat(pdf_text(write_transcript(db.unit_of_work(), VIEWER, "P003", out / "p3.pdf", paper="Letter")))
    assert "C1 Competency C1" in text and "Entrustment 3 (ENTRUST5)" in text
    assert "Entrustment 5" not in text  # the voided VE1 sign-off
    with pytest.raises(NotFoundError):
        write_transcript(db.unit_of_work(), VIEWER, "NOBODY", out / "x.pdf")
    assert sorted(p.name for p in out.iterdir()) == ["p3.pdf"]
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(Certificate.id)) is None


def test_a_learner_named_in_arabic_gets_a_transcript_that_prints_the_name(db, history, tmp_path):
    import subprocess

    from sqlalchemy import update

    from credtrack.models import Assessment, Person

    with db.unit_of_work() as uow:
        uow.session.execute(update(Person).where(Person.external_id == "P001").values(full_name="محمد الأحمد"))
        uow.session.execute(
            update(Assessment).where(Assessment.assessor_name == "R001").values(assessor_name="प्रिया शर्मा")
        )
        uow.commit()
    out = write_transcript(db.unit_of_work(), VIEWER, "P001", tmp_path / "p001.pdf", today=dt.date(2024, 3, 1))
    read = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    read = "".join(ch for ch in read if ch not in "\u202a\u202b\u202c\u202d\u202e")
    assert read.count("محمد الأحمد") >= 2  # the learner line and the footer
    assert "प्रिया शर्मा" in read  # an assessor
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansArabic" in fonts and "Helvetica" not in fonts

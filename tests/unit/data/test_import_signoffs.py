"""Imported sign-offs name a real assessor with a profession, or come in as historical and unverified;
importing them is an attested act signed with the importer's password."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from credtrack.errors import AuthenticationError, ValidationError
from credtrack.importing import (
    SIGNOFF_IMPORT_ATTESTATION,
    ImportOptions,
    ImportRejectedError,
    check,
    run_import,
)
from credtrack.models import Assessment, AuditEvent, Person, Profession, evidence
from credtrack.services.precepting import NO_ACCOUNT, precepted_record
from credtrack.services.progress.precepted import facts_from_rows, precepted_facts
from tests.unit.data.conftest import SIGNER_PASSWORD

HEADER = "External ID,Competency,Scale,Level,Assessed on,Assessor ID,Assessor name,Assessor profession\n"


def _file(tmp_path, *rows: str):
    path = tmp_path / "signoffs.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _signed(db, signer, path, **options):
    return run_import(
        db.unit_of_work(),
        signer,
        "assessments",
        path,
        remembered={},
        remember=False,
        attestation_accepted=True,
        password=SIGNER_PASSWORD,
        options=ImportOptions(**options),
    ).value


def _count(db) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(Assessment))


def test_an_invented_assessor_is_refused_not_counted_as_a_profession(db, seeded, signer, tmp_path):
    path = _file(tmp_path, "P001,VE1,ENTRUST5,4,2024-03-01,,Jane Doe,Social work")
    report = check(db.unit_of_work(), signer, "assessments", path, remembered={})
    assert [p.describe() for p in report.problems] == [
        "row 2, column Assessor name: the assessor 'Jane Doe' is not a person on record: import preceptors as "
        "people (with their profession) first, or import these rows as historical, unverified sign-offs for an "
        "educator to confirm"
    ]
    with pytest.raises(ImportRejectedError):
        _signed(db, signer, path)
    assert _count(db) == 0


def test_as_historical_the_invented_assessor_is_kept_but_the_rules_ignore_it(db, seeded, signer, tmp_path):
    path = _file(tmp_path, "P001,VE1,ENTRUST5,4,2024-03-01,,Jane Doe,Social work")
    report = _signed(db, signer, path, historical=True)
    assert report.inserted == 1
    with db.unit_of_work() as uow:
        s = uow.session
        jane = s.scalars(select(Assessment)).one()
        assert (jane.verification, jane.assessor_person_id) == ("pending", None)
        assert jane.assessor_profession_id == seeded.professions["SW"]
        packed = s.scalar(
            select(evidence.PersonEvidence.sign_offs).where(evidence.PersonEvidence.person_id == seeded.people["P001"])
        )
        assert not packed  # not standing evidence until confirmed
        assert evidence.stale_people(s.connection()) == []
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "import.assessments"))
        after = json.loads(event.after_json)
        assert event.reauthenticated and event.actor == "importer"
        assert after["attestation"] == SIGNOFF_IMPORT_ATTESTATION and after["historical_unverified"] == 1


def test_an_assessor_found_by_exact_name_signs_with_their_own_profession(db, seeded, signer, tmp_path):
    path = _file(tmp_path, "P001,VE1,ENTRUST5,4,2024-03-01,,Rita Preceptor,")
    _signed(db, signer, path)
    with db.unit_of_work() as uow:
        rita = uow.session.scalars(select(Assessment)).one()
        assert rita.assessor_person_id == seeded.people["R001"]
        assert rita.assessor_profession_id == seeded.professions["PHARM"] and rita.verification == "not_required"
    wrong = _file(tmp_path, "P002,VE1,ENTRUST5,4,2024-03-01,R001,,Social work")
    report = check(db.unit_of_work(), signer, "assessments", wrong, remembered={})
    assert [p.column for p in report.problems] == ["Assessor profession"]
    assert "record gives another profession" in report.problems[0].message


def test_an_ambiguous_name_is_a_row_error(db, seeded, signer, tmp_path):
    with db.unit_of_work() as uow:
        twin = Person(
            external_id="R009",
            full_name="Rita Preceptor",
            profession_id=uow.session.scalar(select(Profession.id).where(Profession.code == "SW")),
        )
        twin.refresh_search_key()
        uow.session.add(twin)
        uow.commit()
    path = _file(tmp_path, "P001,VE1,ENTRUST5,4,2024-03-01,,Rita Preceptor,")
    report = check(db.unit_of_work(), signer, "assessments", path, remembered={})
    assert [p.describe() for p in report.problems] == [
        "row 2, column Assessor name: 2 people are named 'Rita Preceptor': give the assessor's external id instead"
    ]


def test_importing_sign_offs_needs_the_attestation_and_the_importers_password(db, seeded, signer, tmp_path):
    path = _file(tmp_path, "P001,VE1,ENTRUST5,4,2024-03-01,R001,,")
    with pytest.raises(ValidationError, match="attested act"):
        run_import(db.unit_of_work(), signer, "assessments", path, remembered={}, remember=False)
    with pytest.raises(AuthenticationError):
        run_import(
            db.unit_of_work(),
            signer,
            "assessments",
            path,
            remembered={},
            remember=False,
            attestation_accepted=True,
            password="not my password",
        )
    assert _count(db) == 0
    assert _signed(db, signer, path).inserted == 1


def test_imported_sign_offs_naming_an_assessor_are_that_preceptor_s_precepting_record(db, seeded, signer, tmp_path):
    path = _file(
        tmp_path,
        "P001,VE1,ENTRUST5,4,2024-03-01,R001,,",  # a nurse learner, a pharmacist assessor
        "P002,VE1,ENTRUST5,3,2024-03-02,R001,,",  # a physician learner
        "P003,VE1,ENTRUST5,3,2024-03-03,R001,,",  # a pharmacist learner: the assessor's own profession
    )
    _signed(db, signer, path)
    record = precepted_record(db.unit_of_work(), signer, seeded.people["R001"])
    assert [s.learner_external_id for s in record.sign_offs] == ["P003", "P002", "P001"]
    assert (record.counted, record.professions_counted) == (2, 2)
    assert record.note == NO_ACCOUNT  # no account is linked to R001: sign-offs in credtrack would not be theirs
    with db.unit_of_work() as uow:
        grouped = precepted_facts(uow.session, [seeded.people["R001"]])
    assert grouped[seeded.people["R001"]] == facts_from_rows(record.sign_offs, seeded.professions["PHARM"])

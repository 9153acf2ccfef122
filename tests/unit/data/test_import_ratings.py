"""Importing ratings from other sources: one rater's form a row, one score column per competency. Every rule
of recording one rating is applied to each row, the file is signed with the importer's password, and the
ratings count towards credentials as if recorded one by one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from credtrack.errors import AuthenticationError, PermissionDenied, ValidationError
from credtrack.importing import (
    FIELDS,
    KINDS,
    RATING_IMPORT_ATTESTATION,
    ImportOptions,
    ImportRejectedError,
    canonical_kind,
    check,
    preview,
    run_import,
)
from credtrack.models import AuditEvent, Competency, Framework, Rating, RatingScore, evidence
from credtrack.services import people, rating_sources, ratings
from credtrack.services.catalog import RequirementSpec, create_credential
from credtrack.services.progress import bulk
from credtrack.services.progress.person import person_progress
from tests.unit.data.conftest import EDUCATOR, SIGNER_PASSWORD, VIEWER

TODAY = dt.date(2024, 6, 1)
HEADER = ["Learner ID", "Source", "Rated on", "Rater name", "Rater profession", "How collected", "Comment"]
SCORES = ["VE1", "VE2", "C1", "RR1"]


@pytest.fixture
def sources(db, seeded):
    """PEER rates VE1, VE2 and C1 on the entrustment scale; PATIENT rates C1 and RR1 as met or not; OLD is retired."""
    for code, name, scale, competencies in [
        ("PEER", "Colleague of another profession", "ENTRUST5", ["VE1", "VE2", "C1"]),
        ("PATIENT", "Patient or family advisor", "METNOT", ["C1", "RR1"]),
        ("OLD", "Retired form", "ENTRUST5", ["VE1"]),
    ]:
        made = rating_sources.create_source(
            db.unit_of_work(), EDUCATOR, code=code, name=name, scale_code=scale, competency_codes=competencies
        ).value
    rating_sources.update_source(db.unit_of_work(), EDUCATOR, made.id, active=False)
    return seeded


def _file(tmp_path, rows: list[list[object]], suffix: str = ".csv", header: list[str] | None = None):
    header = header or HEADER + SCORES
    path = tmp_path / f"ratings{suffix}"
    if suffix == ".xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(path)
        return path
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _dry(db, actor, path, **kw):
    return check(db.unit_of_work(), actor, "ratings", path, remembered={}, options=ImportOptions(today=TODAY), **kw)


def _import(db, actor, path, password=SIGNER_PASSWORD, attested=True, **kw):
    return run_import(
        db.unit_of_work(),
        actor,
        "ratings",
        path,
        remembered={},
        remember=False,
        options=ImportOptions(today=TODAY),
        attestation_accepted=attested,
        password=password,
        **kw,
    )


def _counts(db) -> tuple[int, int, int]:
    with db.unit_of_work() as uow:
        s = uow.session
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Rating, RatingScore, AuditEvent))


def test_ratings_are_a_kind_of_import_with_their_own_columns():
    assert "ratings" in KINDS and canonical_kind("Rating") == "ratings"
    assert [f.name for f in FIELDS["ratings"] if f.required] == [
        "external_id",
        "source",
        "rated_on",
        "rater_name",
        "collection",
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_clean_file_is_imported_counted_signed_and_audited_as_the_dry_run_said(db, sources, signer, tmp_path, suffix):
    xlsx = suffix == ".xlsx"
    path = _file(
        tmp_path,
        [
            ["P001", "PEER", dt.date(2024, 3, 1) if xlsx else "2024-03-01", "Grace Ho", "PHARM", "paper_form",
             "Kind and clear", 4 if xlsx else "4", "3", None, None],
            ["P001", "patient", "2024-03-02", "Mr Tran", None, "Interview", None, None, None, "m", "NM"],
            ["P002", "Peer", "15/03/2024", "Ana Ruiz", "Medicine", "Survey export", None, "5", None, "Entrustment 4",
             None],
        ],
        suffix,
    )  # fmt: skip
    before = _counts(db)
    dry = _dry(db, signer, path)
    assert dry.problems == [] and (dry.rows, dry.inserted, dry.updated, dry.unchanged) == (3, 3, 0, 0)
    assert _counts(db) == before  # a dry run writes nothing

    result = _import(db, signer, path)
    report = result.value
    assert report.committed and report.summary() == dry.summary().replace("would import", "imported")
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert _counts(db) == (before[0] + 3, before[1] + 6, before[2] + 1)  # one audit event for the file

    with db.unit_of_work() as uow:
        s = uow.session
        rows = s.scalars(select(Rating).order_by(Rating.id)).all()
        p, c, lv = sources.people, sources.competencies, sources.levels
        assert [(r.person_id, r.source.code, r.rated_on, r.rater_name, r.collection) for r in rows] == [
            (p["P001"], "PEER", dt.date(2024, 3, 1), "Grace Ho", "paper_form"),
            (p["P001"], "PATIENT", dt.date(2024, 3, 2), "Mr Tran", "interview"),
            (p["P002"], "PEER", dt.date(2024, 3, 15), "Ana Ruiz", "survey_export"),
        ]
        assert [{s.competency_id: s.level_id for s in r.scores} for r in rows] == [
            {c["VE1"]: lv[("ENTRUST5", "4")], c["VE2"]: lv[("ENTRUST5", "3")]},
            {c["C1"]: lv[("METNOT", "M")], c["RR1"]: lv[("METNOT", "NM")]},
            {c["VE1"]: lv[("ENTRUST5", "5")], c["C1"]: lv[("ENTRUST5", "4")]},
        ]
        first = rows[0]
        assert first.rater_profession_id == sources.professions["PHARM"] and first.comment == "Kind and clear"
        assert rows[2].rater_profession_id == sources.professions["MED"]
        assert (first.recorded_by_id, first.reauthenticated, first.attestation_accepted) == (signer.id, True, True)
        assert first.attestation_text == first.source.attestation_text  # the source's form, as one rating records
        event = s.get(AuditEvent, report.audit_event_id)
        after = json.loads(event.after_json)
        assert (event.action, event.actor, event.reauthenticated) == ("import.ratings", "importer", True)
        assert after["attestation"] == RATING_IMPORT_ATTESTATION and after["scores"] == 6
        assert (after["inserted"], after["sha256"]) == (3, report.sha256)
        assert after["inserted_ids"] == [[rows[0].id, rows[2].id]]
        # The packed evidence that bulk progress and reports read is in step with the new ratings.
        assert evidence.stale_people(s.connection()) == []
        packed = s.scalar(select(evidence.PersonEvidence.ratings).where(evidence.PersonEvidence.person_id == p["P002"]))
        assert packed == f",{rows[2].source_id}:2024-03-15:4,"  # the lowest score's rank


def test_every_rule_of_one_rating_is_a_problem_of_its_row_and_column_and_nothing_is_written(
    db, sources, signer, tmp_path
):
    ratings.record_rating(
        db.unit_of_work(),
        signer,
        person_id=sources.people["P003"],
        source_code="PEER",
        rated_on="2024-03-01",
        scores={"VE1": "4"},
        collection="paper_form",
        rater_name="Grace Ho",
        password=SIGNER_PASSWORD,
        attestation_accepted=True,
        today=TODAY,
    )
    good = ["2024-03-01", "Grace Ho", None, "paper_form", None]
    path = _file(
        tmp_path,
        [
            ["P999", "PEER", *good, "4", None, None, None],  # 2
            ["P001", "NOPE", *good, "4", None, None, None],  # 3
            ["P001", "OLD", *good, "4", None, None, None],  # 4
            ["P001", "PEER", *good, "4", None, None, "M"],  # 5
            ["P001", "PEER", *good, "7", None, None, None],  # 6
            ["P001", "PEER", "2030-01-01", *good[1:], "4", None, None, None],  # 7
            ["P001", "PEER", "2024-02-30", *good[1:], "4", None, None, None],  # 8
            ["P001", "PEER", *good, None, None, None, None],  # 9
            ["P001", "PEER", "2024-03-01", "", None, "paper_form", None, "4", None, None, None],  # 10
            ["P001", "PEER", "2024-03-01", "Grace Ho", None, "signed", None, "4", None, None, None],  # 11
            ["P001", "PEER", "2024-03-01", "Grace Ho", None, "by pigeon", None, "4", None, None, None],  # 12
            ["P001", "PEER", "2024-03-01", "Grace Ho", "ASTRO", "paper_form", None, "4", None, None, None],  # 13
            ["P002", "PEER", "2024-03-05", "Ana Ruiz", None, "paper_form", None, "4", None, None, None],  # 14
            ["P002", "PEER", "5 March 2024", "ana  ruiz", None, "survey_export", None, None, "3", None, None],  # 15
            ["P003", "PEER", *good, None, "2", None, None],  # 16
        ],
    )
    before = _counts(db)
    report = _dry(db, signer, path)
    assert [p.describe() for p in report.problems] == [
        "row 2, column Learner ID: unknown person 'P999': import them as people first",
        "row 3, column Source: unknown rating source 'NOPE' (known: OLD, PATIENT, PEER)",
        "row 4, column Source: the rating source Retired form (OLD) is retired and takes no new ratings",
        "row 5, column RR1: Colleague of another profession (PEER) does not rate RR1 (it rates C1, VE1, VE2); "
        "leave the cell empty",
        "row 6, column VE1: '7' is not a level of PEER's scale (levels: 1, 2, 3, 4, 5); leave the cell empty when "
        "not rated",
        "row 7, column Rated on: impossible date: 2030-01-01 is in the future",
        "row 8, column Rated on: impossible date: '2024-02-30' is an impossible date",
        "row 9, column Scores: no score: give a level in one of the columns VE1, VE2, C1 (PEER rates C1, VE1, VE2)",
        "row 10, column Rater name: missing required field",
        "row 11, column How collected: 'signed' is for a rater recording their own rating; an imported rating is "
        "recorded on the rater's behalf: say how it was collected (paper_form, interview, survey_export)",
        "row 12, column How collected: unknown way of collecting 'by pigeon' (use paper_form, interview, "
        "survey_export)",
        "row 13, column Rater profession: unknown profession 'ASTRO' (known: MED, NURS, PHARM, SW)",
        "row 15, column Rater name: duplicate row: row 14 records a rating of the same learner by 'ana  ruiz' from "
        "PEER on 2024-03-05; keep one row",
        f"row 16, column Rater name: already recorded: rating {before[0]} is 'Grace Ho''s PEER rating of this learner "
        "on 2024-03-01; remove the row, or void that rating first if this row replaces it",
    ]
    with pytest.raises(ImportRejectedError) as refused:
        _import(db, signer, path)
    assert refused.value.problems == report.problems  # the real run refuses exactly what the dry run listed
    assert _counts(db) == before


def test_the_file_must_have_its_columns_and_at_least_one_score_column(db, sources, signer, tmp_path):
    path = _file(tmp_path, [["P001", "PEER", "2024-03-01", "x"]], header=["Learner ID", "Source", "Date", "Notes"])
    assert [p.describe() for p in _dry(db, signer, path).problems] == [
        "column How collected: missing required field: no column of the file is mapped to it",
        "column Rater name: missing required field: no column of the file is mapped to it",
        "column Scores: missing required field: no column holds scores. Head one column per competency with its "
        "code (C1, VE1, …), with a level in each cell and the cell left empty when not rated",
    ]


def test_a_survey_export_maps_its_question_columns_to_competencies_and_leaves_the_rest_unread(
    db, sources, signer, tmp_path
):
    header = ["Timestamp", "Email", "Learner ID", "Form", "Date", "Respondent", "Collected", "Q1 (VE1)", "Q2 (C1)"]
    rows = [["2024-03-01 10:02", "a@b.org", "P001", "PEER", "2024-03-01", "Grace Ho", "survey_export", "4", "5"]]
    path = _file(tmp_path, rows, header=header)
    mapping = {"score:VE1": "Q1 (VE1)", "score:c1": "Q2 (C1)", "source": "Form"}
    assert preview("ratings", path, mapping=mapping, remembered={}).mapping == {
        **mapping,
        "external_id": "Learner ID",
        "rated_on": "Date",
        "rater_name": "Respondent",
        "collection": "Collected",
    }
    dry = _dry(db, signer, path, mapping=mapping)
    assert dry.problems == [] and dry.inserted == 1
    assert _import(db, signer, path, mapping=mapping).value.inserted == 1
    with db.unit_of_work() as uow:
        (rating,) = uow.session.scalars(select(Rating)).all()
        assert {s.competency_id for s in rating.scores} == {sources.competencies["VE1"], sources.competencies["C1"]}
    wrong = _dry(db, signer, path, mapping={**mapping, "score:XX9": "Email"})
    assert [p.describe() for p in wrong.problems] == [
        "column Email: the mapping names an unknown competency code 'XX9'"
    ]


def test_importing_ratings_is_signed_with_the_importers_password_and_needs_the_import_permission(
    db, sources, signer, tmp_path
):
    path = _file(
        tmp_path, [["P001", "PEER", "2024-03-01", "Grace Ho", None, "paper_form", None, "4", None, None, None]]
    )
    before = _counts(db)
    with pytest.raises(ValidationError, match="Importing ratings is an attested act"):
        _import(db, signer, path, password=None, attested=False)
    with pytest.raises(AuthenticationError):
        _import(db, signer, path, password="not my password")
    with pytest.raises(PermissionDenied):
        _dry(db, VIEWER, path)
    with pytest.raises(PermissionDenied):
        _import(db, VIEWER, path)
    assert _counts(db) == (0, 0, before[2] + 1)  # only the failed signature is in the log
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == (
            "user.signature_failed"
        )
    assert _import(db, signer, path).value.inserted == 1


def test_imported_ratings_count_towards_a_ratings_requirement_from_records_and_packed_evidence(
    db, sources, signer, tmp_path
):
    credential = create_credential(
        db.unit_of_work(),
        EDUCATOR,
        code="VOICES",
        title="Many voices",
        requirements=[RequirementSpec("ratings", source_code="PEER", min_count=2, min_level_code="3")],
    ).value
    p = sources.people

    def states() -> dict[str, str]:
        found = {}
        everyone = {
            s.person_id: s
            for s in bulk.bulk_progress(
                db.unit_of_work(), EDUCATOR, person_ids=[p["P001"], p["P002"]], credential_ids=[credential.id],
                today=TODAY,
            )
        }  # fmt: skip
        for ext in ("P001", "P002"):
            page = person_progress(db.unit_of_work(), EDUCATOR, p[ext], credential.id, today=TODAY)
            assert everyone[p[ext]].status == page.status  # the packed projection and the records agree
            found[ext] = page.requirements[0].state
        return found

    assert states() == {"P001": "missing", "P002": "missing"}
    path = _file(
        tmp_path,
        [
            ["P001", "PEER", "2024-03-01", "Grace Ho", None, "paper_form", None, "4", "3", None, None],
            ["P001", "PEER", "2024-03-08", "Ana Ruiz", None, "interview", None, "3", None, "5", None],
            ["P002", "PEER", "2024-03-01", "Grace Ho", None, "paper_form", None, "4", None, None, None],
            ["P002", "PEER", "2024-03-02", "Ana Ruiz", None, "paper_form", None, "5", "2", None, None],  # one below 3
        ],
    )
    _import(db, signer, path)
    assert states() == {"P001": "met", "P002": "below_level"}
    with db.unit_of_work() as uow:
        assert evidence.stale_people(uow.session.connection()) == []


def test_an_archived_learner_or_the_importer_themselves_is_a_problem_of_the_learner_column(
    db, sources, signer, tmp_path
):
    people.archive_person(db.unit_of_work(), EDUCATOR, sources.people["P002"], "Left before starting")
    importer = dataclasses.replace(signer, person_id=sources.people["P001"])  # the importer is also a learner
    path = _file(
        tmp_path,
        [
            ["P001", "PEER", "2024-03-01", "Grace Ho", None, "paper_form", None, "4", None, None, None],
            ["P002", "PEER", "2024-03-01", "Grace Ho", None, "paper_form", None, "4", None, None, None],
            ["P003", "PEER", "2024-03-01", "Grace Ho", None, "paper_form", None, "4", None, None, None],
        ],
    )
    before = _counts(db)
    assert [p.describe() for p in _dry(db, importer, path).problems] == [
        "row 2, column Learner ID: this rating is about you: nobody records ratings about themselves; ask a colleague",
        "row 3, column Learner ID: person 'P002' is archived; records can no longer be added",
    ]
    with pytest.raises(ImportRejectedError):
        _import(db, importer, path)
    assert _counts(db)[:2] == before[:2]


def test_score_columns_must_name_one_competency_each(db, sources, signer, tmp_path):
    with db.unit_of_work() as uow:
        other = Framework(code="LOCAL", name="Local framework")
        uow.session.add(other)
        uow.session.flush()
        uow.session.add(Competency(framework_id=other.id, code="C1", label="Local C1"))
        uow.session.commit()
    row = ["P001", "PEER", "2024-03-01", "Grace Ho", None, "paper_form", None, "4", "3"]
    path = _file(tmp_path, [row], header=[*HEADER, "VE1", "C1"])
    assert [p.describe() for p in _dry(db, signer, path).problems] == [
        "column C1: competency code 'C1' is in several frameworks; head the column FRAMEWORK:CODE, e.g. IPEC-2023:VE1"
    ]
    path = _file(tmp_path, [[*row, "4"]], header=[*HEADER, "VE1", "IPEC-2023:C1", "ve 1"])
    assert [p.describe() for p in _dry(db, signer, path).problems] == [
        "column ve 1: columns 'VE1' and 've 1' both hold scores for VE1: keep one"
    ]
    path = _file(tmp_path, [row], header=[*HEADER, "VE1", "IPEC-2023:C1"])
    assert _import(db, signer, path).value.inserted == 1

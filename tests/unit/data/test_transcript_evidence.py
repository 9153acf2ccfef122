"""The transcript lists the learner's standing ratings (not voided) and standing improvement work (confirmed,
not voided), in its data and on paper; a rater is shown by source and profession, never by name."""

from __future__ import annotations

import datetime as dt

import pytest

from credtrack.models import (
    ImprovementMember,
    ImprovementWork,
    Rating,
    RatingScore,
    RatingSource,
    User,
)
from credtrack.reports.transcript import load_transcript, write_transcript
from credtrack.reports.transcript_evidence import TranscriptRating, TranscriptWork
from tests.unit.certificates.helpers import pdf_text
from tests.unit.data.conftest import VIEWER

D = dt.date
ADVISOR = "Margaret Oyelaran"
COLLEAGUE = "Tomás Ibarra"
MEMBERS = ("Ines Ferreira", "Sam Lee")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def evidence(db, history):
    """P001 (Nursing): a patient advisor's rating, a pharmacist colleague's, and a voided one; a confirmed QI
    project with a physician and a social worker, a safety review not yet confirmed and a voided teach-back.
    P002 has a rating of their own."""
    ids, lv, comp = history.people, history.levels, history.competencies
    entrust = history.scales["ENTRUST5"]
    with db.unit_of_work() as uow:
        s = uow.session
        supervisor = User(username="sup", display_name="Dr. Amara Okonkwo", password_hash="x", role="educator")
        patient = RatingSource(code="PATIENT", name="Patient or family advisor", scale_id=entrust)
        peer = RatingSource(code="PEER-IP", name="Colleague of another profession", scale_id=entrust)
        s.add_all([supervisor, patient, peer])
        s.flush()

        def rate(ext, source, on, rater, scores, profession=None, voided=False, collection="paper_form"):
            rating = Rating(
                person_id=ids[ext],
                source_id=source.id,
                scale_id=entrust,
                rated_on=on,
                rater_name=rater,
                rater_profession_id=history.professions[profession] if profession else None,
                collection=collection,
                attestation_accepted=True,
                voided_at=dt.datetime(2024, 3, 1) if voided else None,
                void_reason="about another learner" if voided else None,
            )
            rating.scores = [
                RatingScore(competency_id=comp[code], scale_id=entrust, level_id=lv[("ENTRUST5", level)])
                for code, level in scores.items()
            ]
            s.add(rating)

        rate("P001", patient, D(2024, 2, 10), ADVISOR, {"VE1": "4", "C1": "5"}, collection="interview")
        rate("P001", peer, D(2024, 2, 12), COLLEAGUE, {"RR1": "3"}, profession="PHARM", collection="signed")
        rate("P001", patient, D(2024, 2, 14), "Joseph Kamau", {"VE2": "2"}, voided=True)
        rate("P002", patient, D(2024, 2, 11), "Someone Else", {"TT1": "5"})

        def work(kind, title, ended, *, confirmed=True, voided=False, team=()):
            w = ImprovementWork(
                person_id=ids["P001"],
                kind=kind,
                title=title,
                role="Project lead",
                started_on=D(2024, 1, 10),
                ended_on=ended,
                learner_profession_id=history.professions["NURS"],
                confirmed_by_id=supervisor.id if confirmed else None,
                confirmed_at=dt.datetime(2024, 2, 20) if confirmed else None,
                voided_at=dt.datetime(2024, 2, 25) if voided else None,
                void_reason="recorded for the wrong learner" if voided else None,
            )
            w.members = [
                ImprovementMember(position=i, name=name, profession_id=history.professions[prof])
                for i, (name, prof) in enumerate(team)
            ]
            s.add(w)

        work(
            "qi_project",
            "Sepsis screening within an hour",
            D(2024, 2, 15),
            team=list(zip(MEMBERS, ("MED", "SW"), strict=True)),
        )
        work("safety_review", "Medication near miss review", D(2024, 2, 16), confirmed=False)
        work("teach_back", "Teach-back on discharge", D(2024, 2, 17), voided=True)
        uow.commit()
    return history


def test_transcript_data_lists_standing_ratings_and_confirmed_work_only(db, evidence):
    with db.unit_of_work() as uow:
        data = load_transcript(uow.session, "P001", today=D(2024, 3, 1))
    assert data.ratings == [
        TranscriptRating(
            D(2024, 2, 10), "Patient or family advisor", "", "Interview", "C1 Entrustment 5, VE1 Entrustment 4"
        ),
        TranscriptRating(
            D(2024, 2, 12), "Colleague of another profession", "Pharmacy", "Signed by the rater", "RR1 Entrustment 3"
        ),
    ]
    assert data.works == [
        TranscriptWork(
            D(2024, 2, 15),
            "QI project",
            "Sepsis screening within an hour",
            "Project lead",
            D(2024, 1, 10),
            ("Medicine", "Nursing", "Social work"),
            "Dr. Amara Okonkwo",
        )
    ]
    assert ADVISOR not in repr(data) and COLLEAGUE not in repr(data)  # the data a screen could show names no rater
    with db.unit_of_work() as uow:
        other = load_transcript(uow.session, "P002", today=D(2024, 3, 1))
    assert [r.rated_on for r in other.ratings] == [D(2024, 2, 11)] and other.works == []


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_transcript_pdf_prints_the_ratings_and_work_without_naming_a_rater(db, evidence, tmp_path, paper):
    out = write_transcript(db.unit_of_work(), VIEWER, "P001", tmp_path / "p001.pdf", today=D(2024, 3, 1), paper=paper)
    text = _flat(pdf_text(out))
    for expected in [
        "Multi-source ratings (2)",
        "2024-02-10 Patient or family advisor — Interview C1 Entrustment 5, VE1 Entrustment 4",
        "2024-02-12 Colleague of another profession Pharmacy Signed by the rater RR1 Entrustment 3",
        "Improvement work (1)",
        "2024-02-15 QI project – Sepsis screening within an hour Project lead",
        "3 professions: Medicine, Nursing, Social work",
        "Dr. Amara Okonkwo",
    ]:
        assert expected in text, expected
    for absent in (ADVISOR, COLLEAGUE, "Joseph Kamau", "Someone Else", *MEMBERS):
        assert absent not in text, absent  # no rater is named, nor a team member
        assert absent.encode("utf-8") not in out.read_bytes()
    # The voided rating, the unconfirmed and the voided work are left out.
    assert "2024-02-14" not in text and "VE2" not in text
    assert "Medication near miss review" not in text and "Teach-back on discharge" not in text


def test_a_transcript_without_ratings_or_work_says_so(db, history, tmp_path):
    text = _flat(pdf_text(write_transcript(db.unit_of_work(), VIEWER, "P003", tmp_path / "p3.pdf", paper="A4")))
    assert "Multi-source ratings (0) No ratings recorded." in text
    assert "Improvement work (0) No confirmed improvement work recorded." in text

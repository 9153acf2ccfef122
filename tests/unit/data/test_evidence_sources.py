"""The two answers to the judge's questions agree: the stored projection everyone's progress is read from
(bulk progress, dashboard, reports) and one person's records read from the database (their page, issuing)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from credtrack import demo
from credtrack.models import (
    Assessment,
    Completion,
    Credential,
    CredentialRequirement,
    ImprovementWork,
    Module,
    Person,
    Rating,
    RatingSource,
    ScaleLevel,
    User,
    evidence,
)
from credtrack.models.enums import IMPROVEMENT_KINDS
from credtrack.reports import achievement
from credtrack.reports.achievement import Achievements
from credtrack.rules.evidence import RecordsEvidence
from credtrack.rules.judge import first_met
from credtrack.services.progress.person import facts_of, load_person_records, load_rules
from credtrack.services.progress.stored import EvidenceReader


@pytest.fixture
def demo_db(db):
    demo.load_demo(db, 60, today=dt.date(2026, 6, 15))
    with db.unit_of_work() as uow:
        # Some records voided, as corrections leave them.
        for model in (Completion, Assessment, Rating, ImprovementWork):
            uow.session.execute(
                update(model)
                .where(model.id % 11 == 0)
                .values(voided_at=dt.datetime(2026, 5, 1), void_reason="Entered in error")
            )
        evidence.rebuild(uow.session.connection())
        uow.commit()
    return db


def test_stored_and_in_memory_evidence_answer_every_question_alike(demo_db) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        people = list(s.scalars(select(Person.id).order_by(Person.id)))
        reader = EvidenceReader(s)
        reader.read_precepting(s, people)
        stored = reader.group(people)
        in_memory = RecordsEvidence([facts_of(load_person_records(s, pid)) for pid in people])
        modules = list(s.scalars(select(Module.id)))
        questions = set(
            s.execute(
                select(CredentialRequirement.competency_id, CredentialRequirement.scale_id).where(
                    CredentialRequirement.kind == "competency"
                )
            ).all()
        )
        ranks = sorted(set(s.scalars(select(ScaleLevel.rank))))
        module_sets = [
            list(
                s.scalars(
                    select(CredentialRequirement.module_id).where(
                        CredentialRequirement.credential_id == cid, CredentialRequirement.kind == "module"
                    )
                )
            )
            for cid in s.scalars(select(Credential.id))
        ]
    assert len(stored) == len(in_memory) == len(people) and questions and modules
    for module in modules:
        assert stored.has_completion(module) == in_memory.has_completion(module)
        assert stored.latest_completion(module) == in_memory.latest_completion(module)
        assert stored.all_completed_by([module]) == in_memory.all_completed_by([module])
    for ids in module_sets:
        assert stored.all_completed_by(ids) == in_memory.all_completed_by(ids)
    answered = 0
    for competency, scale in questions:
        assert stored.best_rank(competency, scale) == in_memory.best_rank(competency, scale)
        for rank in [None, *ranks]:
            assert stored.first_sign_off(competency, scale, rank) == in_memory.first_sign_off(competency, scale, rank)
            assert stored.assessor_professions(competency, scale, rank) == in_memory.assessor_professions(
                competency, scale, rank
            )
            answered += sum(day is not None for day in stored.first_sign_off(competency, scale, rank))
    assert answered > 50  # the demo really holds sign-offs to compare
    sources = list(demo_db_sources(demo_db))
    rated = 0
    for source in sources:
        for rank in [None, *ranks]:
            assert stored.rating_days(source, rank) == in_memory.rating_days(source, rank)
            rated += sum(bool(days) for days in stored.rating_days(source, rank))
    assert stored.rating_sources() == in_memory.rating_sources()
    assert rated > 10 and sum(len(found) >= 2 for found in stored.rating_sources()) > 3  # the demo holds ratings
    worked = 0
    for kind in IMPROVEMENT_KINDS:
        for professions in range(7):
            assert stored.improvement_days(kind, professions) == in_memory.improvement_days(kind, professions)
            worked += sum(bool(days) for days in stored.improvement_days(kind, professions))
    broad = stored.improvement_days("qi_project", 3)
    assert worked > 10 and sum(bool(days) for days in broad) >= 2  # the demo holds confirmed, broad QI projects
    # What each person precepted: the grouped query and the preceptor's own rows filtered in memory.
    assert stored.precepted() == in_memory.precepted()
    given = [len(found) for found in stored.precepted() if found]
    assert len(given) >= 3 and min(given) >= 10  # the demo's preceptors have signed off many learners
    picked = [3, 0, 7]
    assert stored.select(picked).best_rank(*min(questions)) == in_memory.select(picked).best_rank(*min(questions))
    assert stored.select(picked).precepted() == in_memory.select(picked).precepted()


def demo_db_sources(db) -> list[int]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(RatingSource.id)))


def test_achievements_are_the_same_found_credential_by_credential_or_in_one_pass(demo_db, monkeypatch) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        credentials = list(s.scalars(select(Credential.id)))
        people = list(s.scalars(select(Person.id)))
        monkeypatch.setattr(achievement, "_ONE_PASS_FROM", len(credentials) + 1)
        alone = Achievements(s)
        monkeypatch.setattr(achievement, "_ONE_PASS_FROM", 0)
        together = Achievements(s)
        got_alone = {c: alone.days(c) for c in credentials}
        assert got_alone == {c: together.days(c) for c in credentials}
        assert sum(len(days) for days in got_alone.values()) >= 5
        assert [alone.first_of(p, credentials) for p in people] == [together.first_of(p, credentials) for p in people]


def test_a_preceptor_s_first_achievement_is_found_alike_from_the_grouped_query_and_their_records(demo_db) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        ipf = s.scalar(select(Credential.id).where(Credential.code == "IP-FACILITATION"))
        found = Achievements(s, [ipf]).days(ipf)
        rules = load_rules(s, [ipf])[ipf]
        preceptors = sorted(s.scalars(select(User.person_id).where(User.person_id.is_not(None))))
        expected = {}
        for p in preceptors:
            (day,) = first_met(rules, RecordsEvidence([facts_of(load_person_records(s, p))]))
            if day is not None:
                expected[p] = day
    assert found == expected
    assert found  # the demo has a preceptor who earned Interprofessional facilitation

"""The first-achievement days projection: the reports read from it only what is in step with the evidence and
the rules, so what they answer is what judging everyone afresh answers, whatever changed since a refresh."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, select, text, update

from credtrack import demo
from credtrack.models import (
    AchievedDays,
    AchievedRules,
    Assessment,
    Completion,
    Credential,
    CredentialRequirement,
    PersonEvidence,
    evidence,
)
from credtrack.reports import achieved_refresh
from credtrack.reports.achievement import Achievements

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def demo_db(db):
    demo.load_demo(db, 150, today=TODAY)  # the demo ends with the projection built
    return db


def _all_days(session, stored: bool) -> dict[int, dict[int, dt.date]]:
    ids = list(session.scalars(select(Credential.id)))
    found = Achievements(session, ids, stored=stored)
    return {cid: found.days(cid) for cid in ids}


def _agree(db) -> Achievements:
    """The days read through the projection equal those judged afresh, for every credential."""
    with db.unit_of_work() as uow:
        s = uow.session
        fresh = _all_days(s, stored=False)
        assert _all_days(s, stored=True) == fresh
        assert sum(len(days) for days in fresh.values()) >= 20  # the demo really has achievements to compare
        return Achievements(s, list(fresh))


def _void_behind_the_services(db, model, every: int) -> set[int]:
    """Void every ``every``-th record and re-pack those people, as correcting records does; their people."""
    with db.unit_of_work() as uow:
        s = uow.session
        people = set(s.scalars(select(model.person_id).where(model.id % every == 0, model.voided_at.is_(None))))
        s.execute(
            update(model).where(model.id % every == 0).values(voided_at=dt.datetime(2026, 6, 1), void_reason="Wrong")
        )
        evidence.refresh(s.connection(), people)
        uow.commit()
    return people


def test_a_refreshed_projection_answers_for_everyone_and_a_second_refresh_writes_nothing(demo_db) -> None:
    found = _agree(demo_db)
    assert found.trusted is not None and found.trusted.stale == []
    with demo_db.unit_of_work() as uow:
        assert achieved_refresh.refresh(uow.session) == achieved_refresh.Refreshed(0, 0, 0)
        people = uow.session.scalar(select(func.count()).select_from(PersonEvidence))
        assert uow.session.scalar(select(func.count()).select_from(AchievedDays)) == people


def test_people_whose_evidence_changed_are_judged_again_until_a_refresh_stores_them(demo_db) -> None:
    changed = _void_behind_the_services(demo_db, Completion, 7) | _void_behind_the_services(demo_db, Assessment, 5)
    found = _agree(demo_db)
    assert found.trusted is not None
    # Exactly the people whose packed rows changed are out of step (a voided record can leave a row as it was).
    with demo_db.unit_of_work() as uow:
        moved = set(uow.session.scalars(
            select(AchievedDays.person_id)
            .join(PersonEvidence, PersonEvidence.person_id == AchievedDays.person_id)
            .where(PersonEvidence.digest != AchievedDays.evidence_digest)
        ))  # fmt: skip
    assert moved and moved <= changed and set(found.trusted.stale) == moved
    with demo_db.unit_of_work() as uow:
        done = achieved_refresh.refresh(uow.session)
        uow.commit()
    assert done.people_written <= len(moved) and done.credentials_judged == 0
    found = _agree(demo_db)
    assert found.trusted is not None and found.trusted.stale == []


def test_a_credential_whose_rules_changed_is_judged_afresh_for_everyone(demo_db) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        # The credential most people achieved loses a requirement: some who had not achieved it now have.
        achieved = dict(
            s.execute(
                text(
                    "SELECT credential_id, count(*) FROM credential_requirement "
                    "GROUP BY credential_id HAVING count(*) > 1"
                )
            ).all()
        )
        cid = max(achieved, key=lambda c: achieved[c])
        last = s.scalar(select(func.max(CredentialRequirement.id)).where(CredentialRequirement.credential_id == cid))
        before = len(Achievements(s, [cid], stored=False).days(cid))
        s.execute(delete(CredentialRequirement).where(CredentialRequirement.id == last))
        uow.commit()
    found = _agree(demo_db)
    assert found.trusted is not None and cid not in found.trusted.credentials
    with demo_db.unit_of_work() as uow:
        assert len(Achievements(uow.session, [cid]).days(cid)) >= before
        done = achieved_refresh.refresh(uow.session)
        uow.commit()
    assert done.credentials_judged == 1
    found = _agree(demo_db)
    assert found.trusted is not None and cid in found.trusted.credentials


def test_a_person_left_with_no_evidence_loses_their_row_and_a_precepting_credential_is_never_stored(demo_db) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        # Someone whose only evidence is completions and sign-offs: voided, they have no packed row left.
        person = s.scalar(
            select(PersonEvidence.person_id)
            .where(PersonEvidence.ratings == "", PersonEvidence.improvement == "")
            .order_by(PersonEvidence.person_id)
        )
        assert s.get(AchievedDays, person) is not None
        for model in (Completion, Assessment):
            s.execute(update(model).where(model.person_id == person).values(voided_at=dt.datetime(2026, 6, 1)))
        evidence.refresh(s.connection(), [person])
        assert s.get(PersonEvidence, person) is None
        assert achieved_refresh.refresh(s) == achieved_refresh.Refreshed(0, 1, 0)
        uow.commit()
        assert s.scalar(select(AchievedDays.person_id).where(AchievedDays.person_id == person)) is None
        precepting = set(
            s.scalars(select(CredentialRequirement.credential_id).where(CredentialRequirement.kind == "precepting"))
        )
        assert precepting  # the demo's facilitation credential asks for a precepting record
        assert not precepting & set(s.scalars(select(AchievedRules.credential_id)))
    _agree(demo_db)


def test_a_digest_that_is_not_that_of_its_row_is_found_by_the_evidence_check(demo_db) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        assert evidence.stale_people(s.connection()) == []
        person = s.scalar(select(PersonEvidence.person_id).order_by(PersonEvidence.person_id))
        s.execute(
            update(PersonEvidence).where(PersonEvidence.person_id == person).values(digest=PersonEvidence.digest + 1)
        )
        assert evidence.stale_people(s.connection()) == [person]


def test_a_database_with_no_credential_yet_keeps_nothing(db) -> None:
    with db.unit_of_work() as uow:
        assert achieved_refresh.refresh(uow.session) == achieved_refresh.Refreshed(0, 0, 0)
        assert uow.session.scalar(select(func.count()).select_from(AchievedDays)) == 0

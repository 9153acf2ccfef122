"""The database itself refuses records that would corrupt history, and the session stays usable."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from credtrack.models import Assessment, Completion, Person, Profession, Scale, ScaleLevel
from credtrack.services import setup


@pytest.fixture
def seeded(db):
    setup.load_starter_data(db.unit_of_work())
    with db.unit_of_work() as uow:
        person = Person(external_id="E-1", full_name="Zoë O'Brien-Łukasiewicz")
        person.refresh_search_key()
        uow.session.add(person)
        uow.commit()
    return db


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_duplicate_external_id_is_refused_and_session_stays_usable(seeded):
    with seeded.unit_of_work() as uow:
        uow.session.add(Person(external_id="E-1", full_name="Someone Else", search_key="x"))
        with pytest.raises(IntegrityError):
            uow.session.flush()
        uow.session.rollback()
        assert _count(uow.session, Person) == 1
        uow.session.add(Person(external_id="E-2", full_name="Another Person", search_key="y"))
        uow.commit()
    with seeded.unit_of_work() as uow:
        assert _count(uow.session, Person) == 2


def test_completion_for_an_unknown_module_is_refused(seeded):
    with seeded.unit_of_work() as uow:
        pid = uow.session.scalar(select(Person.id))
        uow.session.add(Completion(person_id=pid, module_id=987654, completed_on=dt.date(2026, 1, 5)))
        with pytest.raises(IntegrityError):
            uow.session.flush()
        uow.session.rollback()
        assert _count(uow.session, Completion) == 0
        assert _count(uow.session, Profession) > 0  # still usable


def test_assessment_level_from_another_scale_is_refused(seeded):
    from credtrack.models import Competency

    with seeded.unit_of_work() as uow:
        s = uow.session
        pid = s.scalar(select(Person.id))
        competency_id = s.scalar(select(Competency.id).where(Competency.code == "C1"))
        entrust = s.scalar(select(Scale).where(Scale.code == "ENTRUST5"))
        bondy_level = s.scalar(select(ScaleLevel).join(Scale).where(Scale.code == "BONDY5", ScaleLevel.rank == 3))
        s.add(
            Assessment(
                person_id=pid,
                competency_id=competency_id,
                scale_id=entrust.id,
                level_id=bondy_level.id,
                assessed_on=dt.date(2026, 1, 5),
                method="direct_observation",
                attestation_accepted=True,
            )
        )
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()
        assert _count(s, Assessment) == 0
        own_level = s.scalar(select(ScaleLevel.id).where(ScaleLevel.scale_id == entrust.id, ScaleLevel.rank == 3))
        s.add(
            Assessment(
                person_id=pid,
                competency_id=competency_id,
                scale_id=entrust.id,
                level_id=own_level,
                assessed_on=dt.date(2026, 1, 5),
                method="direct_observation",
                attestation_accepted=True,
            )
        )
        uow.commit()
    with seeded.unit_of_work() as uow:
        assert _count(uow.session, Assessment) == 1


@pytest.mark.parametrize(
    "values",
    [
        {"status": "on_holiday"},
        {"start_date": dt.date(2026, 5, 1), "end_date": dt.date(2026, 4, 1)},
        {"full_name": "   "},
    ],
    ids=["unknown-status", "end-before-start", "blank-name"],
)
def test_check_constraints_on_people(seeded, values):
    data = {"external_id": "E-9", "full_name": "Valid Name", "search_key": "k"} | values
    with seeded.unit_of_work() as uow:
        uow.session.add(Person(**data))
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_sign_off_without_attestation_is_refused_by_the_database(seeded):
    from credtrack.models import Competency

    with seeded.unit_of_work() as uow:
        s = uow.session
        scale = s.scalar(select(Scale).where(Scale.code == "METNOT"))
        s.add(
            Assessment(
                person_id=s.scalar(select(Person.id)),
                competency_id=s.scalar(select(Competency.id).where(Competency.code == "TT1")),
                scale_id=scale.id,
                level_id=scale.levels[1].id,
                assessed_on=dt.date(2026, 1, 5),
                method="simulation",
                attestation_accepted=False,
            )
        )
        with pytest.raises(IntegrityError):
            s.flush()


def test_a_refused_write_does_not_repeat_the_values_in_its_message(seeded):
    """A failed import of many rows used to print every row's name and e-mail into the error."""
    with seeded.unit_of_work() as uow:
        uow.session.add_all(
            [
                Person(
                    external_id=f"E-{i}",
                    full_name=f"Private Person {i}",
                    search_key="x",
                    email=f"private{i}@example.org",
                )
                for i in (2, 3, 1)
            ]
        )
        with pytest.raises(IntegrityError) as refused:
            uow.session.flush()
    # PostgreSQL names the key in conflict; no name or e-mail of any row is repeated.
    assert "Private Person" not in str(refused.value) and "private2@" not in str(refused.value)

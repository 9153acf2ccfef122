"""The packed evidence rows stay in step with completions and sign-offs through every service that changes them."""

from __future__ import annotations

from sqlalchemy import select, text, update

from credtrack.models import Completion, PersonEvidence, evidence
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records
from tests.unit.records.builders import PASSWORD, World, build_world, complete, signoff


def _packed(w: World, person: int) -> tuple[str, str]:
    with w.uow() as uow:
        row = uow.session.execute(
            select(PersonEvidence.completions, PersonEvidence.sign_offs).where(PersonEvidence.person_id == person)
        ).one_or_none()
        assert evidence.stale_people(uow.session.connection()) == []
        return tuple(row) if row else ("", "")  # type: ignore[return-value]


def _module_id(w: World, code: str) -> int:
    with w.uow() as uow:
        return uow.session.execute(text("SELECT id FROM module WHERE code = :c"), {"c": code}).scalar_one()


def test_recording_verifying_and_voiding_keep_the_packed_rows_current(db) -> None:
    w = build_world(db)
    assert _packed(w, w.learner) == ("", "")

    onb = complete(w, "ONB-101", "2026-02-01")
    sim = complete(w, "SIM-1", "2026-02-03")  # awaits verification: not evidence yet
    done, _signed = _packed(w, w.learner)
    assert f",{_module_id(w, 'ONB-101')}:2026-02-01," in done
    assert f",{_module_id(w, 'SIM-1')}:" not in done

    completion_records.verify_completion(w.uow(), w.preceptor, sim.id, password=PASSWORD)
    assert f",{_module_id(w, 'SIM-1')}:2026-02-03," in _packed(w, w.learner)[0]

    high = signoff(w, "C1", "4", "2026-03-01")
    signoff(w, "TT1", "3", "2026-03-02", actor=w.preceptor_pharm)
    assert _packed(w, w.learner)[1].count(",") == 3  # two sign-off tokens between commas

    signoff_records.void_assessment(w.uow(), w.preceptor, high.id, "Signed the wrong competency")
    completion_records.void_completion(w.uow(), w.educator, onb.id, "Entered for the wrong person")
    done, signed = _packed(w, w.learner)
    assert f",{_module_id(w, 'ONB-101')}:" not in done and f",{_module_id(w, 'SIM-1')}:" in done
    assert signed.count(",") == 2  # only the TT1 sign-off stands

    assert _packed(w, w.learner2) == ("", "")  # nobody else's row moved


def test_a_change_made_behind_the_services_back_is_found_and_rebuilt(db) -> None:
    w = build_world(db)
    complete(w, "ONB-101", "2026-02-01")
    complete(w, "ONB-101", "2026-02-01", person=w.learner2)
    with w.uow() as uow:
        uow.session.execute(
            update(Completion)
            .where(Completion.person_id == w.learner2)
            .values(void_reason="typed straight into the database", voided_at=text("CURRENT_TIMESTAMP"))
        )
        assert evidence.stale_people(uow.session.connection()) == [w.learner2]
        evidence.rebuild(uow.session.connection())
        assert evidence.stale_people(uow.session.connection()) == []
        uow.commit()
    assert _packed(w, w.learner2) == ("", "")

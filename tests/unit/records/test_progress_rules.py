"""Credential progress rules: each requirement type, recurring expiry, verification, assessor
professions and voided records. Every check also holds the bulk form equal to the detail."""

from __future__ import annotations

import datetime as dt

from credtrack.rules.dates import months_after
from credtrack.services import catalog
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records
from tests.unit.records.builders import (
    PASSWORD,
    build_world,
    complete,
    credential,
    signoff,
)
from tests.unit.records.progress_check import progress_of, states


def test_a_module_requirement_is_met_by_a_completion(db) -> None:
    w = build_world(db)
    cid = credential(w, "MOD-ONLY", modules=("ONB-101",))
    before = progress_of(w, cid)
    assert (before.status, before.met, before.total, states(before)) == ("not_started", 0, 1, {"ONB-101": "missing"})
    done = complete(w, "ONB-101", "2026-02-01")
    after = progress_of(w, cid)
    assert (after.status, after.met) == ("eligible", 1)
    evidence = after.requirements[0].evidence
    assert evidence is not None and (evidence.record_id, evidence.on) == (done.id, dt.date(2026, 2, 1))


def test_a_competency_counts_at_or_above_the_level_not_below_and_not_on_another_scale(db) -> None:
    w = build_world(db)
    cid = credential(w, "COMP-ONLY", competencies=(("C1", "ENTRUST5", "3"),))
    signoff(w, "C1", "5", "2026-02-01", scale="BONDY5")  # the top of another scale does not count
    p = progress_of(w, cid)
    assert (p.status, p.met, states(p)) == ("not_started", 0, {"C1": "missing"})
    signoff(w, "C1", "2", "2026-02-02")
    p = progress_of(w, cid)
    assert (p.status, p.met, states(p)) == ("in_progress", 0, {"C1": "below_level"})
    at_level = signoff(w, "C1", "3", "2026-02-03")
    p = progress_of(w, cid)
    assert (p.status, p.met, states(p)) == ("eligible", 1, {"C1": "met"})
    assert p.requirements[0].evidence is not None and p.requirements[0].evidence.record_id == at_level.id


def test_a_signoff_above_the_level_counts(db) -> None:
    w = build_world(db)
    cid = credential(w, "COMP-HIGH", competencies=(("TT1", "ENTRUST5", "3"),))
    signoff(w, "TT1", "5", "2026-02-01")
    assert progress_of(w, cid).status == "eligible"


def test_months_after_clamps_to_the_last_day_of_the_month() -> None:
    assert months_after(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert months_after(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert months_after(dt.date(2025, 3, 31), 1) == dt.date(2025, 4, 30)
    assert months_after(dt.date(2025, 12, 31), 2) == dt.date(2026, 2, 28)
    assert months_after(dt.date(2025, 6, 15), 12) == dt.date(2026, 6, 15)
    assert months_after(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)


def test_a_recurring_module_expires_after_its_validity(db) -> None:
    w = build_world(db)
    cid = credential(w, "BLS-ONLY", modules=("BLS",))  # BLS is valid 12 months
    complete(w, "BLS", "2025-06-15")
    last_day = progress_of(w, cid, today=dt.date(2026, 6, 15))
    assert states(last_day) == {"BLS": "met"}
    assert last_day.requirements[0].evidence.valid_until == dt.date(2026, 6, 15)  # type: ignore[union-attr]
    lapsed = progress_of(w, cid, today=dt.date(2026, 6, 16))
    assert (lapsed.status, lapsed.met, states(lapsed)) == ("expired", 0, {"BLS": "expired"})
    complete(w, "BLS", "2026-06-14")  # renewed: the newest completion counts
    renewed = progress_of(w, cid, today=dt.date(2026, 6, 16))
    assert (renewed.status, renewed.renewal_date) == ("eligible", dt.date(2027, 6, 14))


def test_a_one_month_module_done_on_31_january_lasts_until_the_end_of_february(db) -> None:
    w = build_world(db)
    catalog.create_module(
        w.uow(), w.educator, code="HUDDLE", title="Monthly safety huddle", kind="huddle", validity_months=1
    )
    cid = credential(w, "HUDDLE-ONLY", modules=("HUDDLE",))
    complete(w, "HUDDLE", "2026-01-31")
    assert states(progress_of(w, cid, today=dt.date(2026, 2, 28))) == {"HUDDLE": "met"}
    assert progress_of(w, cid, today=dt.date(2026, 2, 28)).renewal_date == dt.date(2026, 2, 28)
    assert states(progress_of(w, cid, today=dt.date(2026, 3, 1))) == {"HUDDLE": "expired"}
    complete(w, "HUDDLE", "2026-01-28")  # an older completion is not the one that counts
    assert states(progress_of(w, cid, today=dt.date(2026, 3, 1))) == {"HUDDLE": "expired"}


def test_a_completion_awaiting_verification_does_not_count_until_verified(db) -> None:
    w = build_world(db)
    cid = credential(w, "SIM-ONLY", modules=("SIM-1",))
    pending = complete(w, "SIM-1", "2026-03-01")
    assert pending.verification == "pending"
    assert (progress_of(w, cid).status, states(progress_of(w, cid))) == ("not_started", {"SIM-1": "missing"})
    verified = completion_records.verify_completion(w.uow(), w.preceptor, pending.id, password=PASSWORD).value
    assert verified.verification == "verified"
    assert progress_of(w, cid).status == "eligible"


def test_a_completion_verified_when_recorded_counts_at_once(db) -> None:
    w = build_world(db)
    cid = credential(w, "SIM-NOW", modules=("SIM-1",))
    assert (
        complete(w, "SIM-1", "2026-03-01", actor=w.preceptor, verify=True, password=PASSWORD).verification == "verified"
    )
    assert progress_of(w, cid).status == "eligible"


def test_the_assessor_profession_rule_needs_distinct_professions_at_the_level(db) -> None:
    w = build_world(db)
    cid = credential(w, "TEAM", competencies=(("C1", "ENTRUST5", "3"), ("TT1", "ENTRUST5", "3")), min_professions=2)
    signoff(w, "C1", "4", "2026-02-01")  # a nurse
    signoff(w, "TT1", "3", "2026-02-02")  # the same nurse
    p = progress_of(w, cid)
    assert (p.status, p.met, p.total, p.assessor_professions) == ("in_progress", 2, 2, ["Nursing"])
    assert not p.professions_ok
    signoff(w, "TT1", "2", "2026-02-03", actor=w.preceptor_pharm)  # below the level: not counted
    signoff(w, "TT1", "5", "2026-02-04", actor=w.educator)  # no profession on record: not counted
    signoff(w, "TT1", "5", "2026-02-05", scale="BONDY5", actor=w.preceptor_med)  # another scale
    assert progress_of(w, cid).assessor_professions == ["Nursing"]
    assert progress_of(w, cid).status == "in_progress"
    pharm = signoff(w, "C1", "3", "2026-02-06", actor=w.preceptor_pharm)
    p = progress_of(w, cid)
    assert (p.status, p.assessor_professions) == ("eligible", ["Nursing", "Pharmacy"])
    signoff_records.void_assessment(w.uow(), w.preceptor_pharm, pharm.id, "Signed the wrong learner")
    assert progress_of(w, cid).status == "in_progress"


def test_a_voided_completion_does_not_count(db) -> None:
    w = build_world(db)
    cid = credential(w, "VOID-MOD", modules=("ONB-101",))
    done = complete(w, "ONB-101", "2026-02-01")
    assert progress_of(w, cid).status == "eligible"
    completion_records.void_completion(w.uow(), w.educator, done.id, "Entered for the wrong person")
    assert (progress_of(w, cid).status, progress_of(w, cid).met) == ("not_started", 0)


def test_a_voided_signoff_does_not_count(db) -> None:
    w = build_world(db)
    cid = credential(w, "VOID-COMP", competencies=(("C1", "ENTRUST5", "3"),))
    signoff(w, "C1", "2", "2026-02-01")
    high = signoff(w, "C1", "5", "2026-02-02")
    assert progress_of(w, cid).status == "eligible"
    signoff_records.void_assessment(w.uow(), w.preceptor, high.id, "Wrong competency")
    p = progress_of(w, cid)
    assert (p.status, states(p)) == ("in_progress", {"C1": "below_level"})


def test_full_credential_walkthrough(db) -> None:
    """The world's credential: four modules (one recurring, one verified, one needing enrolment),
    two competencies and two assessor professions."""
    w = build_world(db)
    cid = w.credential_id
    assert progress_of(w, cid).status == "not_started"
    complete(w, "ONB-101", "2026-01-10")
    complete(w, "BLS", "2026-01-11")
    complete(w, "UNIT-ORI", "2026-01-12")
    sim = complete(w, "SIM-1", "2026-01-13")
    signoff(w, "C1", "3", "2026-02-01")
    signoff(w, "TT1", "4", "2026-02-02", actor=w.preceptor_med)
    p = progress_of(w, cid)
    assert (p.status, p.met, p.total) == ("in_progress", 5, 6)
    completion_records.verify_completion(w.uow(), w.preceptor, sim.id, password=PASSWORD)
    p = progress_of(w, cid)
    assert (p.status, p.met, p.assessor_professions) == ("eligible", 6, ["Medicine", "Nursing"])
    assert p.renewal_date == dt.date(2027, 1, 11)  # when BLS lapses
    assert progress_of(w, cid, today=dt.date(2027, 1, 12)).status == "expired"

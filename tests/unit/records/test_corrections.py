"""Correcting records: void with a reason, verify what awaits verification, confirm historical sign-offs,
and record a genuine repeat — with progress, the packed evidence and the audit log following at once."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from credtrack.errors import AuthenticationError, DuplicateError, PermissionDenied, ValidationError
from credtrack.models import AuditEvent, evidence
from credtrack.services.progress import person as progress
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records
from tests.unit.records.builders import (
    PASSWORD,
    TODAY,
    build_world,
    cheap_hashing,
    complete,
    historical_signoff,
    signoff,
)


def _state(w, code: str) -> str:
    p = progress.person_progress(w.uow(), w.educator, w.learner, w.credential_id, today=TODAY)
    return next(r.state for r in p.requirements if r.code == code)


def _fresh(w) -> None:
    with w.db.engine.connect() as conn:
        assert evidence.stale_people(conn) == []


def _events(w, action: str) -> list[AuditEvent]:
    with w.uow() as uow:
        found = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        uow.session.expunge_all()
        return found


def test_voiding_a_completion_rejudges_progress_and_is_audited_with_its_reason(db) -> None:
    w = build_world(db)
    done = complete(w, "ONB-101", "2026-06-01")
    assert _state(w, "ONB-101") == "met"
    row = completion_records.void_completion(
        w.uow(), w.educator, done.id, "Recorded for the wrong learner", today=TODAY
    ).value
    assert row.voided and row.void_reason == "Recorded for the wrong learner"
    assert _state(w, "ONB-101") == "missing"
    _fresh(w)
    (event,) = _events(w, "completion.void")
    assert json.loads(event.after_json)["void_reason"] == "Recorded for the wrong learner"
    with pytest.raises(ValidationError, match="reason"):
        completion_records.void_completion(w.uow(), w.educator, done.id, "   ")


def test_a_pending_completion_can_be_verified_later_and_then_counts(db) -> None:
    w = build_world(db)
    pending = complete(w, "SIM-1", "2026-06-01")
    assert pending.verification == "pending" and _state(w, "SIM-1") == "missing"
    with cheap_hashing(), pytest.raises(AuthenticationError):
        completion_records.verify_completion(w.uow(), w.educator, pending.id, password="wrong")
    with cheap_hashing():
        completion_records.verify_completion(w.uow(), w.educator, pending.id, password=PASSWORD)
    assert _state(w, "SIM-1") == "met"
    _fresh(w)
    (event,) = _events(w, "completion.verify")
    assert event.reauthenticated


def test_recording_the_same_day_again_says_what_to_do_and_a_genuine_repeat_is_allowed(db) -> None:
    w = build_world(db)
    first = complete(w, "ONB-101", "2026-06-01")
    with pytest.raises(DuplicateError, match="void it first.*repeat"):
        complete(w, "ONB-101", "2026-06-01")
    again = complete(w, "ONB-101", "2026-06-01", repeat=True)
    assert again.id != first.id
    (event,) = [e for e in _events(w, "completion.record") if e.entity_id == str(again.id)]
    assert json.loads(event.after_json)["repeat_of"] == first.id and "repeat" in event.note
    # A voided record is no obstacle at all.
    completion_records.void_completion(w.uow(), w.educator, first.id, "Double entry")
    completion_records.void_completion(w.uow(), w.educator, again.id, "Wrong day")
    assert complete(w, "ONB-101", "2026-06-01").id > again.id


def test_recording_again_what_awaits_verification_points_to_verifying_it(db) -> None:
    w = build_world(db)
    complete(w, "SIM-1", "2026-06-01")
    with pytest.raises(DuplicateError, match="awaiting verification: verify that record"):
        complete(w, "SIM-1", "2026-06-01")


def test_voiding_a_sign_off_takes_its_profession_out_of_the_interprofessional_count(db) -> None:
    w = build_world(db)
    signoff(w, "C1", "4", "2026-06-01")  # nurse
    pharm = signoff(w, "TT1", "4", "2026-06-02", actor=w.preceptor_pharm)
    p = progress.person_progress(w.uow(), w.educator, w.learner, w.credential_id, today=TODAY)
    assert len(p.assessor_professions) == 2
    signoff_records.void_assessment(w.uow(), w.preceptor_pharm, pharm.id, "Signed the wrong competency")
    p = progress.person_progress(w.uow(), w.educator, w.learner, w.credential_id, today=TODAY)
    assert p.assessor_professions == ["Nursing"] and _state(w, "TT1") == "missing"
    _fresh(w)
    assert _events(w, "assessment.void")


def test_a_preceptor_cannot_void_someone_elses_record_and_a_viewer_nothing(db) -> None:
    w = build_world(db)
    mine = signoff(w, "C1", "4", "2026-06-01")
    theirs = signoff(w, "TT1", "4", "2026-06-02", actor=w.preceptor_pharm)
    with pytest.raises(PermissionDenied):
        signoff_records.void_assessment(w.uow(), w.preceptor, theirs.id, "Not mine")
    with pytest.raises(PermissionDenied):
        signoff_records.void_assessment(w.uow(), w.viewer, mine.id, "Viewer")
    signoff_records.void_assessment(w.uow(), w.preceptor, mine.id, "My mistake")
    signoff_records.void_assessment(w.uow(), w.educator, theirs.id, "Educator corrects it")


def test_a_historical_sign_off_counts_only_once_an_educator_confirms_it(db) -> None:
    w = build_world(db)
    signoff(w, "C1", "4", "2026-06-01")  # nurse
    historical = historical_signoff(w, "TT1", "4", "2025-09-01", assessor="Jane Doe", profession="SW")
    p = progress.person_progress(w.uow(), w.educator, w.learner, w.credential_id, today=TODAY)
    assert _state(w, "TT1") == "missing" and p.assessor_professions == ["Nursing"]
    _fresh(w)
    with cheap_hashing(), pytest.raises(PermissionDenied):
        signoff_records.confirm_assessment(w.uow(), w.preceptor, historical, password=PASSWORD)
    with cheap_hashing():
        row = signoff_records.confirm_assessment(w.uow(), w.educator, historical, password=PASSWORD).value
    assert row.verification == "verified"
    p = progress.person_progress(w.uow(), w.educator, w.learner, w.credential_id, today=TODAY)
    assert _state(w, "TT1") == "met" and p.assessor_professions == ["Nursing", "Social work"]
    _fresh(w)
    (event,) = _events(w, "assessment.confirm")
    assert event.reauthenticated and event.actor == "educator"
    with cheap_hashing(), pytest.raises(ValidationError, match="does not need confirming"):
        signoff_records.confirm_assessment(w.uow(), w.educator, historical, password=PASSWORD)

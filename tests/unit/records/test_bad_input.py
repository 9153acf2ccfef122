"""Refusals: each bad input raises the typed error with a message a person can act on, and leaves
every table (the audit log included) exactly as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from credtrack.errors import (
    AuthenticationError,
    CredtrackError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from credtrack.services import catalog, cohorts, people
from credtrack.services.accounts import users as accounts
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records
from tests.unit.records.builders import (
    PASSWORD,
    TODAY,
    World,
    build_world,
    complete,
    signoff,
    snapshot,
)


@dataclass(frozen=True)
class Bad:
    name: str
    error: type[CredtrackError]
    message: str  # a regular expression the message must match
    call: Callable[[World, Any], object]
    setup: Callable[[World], Any] = lambda w: None


def _signoff(w: World, **changes: Any) -> object:
    args: dict[str, Any] = dict(
        person_id=w.learner,
        competency_code="C1",
        scale_code="ENTRUST5",
        level_code="3",
        assessed_on="2026-03-01",
        method="direct_observation",
        password=PASSWORD,
        attestation_accepted=True,
        today=TODAY,
    )
    args.update(changes)
    actor = args.pop("actor", w.preceptor)
    return signoff_records.record_signoff(w.uow(), actor, **args)


def _complete(w: World, **changes: Any) -> object:
    args: dict[str, Any] = dict(person_id=w.learner, module_code="ONB-101", completed_on="2026-03-01", today=TODAY)
    args.update(changes)
    return completion_records.record_completion(w.uow(), w.educator, **args)


def _archived(w: World) -> int:
    people.archive_person(w.uow(), w.admin, w.learner2, "Left the organisation")
    return w.learner2


TOMORROW = TODAY + dt.timedelta(days=1)

BAD = [
    Bad(
        "future completion",
        ValidationError,
        r"completion date 2026-06-16 is in the future",
        lambda w, c: _complete(w, completed_on=TOMORROW),
    ),
    Bad(
        "future sign-off",
        ValidationError,
        r"assessment date 2026-06-16 is in the future",
        lambda w, c: _signoff(w, assessed_on=TOMORROW),
    ),
    Bad(
        "level not in the scale",
        ValidationError,
        r"'9' is not a level of the scale .*levels: 1, 2, 3, 4, 5",
        lambda w, c: _signoff(w, level_code="9"),
    ),
    Bad(
        "level of another scale",
        ValidationError,
        r"'M' is not a level of the scale Entrustment",
        lambda w, c: _signoff(w, level_code="M"),
    ),
    Bad(
        "module needs enrolment",
        ValidationError,
        r"José Álvarez is not enrolled .*UNIT-ORI.*Enrol them first",
        lambda w, c: _complete(w, person_id=w.learner2, module_code="UNIT-ORI"),
    ),
    Bad(
        "attestation not accepted",
        ValidationError,
        r"Accept the attestation",
        lambda w, c: _signoff(w, attestation_accepted=False),
    ),
    Bad(
        "wrong password to sign",
        AuthenticationError,
        r"password you re-entered .* not correct. Nothing was saved",
        lambda w, c: _signoff(w, password="not my password"),
    ),
    Bad(
        "wrong password to verify",
        AuthenticationError,
        r"not correct. Nothing was saved",
        lambda w, c: completion_records.verify_completion(w.uow(), w.preceptor, c, password="not my password"),
        lambda w: complete(w, "SIM-1", "2026-03-01").id,
    ),
    Bad(
        "duplicate external id",
        DuplicateError,
        r"external id 'EMP-001' already exists",
        lambda w, c: people.create_person(w.uow(), w.educator, external_id="EMP-001", full_name="Someone Else"),
    ),
    Bad(
        "duplicate external id on edit",
        DuplicateError,
        r"Someone else already has the external id 'EMP-001'",
        lambda w, c: people.update_person(w.uow(), w.educator, w.learner2, external_id="EMP-001"),
    ),
    Bad(
        "duplicate completion",
        DuplicateError,
        r"already has ONB-101 recorded on 2026-03-01",
        lambda w, c: _complete(w),
        lambda w: complete(w, "ONB-101", "2026-03-01"),
    ),
    Bad(
        "impossible completion date",
        ValidationError,
        r"'2026-02-30' is not a real date \(use YYYY-MM-DD\)",
        lambda w, c: _complete(w, completed_on="2026-02-30"),
    ),
    Bad(
        "impossible start date",
        ValidationError,
        r"'2026-02-30' is not a real date",
        lambda w, c: people.create_person(
            w.uow(), w.educator, external_id="EMP-9", full_name="A B", start_date="2026-02-30"
        ),
    ),
    Bad(
        "unknown profession",
        NotFoundError,
        r"No profession with code 'DENTISTRY'",
        lambda w, c: people.create_person(
            w.uow(), w.educator, external_id="EMP-9", full_name="A B", profession_code="DENTISTRY"
        ),
    ),
    Bad(
        "unknown module",
        NotFoundError,
        r"No module with code 'NOPE-1'",
        lambda w, c: _complete(w, module_code="NOPE-1"),
    ),
    Bad(
        "retired module",
        ValidationError,
        r"module BLS is retired; choose a current module",
        lambda w, c: _complete(w, module_code="BLS"),
        lambda w: catalog.update_module(
            w.uow(),
            w.educator,
            next(m.id for m in catalog.list_modules(w.uow(), w.educator) if m.code == "BLS"),
            active=False,
        ),
    ),
    Bad(
        "unknown competency",
        NotFoundError,
        r"No competency with code 'ZZ9'",
        lambda w, c: _signoff(w, competency_code="ZZ9"),
    ),
    Bad(
        "unknown method",
        ValidationError,
        r"Method must be one of: Direct observation",
        lambda w, c: _signoff(w, method="telepathy"),
    ),
    Bad(
        "blank name",
        ValidationError,
        r"A name is required",
        lambda w, c: people.create_person(w.uow(), w.educator, external_id="EMP-9", full_name="   "),
    ),
    Bad(
        "blank name on edit",
        ValidationError,
        r"A name is required",
        lambda w, c: people.update_person(w.uow(), w.educator, w.learner, full_name=""),
    ),
    Bad(
        "blank external id",
        ValidationError,
        r"external id .* is required",
        lambda w, c: people.create_person(w.uow(), w.educator, external_id=" ", full_name="A B"),
    ),
    Bad(
        "person ends before start",
        ValidationError,
        r"end date is before the start date",
        lambda w, c: people.create_person(
            w.uow(), w.educator, external_id="EMP-9", full_name="A B", start_date="2026-03-01", end_date="2026-02-01"
        ),
    ),
    Bad(
        "edit makes end before start",
        ValidationError,
        r"end date is before the start date",
        lambda w, c: people.update_person(w.uow(), w.educator, w.learner, end_date="2025-12-31"),
    ),
    Bad(
        "cohort ends before start",
        ValidationError,
        r"cohort ends before it starts",
        lambda w, c: cohorts.create_cohort(
            w.uow(), w.educator, code="COH-B", name="B", start_date="2026-03-01", end_date="2026-02-01"
        ),
    ),
    Bad(
        "void without reason",
        ValidationError,
        r"reason for voiding is required",
        lambda w, c: completion_records.void_completion(w.uow(), w.educator, c, "  "),
        lambda w: complete(w, "ONB-101", "2026-03-01").id,
    ),
    Bad(
        "sign-off void without reason",
        ValidationError,
        r"reason for voiding is required",
        lambda w, c: signoff_records.void_assessment(w.uow(), w.preceptor, c, ""),
        lambda w: signoff(w, "C1", "3", "2026-03-01").id,
    ),
    Bad(
        "double void of a completion",
        ValidationError,
        r"already voided",
        lambda w, c: completion_records.void_completion(w.uow(), w.educator, c, "Again"),
        lambda w: (
            completion_records.void_completion(
                w.uow(), w.educator, complete(w, "ONB-101", "2026-03-01").id, "Wrong person"
            ).value.id
        ),
    ),
    Bad(
        "double void of a sign-off",
        ValidationError,
        r"already voided",
        lambda w, c: signoff_records.void_assessment(w.uow(), w.preceptor, c, "Again"),
        lambda w: (
            signoff_records.void_assessment(
                w.uow(), w.preceptor, signoff(w, "C1", "3", "2026-03-01").id, "Wrong person"
            ).value.id
        ),
    ),
    Bad(
        "enrolment withdrawn",
        ValidationError,
        r"Nguyễn Thị Minh is not enrolled .*Enrol them first",
        lambda w, c: _complete(w, module_code="UNIT-ORI"),
        lambda w: cohorts.set_enrolment_status(
            w.uow(), w.educator, cohorts.list_enrolments(w.uow(), w.educator, cohort_code="COH-A")[0].id, "withdrawn"
        ),
    ),
    Bad(
        "not an e-mail address",
        ValidationError,
        r"'nurse\.example\.org' is not an e-mail address",
        lambda w, c: people.create_person(
            w.uow(), w.educator, external_id="EMP-9", full_name="A B", email="nurse.example.org"
        ),
    ),
    Bad(
        "duplicate profession",
        DuplicateError,
        r"The profession Nursing \(NURS\) already exists",
        lambda w, c: people.create_profession(w.uow(), w.admin, code="RN", name="nursing"),
    ),
    Bad(
        "over-long unit",
        ValidationError,
        r"A unit is too long \(at most 120 characters\)",
        lambda w, c: people.create_person(w.uow(), w.educator, external_id="EMP-9", full_name="A B", unit="U" * 121),
    ),
    Bad(
        "over-long e-mail",
        ValidationError,
        r"e-mail address is too long",
        lambda w, c: people.update_person(w.uow(), w.educator, w.learner, email="a" * 250 + "@example.org"),
    ),
    Bad(
        "over-long sign-off setting",
        ValidationError,
        r"The setting is too long \(at most 200 characters\)",
        lambda w, c: _signoff(w, setting="Ward 5 " * 40),
    ),
    Bad(
        "over-long display name",
        ValidationError,
        r"A display name is too long",
        lambda w, c: accounts.update_user(w.uow(), w.admin, w.viewer.id, display_name="D" * 201),
    ),
    Bad(
        "signing off oneself",
        ValidationError,
        r"cannot sign off your own competencies",
        lambda w, c: _signoff(w, person_id=w.preceptor_person),
    ),
    Bad(
        "completion for an archived person",
        ValidationError,
        r"José Álvarez is archived",
        lambda w, c: _complete(w, person_id=c),
        _archived,
    ),
    Bad(
        "sign-off for an archived person",
        ValidationError,
        r"José Álvarez is archived",
        lambda w, c: _signoff(w, person_id=c),
        _archived,
    ),
    Bad(
        "enrolling an archived person",
        ValidationError,
        r"José Álvarez is archived and cannot be enrolled",
        lambda w, c: cohorts.enrol(w.uow(), w.educator, "COH-A", [w.learner, c]),
        _archived,
    ),
    Bad(
        "archiving twice",
        ValidationError,
        r"already archived",
        lambda w, c: people.archive_person(w.uow(), w.admin, c, "Again"),
        _archived,
    ),
]


@pytest.mark.parametrize("bad", BAD, ids=[b.name for b in BAD])
def test_bad_input_is_refused_and_nothing_changes(db, bad: Bad) -> None:
    w = build_world(db)
    context = bad.setup(w)
    before = snapshot(db)
    with pytest.raises(bad.error, match=bad.message) as refused:
        bad.call(w, context)
    assert type(refused.value) is bad.error
    assert "Traceback" not in str(refused.value) and "SELECT" not in str(refused.value)
    after = snapshot(db)
    if bad.name.startswith("wrong password"):
        # The failed signature is counted towards the lock-out and logged, with the account's new state
        # vouched for by the log; nothing else changes.
        for table in ("user_account", "audit_event", "audit_record_state"):
            assert after.pop(table) != before.pop(table), f"{bad.name}: the failed signature was not recorded"
    assert after == before, f"{bad.name}: the database changed although the input was refused"

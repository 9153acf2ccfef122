"""A control character (NUL, ESC, BEL…) is refused in every text a service stores, on SQLite and on
PostgreSQL alike, with a message naming the field; in a search box one reads as a space, and signing in with
one is a wrong user name, not a database error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from credtrack.errors import AuthenticationError, ValidationError
from credtrack.services import catalog, cohorts, people, settings
from credtrack.services.accounts import users as accounts
from credtrack.services.audit import queries as audit_queries
from credtrack.services.certificates import queries as certificate_queries
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records
from tests.unit.records.builders import PASSWORD, TODAY, World, build_world, signoff, snapshot

CASES: dict[str, tuple[str, Callable[[World], Any]]] = {
    "name with NUL": (
        "A name",
        lambda w: people.create_person(w.uow(), w.educator, external_id="EMP-9", full_name="Ana\x00 Lopez"),
    ),
    "edited name with ESC": (
        "A name",
        lambda w: people.update_person(w.uow(), w.educator, w.learner, full_name="Minh \x1b[31mred"),
    ),
    "external id with BEL": (
        "external id",
        lambda w: people.create_person(w.uow(), w.educator, external_id="EMP\x07", full_name="Ana Lopez"),
    ),
    "unit with SOH": (
        "A unit",
        lambda w: people.create_person(
            w.uow(), w.educator, external_id="EMP-9", full_name="Ana Lopez", unit="4\x01West"
        ),
    ),
    "module description": (
        "The description",
        lambda w: catalog.create_module(w.uow(), w.educator, code="NEW-1", title="New", description="line\x00"),
    ),
    "credential criteria": (
        "The criteria",
        lambda w: catalog.create_credential(
            w.uow(), w.educator, code="NEW-C", title="New", requirements=[], criteria="\x1b"
        ),
    ),
    "cohort description": (
        "The description",
        lambda w: cohorts.create_cohort(w.uow(), w.educator, code="COH-Z", name="Z", description="\x7f"),
    ),
    "sign-off comment": (
        "The comment",
        lambda w: signoff_records.record_signoff(
            w.uow(),
            w.preceptor,
            person_id=w.learner,
            competency_code="C1",
            scale_code="ENTRUST5",
            level_code="3",
            assessed_on="2026-03-01",
            method="direct_observation",
            password=PASSWORD,
            attestation_accepted=True,
            today=TODAY,
            comment="Good\x00",
        ),
    ),
    "completion evidence": (
        "The evidence",
        lambda w: completion_records.record_completion(
            w.uow(),
            w.educator,
            person_id=w.learner,
            module_code="ONB-101",
            completed_on="2026-03-01",
            today=TODAY,
            evidence="scan\x00.pdf",
        ),
    ),
    "module code looked up": (
        "module code",
        lambda w: completion_records.record_completion(
            w.uow(), w.educator, person_id=w.learner, module_code="ONB\x1b-101", completed_on="2026-03-01", today=TODAY
        ),
    ),
    "void reason": (
        "reason for voiding",
        lambda w: signoff_records.void_assessment(w.uow(), w.preceptor, w.extra["sign-off"], "typo\x00"),
    ),
    "user name": (
        "A user name",
        lambda w: accounts.create_user(w.uow(), w.admin, username="eve\x00", password=PASSWORD, role="viewer"),
    ),
    "institution name": (
        "The institution name",
        lambda w: settings.update_institution(w.uow(), w.admin, institution_name="Riverside\x00"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_control_character_is_refused_with_a_message_naming_the_field(db, case):
    w = build_world(db)
    what, call = CASES[case]
    w.extra["sign-off"] = signoff(w, "C1", "3", "2026-03-01").id
    before = snapshot(db)
    with pytest.raises(ValidationError, match="control character") as refused:
        call(w)
    assert what.lower() in str(refused.value).lower()
    assert "retype" in str(refused.value)
    assert snapshot(db) == before


def test_a_nul_in_a_search_box_reads_as_a_space_and_in_a_sign_in_as_a_wrong_name(db):
    w = build_world(db)
    assert [p.full_name for p in people.search_people(w.uow(), w.viewer, "Nguy\x00")] == ["Nguyễn Thị Minh"]
    assert people.count_matching(w.uow(), w.viewer, "\x00") >= 1
    assert certificate_queries.list_certificates(w.uow(), w.viewer, text="CT-\x00") == []
    found = audit_queries.list_events(w.uow(), w.admin, text="user\x00")
    assert found and found == audit_queries.list_events(w.uow(), w.admin, text="user")
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        accounts.log_in(w.uow(), "admin\x00", PASSWORD)

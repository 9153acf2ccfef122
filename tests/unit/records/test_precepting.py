"""A preceptor's own record: the starter preceptor pathway, the precepting requirement judged on the
person's page and in everyone's progress alike, and who may read what someone has precepted."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from sqlalchemy import select

from credtrack.errors import PermissionDenied, ValidationError
from credtrack.models import Certificate, CredentialRequirement
from credtrack.services import catalog, cohorts, pathways, people, rating_sources, setup
from credtrack.services import keys as key_service
from credtrack.services.catalog import RequirementSpec
from credtrack.services.certificates import issuing
from credtrack.services.certificates.records import load_records_for
from credtrack.services.precepting import NO_ACCOUNT, precepted_record
from credtrack.services.progress import bulk
from credtrack.services.progress.person import group_progress, load_rules, person_all_progress, person_progress
from credtrack.services.records.signoffs import void_assessment
from tests.unit.records.builders import (
    TODAY,
    World,
    add_person,
    audit_count,
    build_world,
    complete,
    signoff,
    snapshot,
)
from tests.unit.records.test_ratings import rate


@pytest.fixture
def w(db) -> World:
    return build_world(db)


def learners(w: World) -> dict[str, int]:
    """One learner of each of four professions, beside the world's nurse and physician learners."""
    return {
        prof: add_person(w.db, w.educator, f"L-{prof}", f"Learner {prof}", prof, start_date="2026-01-05")
        for prof in ("PHARM", "PT", "SW", "NURS")
    }


def small_credential(w: World, count: int = 3, professions: int = 2) -> int:
    return catalog.create_credential(
        w.uow(),
        w.educator,
        code="PRECEPT-T",
        title="Precepting test",
        requirements=[RequirementSpec("precepting", min_count=count, min_professions=professions)],
    ).value.id


def both_paths(w: World, person: int, credential: int) -> tuple[str, str]:
    """The status on the person's page and in everyone's progress (named pairs)."""
    page = person_progress(w.uow(), w.viewer, person, credential, today=TODAY).status
    (row,) = bulk.bulk_progress(w.uow(), w.viewer, person_ids=[person], credential_ids=[credential], today=TODAY)
    return page, row.status


def test_a_new_database_has_the_preceptor_pathway_and_setting_up_again_adds_nothing(w: World) -> None:
    creds = {c.code: c for c in catalog.list_credentials(w.uow(), w.viewer)}
    ipf = catalog.get_credential(w.uow(), w.viewer, "IP-FACILITATION")
    assert creds["IP-FACILITATION"].title == "Interprofessional facilitation"
    kinds = [r.kind for r in ipf.requirements]
    assert kinds == ["module", "module", "module", "precepting", "ratings"]
    assert [r.describe for r in ipf.requirements][3:] == [
        "Precepting: 10 sign-offs given to learners of at least 3 other professions",
        "3 ratings from Learner rating their preceptor, each at Often or above",
    ]
    source = {s.code: s for s in rating_sources.list_sources(w.uow(), w.viewer)}["LEARNER-FAC"]
    assert source.scale_code == "OBSERVED5" and set(source.competency_codes) == {"FAC1", "FAC2", "FAC3", "FAC4"}
    events = audit_count(w.db)
    assert setup.load_starter_data(w.uow()).value.pathway_parts == 0
    assert pathways.add_preceptor_pathway(w.uow(), w.educator).value.added is False
    assert audit_count(w.db) == events


def test_an_existing_database_gets_the_pathway_only_when_an_educator_adds_it(db) -> None:
    nothing = pathways.PathwaySummary([], [], [], [])
    with mock.patch.object(setup, "add_missing_pathway", return_value=nothing):
        w = build_world(db)  # a database set up before the pathway existed
    assert "IP-FACILITATION" not in {c.code for c in catalog.list_credentials(w.uow(), w.viewer)}
    with pytest.raises(PermissionDenied):
        pathways.add_preceptor_pathway(w.uow(), w.preceptor)
    events = audit_count(w.db)
    added = pathways.add_preceptor_pathway(w.uow(), w.educator).value
    assert added.frameworks == ["FACILITATE"] and added.credentials == ["IP-FACILITATION"]
    assert added.modules == ["FAC-101", "FAC-102", "FAC-103"] and added.rating_sources == ["LEARNER-FAC"]
    assert audit_count(w.db) == events + 1
    ipf = catalog.get_credential(w.uow(), w.viewer, "IP-FACILITATION")
    assert [r.kind for r in ipf.requirements] == ["module", "module", "module", "precepting", "ratings"]


def test_only_sign_offs_to_learners_of_other_professions_count_and_both_paths_agree(w: World) -> None:
    more = learners(w)
    cred = small_credential(w)
    me = w.preceptor_person  # a nurse
    assert both_paths(w, me, cred) == ("not_started", "not_started")
    signoff(w, "C1", "3", "2026-03-01", person=w.learner)  # a nurse learner: not another profession
    signoff(w, "C2", "3", "2026-03-02", person=more["NURS"])
    assert both_paths(w, me, cred) == ("not_started", "not_started")
    signoff(w, "C1", "3", "2026-03-03", person=w.learner2)  # a physician
    signoff(w, "C2", "4", "2026-03-04", person=w.learner2)
    assert both_paths(w, me, cred) == ("in_progress", "in_progress")  # two sign-offs, one other profession
    third = signoff(w, "C1", "3", "2026-03-05", person=more["PHARM"])
    assert both_paths(w, me, cred) == ("eligible", "eligible")
    # Another preceptor's sign-offs are theirs, not this nurse's.
    signoff(w, "C3", "3", "2026-03-06", person=more["SW"], actor=w.preceptor_pharm)
    record = precepted_record(w.uow(), w.preceptor, me)
    assert (record.counted, record.professions_counted) == (3, 2)
    assert {(c.profession, c.given, c.counted) for c in record.by_profession} == {
        ("Medicine", 2, True),
        ("Pharmacy", 1, True),
        ("Nursing", 2, False),
    }
    # A voided sign-off no longer counts, on either path.
    void_assessment(w.uow(), w.educator, third.id, "Signed for the wrong learner", today=TODAY)
    assert both_paths(w, me, cred) == ("in_progress", "in_progress")
    assert [s.voided for s in precepted_record(w.uow(), w.viewer, me).sign_offs].count(True) == 1


def test_a_learner_whose_profession_changes_moves_the_preceptor_s_record_on_both_paths(w: World) -> None:
    more = learners(w)
    cred = small_credential(w, count=2, professions=2)
    signoff(w, "C1", "3", "2026-03-01", person=w.learner2)  # a physician
    signoff(w, "C1", "3", "2026-03-02", person=more["NURS"])  # a nurse, as the preceptor is
    assert both_paths(w, w.preceptor_person, cred) == ("in_progress", "in_progress")
    people.update_person(w.uow(), w.educator, more["NURS"], profession_code="SW")
    assert both_paths(w, w.preceptor_person, cred) == ("eligible", "eligible")


def test_the_starter_credential_is_earned_with_modules_precepting_and_learner_ratings(w: World) -> None:
    more = learners(w)
    ipf = catalog.get_credential(w.uow(), w.viewer, "IP-FACILITATION").id
    me = w.preceptor_person
    for module in ("FAC-101", "FAC-102", "FAC-103"):
        complete(w, module, "2026-02-01", person=me)
    others = [w.learner2, more["PHARM"], more["PT"]]
    for n in range(10):
        signoff(w, ("C1", "C2", "TT1")[n % 3], "3", f"2026-03-{n + 1:02d}", person=others[n % 3])
    for day in ("2026-04-01", "2026-04-08"):
        rate(w, "LEARNER-FAC", {"FAC1": "4", "FAC2": "5"}, day, person_id=me)
    progress = {p.credential_code: p for p in person_all_progress(w.uow(), w.preceptor, me, today=TODAY)}
    assert [r.state for r in progress["IP-FACILITATION"].requirements] == ["met"] * 4 + ["below_level"]
    assert both_paths(w, me, ipf) == ("in_progress", "in_progress")
    rate(w, "LEARNER-FAC", {"FAC1": "4", "FAC3": "4"}, "2026-04-15", person_id=me)
    assert both_paths(w, me, ipf) == ("eligible", "eligible")
    precepting = progress["IP-FACILITATION"].requirements[3]
    assert precepting.evidence is not None
    assert precepting.evidence.summary.startswith("10 sign-offs given to learners of 3 other professions")


def test_a_preceptor_reads_only_their_own_record_and_staff_read_anyone_s(w: World) -> None:
    assert precepted_record(w.uow(), w.preceptor, w.preceptor_person).accounts == ["preceptor"]
    with pytest.raises(PermissionDenied, match="view what someone else has precepted"):
        precepted_record(w.uow(), w.preceptor_pharm, w.preceptor_person)
    for actor in (w.educator, w.admin, w.viewer):
        assert precepted_record(w.uow(), actor, w.preceptor_person).person_id == w.preceptor_person


def test_a_person_with_no_linked_account_is_told_so_plainly(w: World) -> None:
    record = precepted_record(w.uow(), w.educator, w.learner)
    assert record.sign_offs == [] and record.accounts == []
    assert record.note == NO_ACCOUNT
    assert precepted_record(w.uow(), w.educator, w.preceptor_person).note == "No sign-offs given yet."


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (RequirementSpec("precepting", min_count=0, min_professions=2), "number of sign-offs given must be 1–50"),
        (RequirementSpec("precepting", min_count=5, min_professions="two"), "learner professions must be a whole"),
    ],
)
def test_a_precepting_requirement_with_bad_numbers_is_refused_and_nothing_is_written(
    w: World, spec: RequirementSpec, message: str
) -> None:
    before = snapshot(w.db)
    with pytest.raises(ValidationError, match=message):
        catalog.create_credential(w.uow(), w.educator, code="BAD", title="Bad", requirements=[spec])
    assert snapshot(w.db) == before
    with w.uow() as uow:
        assert uow.session.scalar(select(CredentialRequirement.id).where(CredentialRequirement.kind == "x")) is None


def test_a_cohort_with_the_credential_is_judged_alike_in_bulk_and_from_the_records_a_batch_issue_reads(
    w: World,
) -> None:
    more = learners(w)
    cred = small_credential(w, count=2, professions=2)
    cohorts.create_cohort(w.uow(), w.educator, code="PRECEPT", name="Preceptors 2026", start_date="2026-01-05")
    cohorts.assign_credential(w.uow(), w.educator, "PRECEPT", "PRECEPT-T", "2026-12-01")
    cohorts.enrol(w.uow(), w.educator, "PRECEPT", [w.preceptor_person, w.learner], "2026-01-05")
    signoff(w, "C1", "3", "2026-03-01", person=w.learner2)
    signoff(w, "C1", "3", "2026-03-02", person=more["SW"])
    rows = {r.person_id: r.status for r in bulk.bulk_progress(w.uow(), w.viewer, cohort_code="PRECEPT", today=TODAY)}
    assert rows == {w.preceptor_person: "eligible", w.learner: "not_started"}
    with w.uow() as uow:
        records = load_records_for(uow.session, [w.preceptor_person, w.learner])
        rules = load_rules(uow.session, [cred])[cred]
        judged = group_progress(rules, [(p, records[p]) for p in (w.preceptor_person, w.learner)], TODAY)
    assert [p.status for p in judged] == ["eligible", "not_started"]


def test_a_certificate_earned_by_precepting_lists_none_of_the_learners_sign_offs_as_the_holder_s(w: World) -> None:
    more = learners(w)
    cred = small_credential(w, count=2, professions=2)
    signoff(w, "C1", "3", "2026-03-01", person=w.learner2)
    signoff(w, "TT1", "4", "2026-03-02", person=more["PT"])
    key_service.create_issuer_key(w.uow())
    code = issuing.issue_certificate(w.uow(), w.educator, w.preceptor_person, cred, today=TODAY).value.code
    with w.uow() as uow:
        stored = uow.session.scalar(select(Certificate.snapshot_json).where(Certificate.code == code))
    snapshot = json.loads(stored or "{}")
    assert snapshot["holder"]["external_id"] == "STAFF-1"
    assert snapshot["signoffs"] == []  # the sign-offs she gave are her learners', not hers

"""The one judge of credential rules, on hand-worked examples: evidence in memory, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from credtrack.models.enums import REQUIREMENT_KINDS
from credtrack.rules.evidence import PersonFacts, RecordsEvidence, SignOffFact
from credtrack.rules.judge import BELOW, KINDS, LAPSED, MET, MISSING, first_met, judge, judge_group
from credtrack.rules.model import COMPETENCY, MODULE, CredentialRules, Held, RequirementRule
from credtrack.rules.status import (
    EARNED,
    ELIGIBLE,
    EXPIRED,
    EXPIRING_SOON,
    IN_PROGRESS,
    NOT_STARTED,
)

TODAY = dt.date(2026, 6, 15)
D = dt.date.fromisoformat
SCALE = 1  # ranks 1..4; "competent" is rank 3
ONB = RequirementRule(1, MODULE, 10, "ONB-101", "Shared onboarding")
BLS = RequirementRule(2, MODULE, 11, "BLS", "Basic life support", validity_months=24)
TEAM = RequirementRule(3, COMPETENCY, 20, "TT1", "Teamwork", scale_id=SCALE, min_rank=3, min_label="Competent")
ROLES = RequirementRule(4, COMPETENCY, 21, "RR1", "Roles", scale_id=SCALE, min_rank=3, min_label="Competent")


def rules(*requirements: RequirementRule, professions: int | None = None) -> CredentialRules:
    return CredentialRules(7, "IPC", "Interprofessional collaborator", professions, requirements)


def person(
    completions: dict[int, tuple[str, str]] | None = None,
    sign_offs: dict[int, list[tuple[int, str, int | None]]] | None = None,
) -> PersonFacts:
    """completions: module -> (first, latest); sign_offs: competency -> (rank, day, assessor profession)."""
    return PersonFacts(
        {m: (D(a), D(b)) for m, (a, b) in (completions or {}).items()},
        {
            c: [SignOffFact(SCALE, rank, D(day), prof) for rank, day, prof in facts]
            for c, facts in (sign_offs or {}).items()
        },
    )


def one(p: PersonFacts) -> RecordsEvidence:
    return RecordsEvidence([p])


def test_every_requirement_kind_the_catalog_allows_has_a_judge() -> None:
    assert set(KINDS) == set(REQUIREMENT_KINDS)


def test_nothing_recorded_is_not_started_and_every_requirement_missing() -> None:
    j = judge(rules(ONB, TEAM), one(person()), TODAY)
    assert (j.status, j.met, j.total) == (NOT_STARTED, 0, 2)
    assert j.states == (MISSING, MISSING)


def test_a_sign_off_below_the_level_is_below_and_counts_as_started() -> None:
    j = judge(rules(ONB, TEAM), one(person(sign_offs={20: [(2, "2026-05-01", 5)]})), TODAY)
    assert j.states == (MISSING, BELOW)
    assert j.status == IN_PROGRESS


def test_everything_met_is_eligible_with_the_recurring_module_deciding_renewal() -> None:
    # BLS completed 2025-03-01 and valid 24 months: lapses 2027-03-01, outside every expiry band.
    p = person(
        {10: ("2026-01-10", "2026-01-10"), 11: ("2023-02-01", "2025-03-01")},
        {20: [(3, "2026-04-01", 5), (4, "2026-05-01", 6)]},
    )
    j = judge(rules(ONB, BLS, TEAM), one(p), TODAY)
    assert j.states == (MET, MET, MET)
    assert (j.status, j.renewal_date, j.expiring_band) == (ELIGIBLE, D("2027-03-01"), None)


def test_a_recurring_module_about_to_lapse_puts_the_credential_in_the_tightest_band() -> None:
    p = person({10: ("2026-01-10", "2026-01-10"), 11: ("2024-06-30", "2024-06-30")}, {20: [(3, "2026-04-01", 5)]})
    j = judge(rules(ONB, BLS, TEAM), one(p), TODAY)  # lapses 2026-06-30: 15 days away
    assert (j.status, j.renewal_date, j.expiring_band) == (EXPIRING_SOON, D("2026-06-30"), 30)


def test_a_lapsed_recurring_module_makes_the_credential_expired() -> None:
    p = person({10: ("2026-01-10", "2026-01-10"), 11: ("2024-01-31", "2024-01-31")}, {20: [(3, "2026-04-01", 5)]})
    j = judge(rules(ONB, BLS, TEAM), one(p), TODAY)  # lapsed 2026-01-31
    assert j.states == (MET, LAPSED, MET)
    assert j.verdicts[1].lapses_on == D("2026-01-31")
    assert j.status == EXPIRED


def test_too_few_assessor_professions_hold_back_eligibility_but_not_a_current_certificate() -> None:
    p = person({10: ("2026-01-10", "2026-01-10")}, {20: [(3, "2026-04-01", 5)], 21: [(4, "2026-04-02", 5)]})
    two = rules(ONB, TEAM, ROLES, professions=2)
    j = judge(two, one(p), TODAY)
    assert (j.met, j.total, j.professions) == (3, 3, frozenset({5}))
    assert j.status == IN_PROGRESS
    held = judge(two, one(p), TODAY, Held("CT-1", D("2027-01-01")))
    assert held.status == EARNED
    # A second profession on a qualifying sign-off: eligible. One below the level does not count.
    below = person(
        {10: ("2026-01-10", "2026-01-10")},
        {20: [(3, "2026-04-01", 5), (2, "2026-04-03", 6)], 21: [(4, "2026-04-02", 5)]},
    )
    assert judge(two, one(below), TODAY).status == IN_PROGRESS
    enough = person({10: ("2026-01-10", "2026-01-10")}, {20: [(3, "2026-04-01", 5)], 21: [(4, "2026-04-02", 6)]})
    assert judge(two, one(enough), TODAY).status == ELIGIBLE


def test_an_expired_certificate_with_the_requirements_met_again_is_eligible() -> None:
    p = person({10: ("2026-01-10", "2026-01-10")}, {20: [(3, "2026-04-01", 5)]})
    assert judge(rules(ONB, TEAM), one(p), TODAY, Held("CT-1", D("2026-01-01"))).status == ELIGIBLE
    assert judge(rules(ONB, TEAM), one(person()), TODAY, Held("CT-1", D("2026-01-01"))).status == EXPIRED


def test_first_met_is_the_latest_first_day_and_ignores_later_lapses() -> None:
    p = person(
        {10: ("2025-09-01", "2026-01-10"), 11: ("2022-01-05", "2022-01-05")},
        {20: [(2, "2025-08-01", 5), (3, "2025-10-02", 5), (4, "2026-02-01", 6)]},
    )
    # ONB first 2025-09-01, BLS first 2022-01-05 (lapsed since), TEAM first at level 2026: 2025-10-02.
    assert first_met(rules(ONB, BLS, TEAM), one(p)) == [D("2025-10-02")]
    assert first_met(rules(ONB, ROLES), one(p)) == [None]
    assert first_met(rules(), one(p)) == [None]


def test_a_group_is_judged_person_by_person_in_its_order() -> None:
    people = [
        person(),
        person({10: ("2026-01-10", "2026-01-10")}, {20: [(3, "2026-04-01", 5)]}),
        person({10: ("2026-01-10", "2026-01-10")}),
    ]
    group = RecordsEvidence(people)
    judged = judge_group(rules(ONB, TEAM), group, TODAY, [None, None, Held("CT-9", None)])
    assert [j.status for j in judged] == [NOT_STARTED, ELIGIBLE, EARNED]
    assert [j.status for j in judged] == [
        judge(rules(ONB, TEAM), one(p), TODAY, h).status
        for p, h in zip(people, [None, None, Held("CT-9", None)], strict=True)
    ]
    assert first_met(rules(ONB, TEAM), group) == [None, D("2026-04-01"), None]
    assert first_met(rules(ONB, TEAM), group.select([2, 1])) == [None, D("2026-04-01")]


@pytest.mark.parametrize("rank, state", [(None, MISSING), (1, BELOW), (2, BELOW), (3, MET), (4, MET)])
def test_a_competency_is_met_at_or_above_its_level(rank: int | None, state: str) -> None:
    p = person(sign_offs={20: [(rank, "2026-04-01", 5)]} if rank else None)
    assert judge(rules(TEAM), one(p), TODAY).states == (state,)

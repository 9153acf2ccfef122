"""The judge's precepting requirement on hand-worked examples: "at least N standing sign-offs given to
learners of at least K professions other than the preceptor's own", with evidence in memory (no database)."""

from __future__ import annotations

import datetime as dt

from credtrack.rules.evidence import PersonFacts, PreceptedFact, RecordsEvidence
from credtrack.rules.judge import BELOW, MET, MISSING, first_met, judge, judge_group
from credtrack.rules.model import MODULE, PRECEPTING, CredentialRules, RequirementRule
from credtrack.rules.status import ELIGIBLE, IN_PROGRESS, NOT_STARTED

TODAY = dt.date(2026, 6, 15)
D = dt.date.fromisoformat
MED, PHARM, PT, SW = 2, 3, 4, 5
FAC = RequirementRule(1, MODULE, 10, "FAC-101", "Facilitating interprofessional learning")
# Six sign-offs given to learners of at least three other professions.
SIX_OF_THREE = RequirementRule(2, PRECEPTING, 0, "PRECEPTING", "Precepting", min_count=6, min_professions=3)


def rules(*requirements: RequirementRule) -> CredentialRules:
    return CredentialRules(9, "IPF", "Interprofessional facilitation", None, requirements)


def preceptor(given: list[tuple[str, int]], completions: dict[int, str] | None = None) -> PersonFacts:
    """given: (day, learner profession) of each sign-off counted; completions: module -> day."""
    return PersonFacts(
        {m: (D(day), D(day)) for m, day in (completions or {}).items()},
        {},
        (),
        precepted=[PreceptedFact(D(day), profession) for day, profession in given],
    )


def test_a_preceptor_who_gave_no_sign_off_to_another_profession_has_not_started() -> None:
    j = judge(rules(SIX_OF_THREE), RecordsEvidence([preceptor([])]), TODAY)
    assert j.states == (MISSING,)
    assert j.status == NOT_STARTED
    assert first_met(rules(SIX_OF_THREE), RecordsEvidence([preceptor([])])) == [None]


def test_enough_sign_offs_to_too_few_professions_are_below_the_requirement() -> None:
    # Eight sign-offs, but to learners of two professions only: three are needed.
    given = [(f"2026-0{m}-01", MED if m % 2 else PHARM) for m in range(1, 9)]
    j = judge(rules(SIX_OF_THREE), RecordsEvidence([preceptor(given)]), TODAY)
    assert j.states == (BELOW,)
    assert j.status == IN_PROGRESS


def test_enough_professions_but_too_few_sign_offs_are_below_the_requirement() -> None:
    given = [("2026-01-10", MED), ("2026-02-10", PHARM), ("2026-03-10", PT), ("2026-04-10", SW)]
    j = judge(rules(SIX_OF_THREE), RecordsEvidence([preceptor(given)]), TODAY)
    assert j.states == (BELOW,)


def test_six_sign_offs_to_three_professions_meet_it_on_the_day_both_were_first_true() -> None:
    given = [
        ("2026-01-05", MED),
        ("2026-01-20", MED),
        ("2026-02-03", PHARM),
        ("2026-02-17", MED),
        ("2026-03-01", PHARM),
        ("2026-03-09", MED),  # the sixth sign-off: still two professions
        ("2026-04-12", PT),  # the third profession: met from here
        ("2026-05-30", SW),
    ]
    p = preceptor(list(reversed(given)), {10: "2026-02-01"})  # order of the records does not matter
    j = judge(rules(FAC, SIX_OF_THREE), RecordsEvidence([p]), TODAY)
    assert j.states == (MET, MET)
    assert j.status == ELIGIBLE
    assert first_met(rules(SIX_OF_THREE), RecordsEvidence([p])) == [D("2026-04-12")]
    # With the module completed later than that, the credential was first met on the module's day.
    late = preceptor(given, {10: "2026-05-01"})
    assert first_met(rules(FAC, SIX_OF_THREE), RecordsEvidence([late])) == [D("2026-05-01")]


def test_the_nth_sign_off_decides_when_professions_came_first() -> None:
    given = [("2026-01-01", MED), ("2026-01-02", PHARM), ("2026-01-03", PT)] + [
        (f"2026-0{m}-15", MED) for m in range(2, 6)
    ]
    assert first_met(rules(SIX_OF_THREE), RecordsEvidence([preceptor(given)])) == [D("2026-04-15")]


def test_a_group_is_judged_person_by_person() -> None:
    met = [(f"2026-0{m}-01", (MED, PHARM, PT)[m % 3]) for m in range(1, 7)]
    group = RecordsEvidence([preceptor([]), preceptor(met[:3]), preceptor(met)])
    verdicts = judge_group(rules(SIX_OF_THREE), group, TODAY, [None, None, None])
    assert [j.states for j in verdicts] == [(MISSING,), (BELOW,), (MET,)]
    assert first_met(rules(SIX_OF_THREE), group) == [None, None, D("2026-06-01")]


def test_one_sign_off_to_one_other_profession_is_the_smallest_record() -> None:
    one = RequirementRule(3, PRECEPTING, 0, "PRECEPTING", "Precepting", min_count=1, min_professions=1)
    j = judge(rules(one), RecordsEvidence([preceptor([("2026-03-03", SW)])]), TODAY)
    assert j.states == (MET,)

"""The judge's ratings requirements on hand-worked examples: "at least N ratings from source S at or
above level L" and "ratings from at least K sources", with evidence in memory (no database)."""

from __future__ import annotations

import datetime as dt

from credtrack.rules.evidence import PersonFacts, RatingFact, RecordsEvidence
from credtrack.rules.judge import BELOW, MET, MISSING, first_met, judge, judge_group
from credtrack.rules.model import MODULE, RATING_SOURCES, RATINGS, CredentialRules, RequirementRule
from credtrack.rules.status import ELIGIBLE, IN_PROGRESS, NOT_STARTED

TODAY = dt.date(2026, 6, 15)
D = dt.date.fromisoformat
PATIENT, PEER, SELF = 1, 2, 3
ONB = RequirementRule(1, MODULE, 10, "ONB-101", "Shared onboarding")
# Two patient or family advisor ratings, each with every score at "Often" (rank 4) or above.
TWO_PATIENTS = RequirementRule(2, RATINGS, PATIENT, "PATIENT", "Patients", min_rank=4, min_count=2)
ANY_PEER = RequirementRule(3, RATINGS, PEER, "PEER-IP", "A colleague", min_count=1)
THREE_SOURCES = RequirementRule(4, RATING_SOURCES, 0, "SOURCES", "Sources", min_count=3)


def rules(*requirements: RequirementRule) -> CredentialRules:
    return CredentialRules(9, "IPF", "Interprofessional facilitation", None, requirements)


def person(ratings: list[tuple[int, int, str]], completions: dict[int, str] | None = None) -> PersonFacts:
    """ratings: (source, lowest score's rank, day); completions: module -> day."""
    return PersonFacts(
        {m: (D(day), D(day)) for m, day in (completions or {}).items()},
        {},
        [RatingFact(source, rank, D(day)) for source, rank, day in ratings],
    )


def test_no_rating_leaves_a_ratings_requirement_missing() -> None:
    j = judge(rules(TWO_PATIENTS, THREE_SOURCES), RecordsEvidence([person([])]), TODAY)
    assert j.states == (MISSING, MISSING)
    assert j.status == NOT_STARTED


def test_ratings_below_the_level_do_not_count_but_show_the_learner_has_started() -> None:
    p = person([(PATIENT, 5, "2026-03-01"), (PATIENT, 3, "2026-04-01"), (PATIENT, 2, "2026-05-01")])
    j = judge(rules(TWO_PATIENTS), RecordsEvidence([p]), TODAY)
    assert j.states == (BELOW,)  # one rating at "Often" or above, two needed
    assert j.status == IN_PROGRESS


def test_enough_ratings_at_the_level_meet_it_and_the_nth_one_is_the_day_it_was_met() -> None:
    p = person([(PATIENT, 4, "2026-05-10"), (PATIENT, 2, "2026-03-01"), (PATIENT, 5, "2026-04-02")])
    creds = rules(ONB, TWO_PATIENTS)
    j = judge(
        creds,
        RecordsEvidence([person([(PATIENT, 4, "2026-05-10"), (PATIENT, 5, "2026-04-02")], {10: "2026-01-05"})]),
        TODAY,
    )
    assert j.states == (MET, MET)
    assert j.status == ELIGIBLE
    # Met on the second qualifying rating (10 May), not the first rating of all (1 March, too low).
    assert first_met(rules(TWO_PATIENTS), RecordsEvidence([p])) == [D("2026-05-10")]


def test_a_requirement_without_a_level_counts_every_rating_from_its_source() -> None:
    p = person([(PEER, 1, "2026-02-01"), (PATIENT, 5, "2026-01-01")])
    assert judge(rules(ANY_PEER), RecordsEvidence([p]), TODAY).states == (MET,)
    assert first_met(rules(ANY_PEER), RecordsEvidence([p])) == [D("2026-02-01")]


def test_sources_are_counted_once_each_whatever_the_number_of_ratings() -> None:
    two_sources = person([(PATIENT, 5, "2026-01-01"), (PATIENT, 5, "2026-02-01"), (PEER, 3, "2026-03-01")])
    three = person(
        [(PATIENT, 5, "2026-01-01"), (SELF, 1, "2026-05-20"), (PEER, 3, "2026-03-01"), (SELF, 4, "2026-04-01")]
    )
    verdicts = judge_group(rules(THREE_SOURCES), RecordsEvidence([two_sources, three]), TODAY, [None, None])
    assert [v.states for v in verdicts] == [(BELOW,), (MET,)]
    # The third source's first rating (self-assessment on 1 April) is the day it was met.
    assert first_met(rules(THREE_SOURCES), RecordsEvidence([two_sources, three])) == [None, D("2026-04-01")]


def test_a_credential_needing_a_module_patient_ratings_and_three_sources_is_judged_as_a_whole() -> None:
    creds = rules(ONB, TWO_PATIENTS, THREE_SOURCES)
    ready = person(
        [(PATIENT, 4, "2026-02-01"), (PATIENT, 4, "2026-02-15"), (PEER, 3, "2026-03-01"), (SELF, 2, "2026-03-03")],
        {10: "2026-01-10"},
    )
    short = person([(PATIENT, 4, "2026-02-01"), (PEER, 3, "2026-03-01")], {10: "2026-01-10"})
    a, b = judge_group(creds, RecordsEvidence([ready, short]), TODAY, [None, None])
    assert (a.status, a.met, a.total) == (ELIGIBLE, 3, 3)
    assert (b.status, b.met, b.states) == (IN_PROGRESS, 1, (MET, BELOW, BELOW))
    assert first_met(creds, RecordsEvidence([ready, short])) == [D("2026-03-03"), None]

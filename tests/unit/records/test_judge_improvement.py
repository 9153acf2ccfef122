"""The judge's improvement requirement on hand-worked examples: "at least N confirmed works of kind K with at
least P professions on the team (the learner's own counted)", alone and beside a patient advisor ratings
requirement, with evidence in memory (no database)."""

from __future__ import annotations

import datetime as dt

from credtrack.rules.evidence import PersonFacts, RatingFact, RecordsEvidence, WorkFact
from credtrack.rules.judge import BELOW, MET, MISSING, first_met, judge, judge_group
from credtrack.rules.model import IMPROVEMENT, RATINGS, CredentialRules, RequirementRule
from credtrack.rules.status import ELIGIBLE, IN_PROGRESS, NOT_STARTED

TODAY = dt.date(2026, 6, 15)
D = dt.date.fromisoformat
PATIENT = 1
# One confirmed QI project whose team spans at least three professions.
QI_THREE = RequirementRule(
    1, IMPROVEMENT, 0, "QI_PROJECT", "QI", min_count=1, work_kind="qi_project", min_professions=3
)
TWO_SAFETY = RequirementRule(
    2, IMPROVEMENT, 0, "SAFETY_REVIEW", "Safety", min_count=2, work_kind="safety_review", min_professions=1
)
# One patient or family advisor rating with every score at rank 4 or above.
ONE_PATIENT = RequirementRule(3, RATINGS, PATIENT, "PATIENT", "Patient advisor", min_rank=4, min_count=1)


def rules(*requirements: RequirementRule) -> CredentialRules:
    return CredentialRules(9, "QIS", "Quality and safety", None, requirements)


def person(works: list[tuple[str, str, int]], ratings: list[tuple[int, int, str]] = ()) -> PersonFacts:  # type: ignore[assignment]
    """works: (kind, day ended, distinct professions on the team with the learner's); ratings: (source, rank, day)."""
    return PersonFacts(
        {},
        {},
        [RatingFact(source, rank, D(day)) for source, rank, day in ratings],
        [WorkFact(kind, D(day), professions) for kind, day, professions in works],
    )


def test_no_work_leaves_the_requirement_missing() -> None:
    j = judge(rules(QI_THREE), RecordsEvidence([person([])]), TODAY)
    assert j.states == (MISSING,)
    assert j.status == NOT_STARTED


def test_a_project_with_too_narrow_a_team_is_below_and_does_not_meet_it() -> None:
    # A nurse's project with one pharmacist: two professions, three needed.
    j = judge(rules(QI_THREE), RecordsEvidence([person([("qi_project", "2026-03-01", 2)])]), TODAY)
    assert j.states == (BELOW,)
    assert j.status == IN_PROGRESS


def test_a_project_spanning_three_professions_meets_it_on_the_day_it_ended() -> None:
    p = person([("qi_project", "2026-03-01", 2), ("qi_project", "2026-05-20", 3), ("qi_project", "2026-06-01", 4)])
    assert judge(rules(QI_THREE), RecordsEvidence([p]), TODAY).states == (MET,)
    # Met by the first project broad enough (20 May), not the narrower one before it.
    assert first_met(rules(QI_THREE), RecordsEvidence([p])) == [D("2026-05-20")]


def test_work_of_another_kind_does_not_count() -> None:
    p = person([("safety_review", "2026-03-01", 5), ("teach_back", "2026-04-01", 3)])
    assert judge(rules(QI_THREE), RecordsEvidence([p]), TODAY).states == (MISSING,)
    assert first_met(rules(QI_THREE), RecordsEvidence([p])) == [None]


def test_n_works_are_needed_and_the_nth_is_the_day_it_was_met() -> None:
    one = person([("safety_review", "2026-02-01", 1)])
    two = person([("safety_review", "2026-04-09", 2), ("safety_review", "2026-02-01", 1)])
    verdicts = judge_group(rules(TWO_SAFETY), RecordsEvidence([one, two]), TODAY, [None, None])
    assert [v.states for v in verdicts] == [(BELOW,), (MET,)]
    assert first_met(rules(TWO_SAFETY), RecordsEvidence([one, two])) == [None, D("2026-04-09")]


def test_a_credential_needing_a_patient_advisor_rating_and_a_qi_project() -> None:
    project = ("qi_project", "2026-04-30", 3)
    good_rating = (PATIENT, 4, "2026-05-12")
    low_rating = (PATIENT, 3, "2026-02-01")
    creds = rules(ONE_PATIENT, QI_THREE)
    people = [
        person([project], [good_rating]),  # both: eligible, met on the later of the two days
        person([project], [low_rating]),  # the rating is below the level
        person([("qi_project", "2026-04-30", 2)], [good_rating]),  # the team is too narrow
        person([], [good_rating]),  # no project
    ]
    verdicts = judge_group(creds, RecordsEvidence(people), TODAY, [None] * 4)
    assert [v.states for v in verdicts] == [(MET, MET), (BELOW, MET), (MET, BELOW), (MET, MISSING)]
    assert [v.status for v in verdicts] == [ELIGIBLE, IN_PROGRESS, IN_PROGRESS, IN_PROGRESS]
    assert first_met(creds, RecordsEvidence(people)) == [D("2026-05-12"), None, None, None]

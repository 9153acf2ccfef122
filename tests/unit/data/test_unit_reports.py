"""The reports by unit on the small hand-built history, whose right answers are worked out in each test."""

from __future__ import annotations

import datetime as dt

import pytest

from credtrack.errors import PermissionDenied
from credtrack.models import Person, Rating, RatingScore, RatingSource, UnitMembership
from credtrack.reports.service import ReportOptions, run_report
from credtrack.services.permissions import Actor
from tests.unit.data.conftest import VIEWER

D = dt.date
YEAR_2024 = {"since": D(2024, 1, 1), "until": D(2024, 12, 31)}


def report(db, name, **options):
    return run_report(db.unit_of_work(), VIEWER, name, ReportOptions(**options))


def test_unit_completion_counts_the_units_people_and_the_median_days_from_their_start(db, history):
    # 4 West: P001 achieved IPC-1 30 days after starting, P002 20 days; ICU: P003 never did.
    assert report(db, "unit-completion", **YEAR_2024).rows == [
        ("4 West", 2, 2, 1.0, 25.0),
        ("ICU", 1, 0, 0.0, None),
    ]
    # On 2024-02-01 only P002 had achieved it.
    assert report(
        db, "unit-completion", since=D(2024, 1, 1), until=D(2024, 2, 1), onboarding_credentials=("IPC-1",)
    ).rows == [
        ("4 West", 2, 1, 0.5, 20.0),
        ("ICU", 1, 0, 0.0, None),
    ]
    # Before anyone joined a unit, no unit has people.
    assert report(db, "unit-completion", since=D(2023, 1, 1), until=D(2023, 12, 31)).rows == []


def test_someone_who_moved_counts_in_both_units_for_the_period_they_overlap(db, history):
    with db.unit_of_work() as uow:
        s = uow.session
        m = s.query(UnitMembership).filter_by(person_id=history.people["P001"]).one()
        m.end_date = D(2024, 5, 31)
        s.add(UnitMembership(person_id=history.people["P001"], unit_id=history.units["ICU"], start_date=D(2024, 6, 1)))
        uow.commit()
    assert report(db, "unit-completion", **YEAR_2024).rows == [("4 West", 2, 2, 1.0, 25.0), ("ICU", 2, 1, 0.5, 30.0)]
    assert report(db, "unit-completion", since=D(2024, 7, 1), until=D(2024, 12, 31)).rows == [
        ("4 West", 1, 1, 1.0, 20.0),
        ("ICU", 2, 1, 0.5, 30.0),
    ]
    # P001's sign-offs were given while in 4 West: they stay 4 West's.
    assert [row[:3] for row in report(db, "unit-assessor-mix", **YEAR_2024).rows] == [("4 West", 2, 4), ("ICU", 1, 1)]


def test_unit_assessor_mix_counts_professions_and_sign_offs_by_another_profession(db, history):
    # 4 West: P001 (Nursing) by Pharmacy and Medicine, P002 (Medicine) by Pharmacy and by a visitor with no
    # profession recorded; ICU: P003 (Pharmacy) by Pharmacy (the voided sign-off by Medicine does not count).
    assert report(db, "unit-assessor-mix", **YEAR_2024).rows == [
        ("4 West", 2, 4, 2, 3, 0.75),
        ("ICU", 1, 1, 1, 0, 0.0),
    ]
    # Only sign-offs dated in the period: from 2024-01-29, P001's second, P002's RR1 and P003's C1.
    assert report(db, "unit-assessor-mix", since=D(2024, 1, 29), until=D(2024, 12, 31)).rows == [
        ("4 West", 2, 2, 1, 1, 0.5),
        ("ICU", 1, 1, 1, 0, 0.0),
    ]
    assert report(db, "unit-assessor-mix", since=D(2024, 2, 1), until=D(2024, 2, 6)).rows == [
        ("4 West", 1, 1, 0, 0, 0.0),  # P002's RR1 by the visitor: no profession recorded
    ]


def _rate(db, history, person: str, source: str, on: dt.date, voided: bool = False) -> None:
    with db.unit_of_work() as uow:
        s = uow.session
        found = s.query(RatingSource).filter_by(code=source).one_or_none()
        scale = history.scales["ENTRUST5"]
        if found is None:
            found = RatingSource(code=source, name=source, scale_id=scale)
            s.add(found)
            s.flush()
        rating = Rating(
            person_id=history.people[person],
            source_id=found.id,
            scale_id=scale,
            rated_on=on,
            rater_name="A. Rater",
            collection="paper_form",
            attestation_accepted=True,
            voided_at=dt.datetime(2024, 6, 1) if voided else None,
            void_reason="Wrong learner" if voided else None,
        )
        rating.scores = [
            RatingScore(
                competency_id=history.competencies["VE1"], scale_id=scale, level_id=history.levels[("ENTRUST5", "3")]
            )
        ]
        s.add(rating)
        uow.commit()


def test_unit_rating_coverage_counts_distinct_standing_sources_dated_in_the_period(db, history):
    _rate(db, history, "P001", "PEER", D(2024, 3, 1))
    _rate(db, history, "P001", "PEER", D(2024, 4, 1))  # the same source again
    _rate(db, history, "P001", "PATIENT", D(2024, 5, 1))
    _rate(db, history, "P002", "PEER", D(2024, 3, 1))
    _rate(db, history, "P002", "PATIENT", D(2024, 3, 2), voided=True)
    _rate(db, history, "P003", "PEER", D(2024, 2, 1))
    _rate(db, history, "P003", "PATIENT", D(2024, 2, 2))
    _rate(db, history, "P003", "SELF", D(2025, 2, 3))  # after the period
    assert report(db, "unit-rating-coverage", **YEAR_2024).rows == [
        ("4 West", 2, 2, 1, 0.5, 0, 0.0),
        ("ICU", 1, 1, 1, 1.0, 0, 0.0),
    ]
    assert report(db, "unit-rating-coverage", since=D(2024, 1, 1), until=D(2025, 3, 1)).rows[1] == (
        "ICU", 1, 1, 1, 1.0, 1, 1.0,
    )  # fmt: skip


def test_unit_retention_by_onboarding_status_at_each_horizon_reached(db, history):
    # Everyone started 2024-01-08: by the end of 2024 only the 90-day horizon (2024-04-07) is reached. P003
    # (ICU) left on 2024-03-01 without completing onboarding.
    assert report(db, "unit-retention", **YEAR_2024).rows == [
        ("4 West", 90, "completed onboarding", 2, 2, 1.0),
        ("ICU", 90, "did not complete", 1, 0, 0.0),
    ]
    assert report(db, "unit-retention", since=D(2024, 1, 1), until=D(2025, 6, 30)).rows == [
        ("4 West", 90, "completed onboarding", 2, 2, 1.0),
        ("4 West", 365, "completed onboarding", 2, 2, 1.0),
        ("ICU", 90, "did not complete", 1, 0, 0.0),
        ("ICU", 365, "did not complete", 1, 0, 0.0),
    ]
    # Only RES-1 counting as onboarding: P001 never achieved it.
    assert report(db, "unit-retention", onboarding_credentials=("RES-1",), **YEAR_2024).rows[:2] == [
        ("4 West", 90, "completed onboarding", 1, 1, 1.0),
        ("4 West", 90, "did not complete", 1, 1, 1.0),
    ]


def test_units_to_support_put_the_weakest_unit_first_with_its_weakest_measure(db, history):
    table = report(db, "units-to-support", **YEAR_2024)
    assert table.columns == [
        "unit",
        "people",
        "support_score",
        "weakest_measure",
        "completed_share",
        "median_days_to_credential",
        "other_profession_share",
        "share_2_sources",
        "share_qi_3_professions",
        "retention_1_year",
    ]
    # Ranks, 1 the weakest: completion ICU 1, 4 West 2; days to credential only 4 West (1); other professions
    # ICU 1, 4 West 2; two sources both 0 (both 1); no QI project; retention at 1 year not reached. ICU
    # (1+1+1)/3, 4 West (2+1+2+1)/4. A measure only one unit has says nothing about it, so 4 West is weakest on ratings.
    assert table.rows == [
        ("ICU", 1, 1.0, "onboarding completion", 0.0, None, 0.0, 0.0, None, None),
        ("4 West", 2, 1.5, "ratings from 2 or more sources", 1.0, 25.0, 0.75, 0.0, None, None),
    ]


@pytest.mark.parametrize("name", ["unit-completion", "units-to-support"])
def test_a_unit_report_needs_the_right_to_read_reports(db, history, name):
    nobody = Actor(id=None, username="x", role="nobody")
    with pytest.raises(PermissionDenied):
        run_report(db.unit_of_work(), nobody, name, ReportOptions(**YEAR_2024))


def test_without_a_start_date_time_to_credential_runs_from_the_first_day_in_the_unit(db, history):
    with db.unit_of_work() as uow:
        s = uow.session
        s.get(Person, history.people["P001"]).start_date = None
        s.query(UnitMembership).filter_by(person_id=history.people["P001"]).one().start_date = D(2024, 1, 20)
        uow.commit()
    # P001 achieved IPC-1 on 2024-02-07: 18 days after joining 4 West; P002 20 days after starting.
    assert report(db, "unit-completion", **YEAR_2024).rows[0] == ("4 West", 2, 2, 1.0, 19.0)

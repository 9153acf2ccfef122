"""The reports by unit on a demo agree with a plain SQL statement of each one's rule, on both backends."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from sqlalchemy import Date, Integer, bindparam, select, text, update

from credtrack.errors import ValidationError
from credtrack.models import CohortCredential, Credential, Person, Rating
from credtrack.reports.service import ReportOptions, run_report
from credtrack.reports.unit_support import MEASURES, ranks
from tests.unit.data.conftest import VIEWER
from tests.unit.data.test_achievement_demo import REFERENCE
from tests.unit.data.test_reports_demo import DEMO_TODAY, demo_db  # noqa: F401 - the demo fixture

PERIODS = [
    (None, DEMO_TODAY),  # the default: the year up to its last day
    (dt.date(2023, 6, 1), dt.date(2025, 12, 31)),  # the first cohort's onboarding and first year
]

# Who counts in which unit: a membership of it overlapping the period.
MEMBERS = """
SELECT m.unit_id, m.person_id, min(m.start_date) AS joined FROM unit_membership m
WHERE m.start_date <= :until AND (m.end_date IS NULL OR m.end_date >= :since)
GROUP BY m.unit_id, m.person_id
"""
ACHIEVED = f"achieved(person_id, credential_id, day) AS ({REFERENCE})"

COMPLETION = f"""
WITH {ACHIEVED},
members AS ({MEMBERS}),
assigned AS (
  SELECT DISTINCT e.person_id, cc.credential_id FROM enrolment e JOIN cohort_credential cc ON cc.cohort_id = e.cohort_id
  WHERE e.status <> 'withdrawn' AND cc.credential_id IN ({{onboarding}})),
firsts AS (
  SELECT a.person_id, min(x.day) AS first_on FROM assigned a
  JOIN achieved x ON x.person_id = a.person_id AND x.credential_id = a.credential_id
  WHERE x.day <= :until GROUP BY a.person_id)
SELECT u.name, coalesce(p.start_date, mb.joined), f.first_on
FROM members mb JOIN unit u ON u.id = mb.unit_id JOIN person p ON p.id = mb.person_id
LEFT JOIN firsts f ON f.person_id = mb.person_id
WHERE mb.person_id IN (SELECT person_id FROM assigned)
"""

ASSESSOR_MIX = """
SELECT u.name, count(DISTINCT a.person_id), count(*), count(DISTINCT a.assessor_profession_id),
  sum(CASE WHEN a.assessor_profession_id IS NOT NULL
            AND (p.profession_id IS NULL OR a.assessor_profession_id <> p.profession_id) THEN 1 ELSE 0 END)
FROM assessment a JOIN person p ON p.id = a.person_id
JOIN unit_membership m ON m.person_id = a.person_id
  AND m.start_date <= a.assessed_on AND (m.end_date IS NULL OR m.end_date >= a.assessed_on)
JOIN unit u ON u.id = m.unit_id
WHERE a.voided_at IS NULL AND a.verification <> 'pending' AND a.assessed_on BETWEEN :since AND :until
GROUP BY u.name
"""

RATING_COVERAGE = f"""
WITH members AS ({MEMBERS}),
sources AS (
  SELECT person_id, count(DISTINCT source_id) AS n FROM rating
  WHERE voided_at IS NULL AND rated_on BETWEEN :since AND :until GROUP BY person_id)
SELECT u.name, count(*), sum(CASE WHEN s.n >= 1 THEN 1 ELSE 0 END), sum(CASE WHEN s.n >= 2 THEN 1 ELSE 0 END),
  sum(CASE WHEN s.n >= 3 THEN 1 ELSE 0 END)
FROM members mb JOIN unit u ON u.id = mb.unit_id LEFT JOIN sources s ON s.person_id = mb.person_id
GROUP BY u.name
"""

# A team's professions: its members' and the learner's own; a project counts in the unit its learner was in
# on the day it ended.
QI_TEAMS = """
WITH team AS (
  SELECT w.id, w.person_id, w.ended_on, count(DISTINCT t.profession_id) AS n FROM improvement_work w
  LEFT JOIN (SELECT work_id, profession_id FROM improvement_member
             UNION ALL SELECT id, learner_profession_id FROM improvement_work WHERE learner_profession_id IS NOT NULL) t
    ON t.work_id = w.id
  WHERE w.kind = 'qi_project' AND w.confirmed_at IS NOT NULL AND w.voided_at IS NULL
    AND w.ended_on BETWEEN :since AND :until
  GROUP BY w.id, w.person_id, w.ended_on)
SELECT u.name, count(*), count(DISTINCT t.person_id), sum(t.n), sum(CASE WHEN t.n >= 3 THEN 1 ELSE 0 END)
FROM team t JOIN unit_membership m ON m.person_id = t.person_id
  AND m.start_date <= t.ended_on AND (m.end_date IS NULL OR m.end_date >= t.ended_on)
JOIN unit u ON u.id = m.unit_id
GROUP BY u.name
"""

RETENTION = f"""
WITH {ACHIEVED},
members AS ({MEMBERS}),
marked AS (
  SELECT mb.unit_id, p.id AS person_id, p.end_date, {{mark}} AS mark
  FROM members mb JOIN person p ON p.id = mb.person_id WHERE p.start_date IS NOT NULL)
SELECT u.name,
  CASE WHEN EXISTS (SELECT 1 FROM achieved x WHERE x.person_id = k.person_id AND x.credential_id IN ({{onboarding}})
                    AND x.day <= k.mark) THEN 'completed onboarding' ELSE 'did not complete' END AS grp,
  count(*), sum(CASE WHEN k.end_date IS NULL OR k.end_date >= k.mark THEN 1 ELSE 0 END)
FROM marked k JOIN unit u ON u.id = k.unit_id
WHERE k.mark <= :until
GROUP BY u.name, grp
"""


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _share(part, whole):
    return round(part / whole, 3) if whole else None


def _by_name(rows):
    return sorted(rows, key=lambda row: (row[0].casefold(), *row[1:3]))


class Demo:
    """Runs the reports and the reference statements over one period and choice of onboarding credentials."""

    def __init__(self, db, since, until, onboarding: tuple[str, ...] = ()) -> None:
        self.db = db
        self.options = ReportOptions(today=DEMO_TODAY, since=since, until=until, onboarding_credentials=onboarding)
        self.period = self.options.period()
        with db.unit_of_work() as uow:
            codes = dict(uow.session.execute(select(Credential.code, Credential.id)).all())
            # Onboarding, when not chosen, is every credential some cohort works towards.
            worked_towards = set(uow.session.scalars(select(CohortCredential.credential_id)))
            codes = {c: i for c, i in codes.items() if onboarding or i in worked_towards}
        self.onboarding = (
            ", ".join(str(codes[c]) for c in onboarding) if onboarding else ", ".join(map(str, codes.values()))
        )

    def report(self, name: str):
        return run_report(self.db.unit_of_work(), VIEWER, name, self.options)

    def sql(self, statement: str, **extra):
        params = [bindparam("since", self.period.since, Date()), bindparam("until", self.period.until, Date())]
        params += [bindparam(k, v, Integer()) for k, v in extra.items()]
        with self.db.unit_of_work() as uow:
            dialect = uow.session.connection().dialect.name
            mark = "date(p.start_date, '+' || :h || ' days')" if dialect == "sqlite" else "(p.start_date + :h)"
            sql = statement.replace("{onboarding}", self.onboarding).replace("{mark}", mark)
            return [tuple(row) for row in uow.session.execute(text(sql).bindparams(*params))]


@pytest.fixture
def demo(demo_db):  # noqa: F811 - the fixture imported above
    """The reports' demo, with one standing rating in five voided too, and one person in six leaving within
    their first year (the demo's own leavers all stayed longer)."""
    with demo_db.unit_of_work() as uow:
        s = uow.session
        s.execute(
            update(Rating)
            .where(Rating.id % 5 == 0)
            .values(voided_at=dt.datetime(2026, 5, 1), void_reason="Wrong learner")
        )
        for n, person in enumerate(s.scalars(select(Person).where(Person.id % 6 == 1).order_by(Person.id))):
            person.end_date = min(DEMO_TODAY, person.start_date + dt.timedelta(days=(50, 120, 300)[n % 3]))
        uow.commit()
    return demo_db


CASES = [(since, until, onboarding) for since, until in PERIODS for onboarding in [(), ("IPC-FOUND",)]]


def test_unit_completion_matches_its_rule(demo) -> None:
    completed = not_completed = 0
    for since, until, onboarding in CASES:
        d = Demo(demo, since, until, onboarding)
        counts: dict[str, list] = {}
        for unit, began, first in d.sql(COMPLETION):
            entry = counts.setdefault(unit, [0, []])
            entry[0] += 1
            if first is not None:
                entry[1].append(max((_day(first) - _day(began)).days, 0))
        expected = [
            (unit, n, len(days), _share(len(days), n), round(float(statistics.median(days)), 1) if days else None)
            for unit, (n, days) in counts.items()
        ]
        assert d.report("unit-completion").rows == _by_name(expected), (since, until, onboarding)
        completed += sum(len(days) for _n, days in counts.values())
        not_completed += sum(n - len(days) for n, days in counts.values())
    assert completed and not_completed  # people in units really did, and did not, complete onboarding


def test_unit_assessor_mix_matches_its_rule(demo) -> None:
    shares = set()
    for since, until in PERIODS:
        d = Demo(demo, since, until)
        expected = [
            (u, learners, n, profs, others, _share(others, n)) for u, learners, n, profs, others in d.sql(ASSESSOR_MIX)
        ]
        assert d.report("unit-assessor-mix").rows == _by_name(expected), (since, until)
        shares |= {row[-1] for row in expected}
    assert len(shares) >= 3  # the units' mixes really differ


def test_unit_rating_coverage_matches_its_rule(demo) -> None:
    two = 0
    for since, until in PERIODS:
        d = Demo(demo, since, until)
        expected = [
            (u, n, rated, two, _share(two, n), three, _share(three, n))
            for u, n, rated, two, three in d.sql(RATING_COVERAGE)
        ]
        assert d.report("unit-rating-coverage").rows == _by_name(expected), (since, until)
        two += sum(row[3] for row in expected)
    assert two  # someone really is rated from two sources


def test_unit_qi_teams_matches_its_rule(demo) -> None:
    projects, broad = 0, set()
    for since, until in PERIODS:
        d = Demo(demo, since, until)
        expected = [
            (u, n, learners, round(professions / n, 1), wide, _share(wide, n))
            for u, n, learners, professions, wide in d.sql(QI_TEAMS)
        ]
        assert d.report("unit-qi-teams").rows == _by_name(expected), (since, until)
        projects += sum(row[1] for row in expected)
        broad |= {row[-1] for row in expected}
    assert projects >= 3 and broad  # the demo's units really ran QI projects


def test_unit_retention_matches_its_rule(demo) -> None:
    left = groups = 0
    for since, until, onboarding in CASES:
        d = Demo(demo, since, until, onboarding)
        expected = [
            (u, h, grp, n, still, _share(still, n)) for h in (90, 365) for u, grp, n, still in d.sql(RETENTION, h=h)
        ]
        rows = d.report("unit-retention").rows
        assert sorted(rows, key=str) == sorted(expected, key=str), (since, until, onboarding)
        assert rows == sorted(rows, key=lambda r: (r[0].casefold(), r[1], r[2]))  # by unit, horizon, group
        left += sum(row[3] - row[4] for row in rows)
        groups += len({row[2] for row in rows})
    assert left and groups > len(CASES)  # somebody really left, and both groups turn up


def test_units_to_support_rank_the_units_on_the_figures_of_the_other_reports(demo) -> None:
    for since, until in PERIODS:
        _check_ranking(Demo(demo, since, until))


def _check_ranking(d: Demo) -> None:
    completion = {r[0]: r for r in d.report("unit-completion").rows}
    mix = {r[0]: r[5] for r in d.report("unit-assessor-mix").rows}
    coverage = {r[0]: r for r in d.report("unit-rating-coverage").rows}
    qi = {r[0]: r[5] for r in d.report("unit-qi-teams").rows}
    year: dict[str, list[int]] = {}
    for unit, days, _grp, n, still, _retention in d.report("unit-retention").rows:
        if days == 365:
            year.setdefault(unit, [0, 0])
            year[unit][0] += n
            year[unit][1] += still
    units = sorted(coverage)  # every unit with people in the period
    figures = {
        u: (
            completion[u][3] if u in completion else None,
            completion[u][4] if u in completion else None,
            mix.get(u),
            coverage[u][4],
            qi.get(u),
            _share(year[u][1], year[u][0]) if u in year else None,
        )
        for u in units
    }
    scores = {}
    for u in units:
        mine = []
        for i, higher_is_better in enumerate((True, False, True, True, True, True)):
            if figures[u][i] is None:
                continue
            known = [figures[v][i] for v in units if figures[v][i] is not None]
            worse = [x for x in known if (x < figures[u][i] if higher_is_better else x > figures[u][i])]
            mine.append(len(worse) + 1)
        scores[u] = round(sum(mine) / len(mine), 2)
    table = d.report("units-to-support")
    assert table.columns[:4] == ["unit", "people", "support_score", "weakest_measure"]
    assert [(r[0], r[1], r[2], *r[4:]) for r in table.rows] == sorted(
        ((u, coverage[u][1], scores[u], *figures[u]) for u in units), key=lambda r: (r[2], r[0].casefold())
    )
    assert {r[3] for r in table.rows} <= {m.label for m in MEASURES}


def test_ranks_put_the_weakest_first_and_share_a_rank_between_ties() -> None:
    figures = {1: 0.5, 2: 0.9, 3: 0.5, 4: None, 5: 0.7}
    assert ranks(figures, higher_is_better=True) == {1: 1, 3: 1, 5: 3, 2: 4}
    assert ranks({1: 30.0, 2: 10.0, 3: None}, higher_is_better=False) == {1: 1, 2: 2}


def test_a_period_that_ends_before_it_starts_is_refused_with_what_to_do(demo) -> None:
    options = ReportOptions(since=dt.date(2026, 3, 1), until=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError, match="starts on 2026-03-01, after it ends"):
        run_report(demo.unit_of_work(), VIEWER, "unit-completion", options)


def test_an_unknown_onboarding_credential_is_named(demo) -> None:
    options = ReportOptions(onboarding_credentials=("NOPE",))
    with pytest.raises(ValidationError, match="No credential has the code NOPE"):
        run_report(demo.unit_of_work(), VIEWER, "units-to-support", options)

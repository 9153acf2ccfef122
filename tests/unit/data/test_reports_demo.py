"""The outcome reports on a demo database agree with the rules worked out the slow way, one person at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update

from credtrack import demo
from credtrack.models import (
    Assessment,
    Certificate,
    Cohort,
    CohortCredential,
    Completion,
    Credential,
    Enrolment,
    Person,
    UnitMembership,
    evidence,
)
from credtrack.reports import metrics
from credtrack.reports.service import REPORTS, ReportOptions, run_report
from credtrack.rules import judge
from credtrack.rules.status import STATUS_LABELS
from credtrack.services.progress import person as progress
from tests.unit.data.conftest import VIEWER
from tests.unit.data.test_achievement_demo import REFERENCE
from tests.unit.records.builders import add_certificate

DEMO_TODAY = dt.date(2026, 6, 15)
DAYS = (DEMO_TODAY, DEMO_TODAY + dt.timedelta(days=400))
MATRIX_STATE = {judge.MET: "met", judge.LAPSED: "expired", judge.MISSING: "missing", judge.BELOW: "missing"}


@pytest.fixture
def demo_db(db):
    """A 60-person demo with some records voided, some people enrolled twice (one withdrawn) and some
    certificates, so statuses of every kind turn up."""
    demo.load_demo(db, 60, today=DEMO_TODAY)
    with db.unit_of_work() as uow:
        s = uow.session
        for model in (Completion, Assessment):
            s.execute(
                update(model)
                .where(model.id % 7 == 0)
                .values(voided_at=dt.datetime(2026, 5, 1), void_reason="Entered in error")
            )
        evidence.rebuild(s.connection())  # voided behind the services' back: re-pack as they would
        cohorts = list(s.scalars(select(Cohort.id).order_by(Cohort.id)))
        people = list(s.scalars(select(Person.id).order_by(Person.id)))
        elsewhere = s.scalars(
            select(Enrolment.person_id).where(Enrolment.cohort_id != cohorts[-1]).order_by(Enrolment.person_id)
        ).all()
        for n, pid in enumerate(elsewhere[:12]):
            s.add(
                Enrolment(
                    cohort_id=cohorts[-1],
                    person_id=pid,
                    enrolled_on=DEMO_TODAY,
                    status="withdrawn" if n % 3 == 0 else "active",
                )
            )
        credentials = list(s.scalars(select(Credential.id).order_by(Credential.id)))
        uow.commit()
    for n, pid in enumerate(people[12:24]):
        expires = None if n % 4 == 0 else DEMO_TODAY + dt.timedelta(days=[-10, 5, 45, 75, 200][n % 5])
        add_certificate(db, pid, credentials[n % len(credentials)], dt.date(2025, 1, 1), expires)
    return db


def _assigned(session, cohort: str | None = None, credential: str | None = None) -> set[tuple[int, int]]:
    """(person, credential) pairs assigned through an enrolment that is not withdrawn, read the plain way."""
    pairs = set()
    for enrolment in session.scalars(select(Enrolment).where(Enrolment.status != "withdrawn")):
        cohort_code = session.get(Cohort, enrolment.cohort_id).code
        for link in session.scalars(select(CohortCredential).where(CohortCredential.cohort_id == enrolment.cohort_id)):
            code = session.get(Credential, link.credential_id).code
            if (cohort is None or cohort == cohort_code) and (credential is None or credential == code):
                pairs.add((enrolment.person_id, link.credential_id))
    return pairs


@pytest.mark.parametrize("scope", ["everyone", "cohort", "credential"])
def test_compliance_matrix_matches_each_persons_progress(demo_db, scope) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        cohort = s.scalar(select(Cohort.code).order_by(Cohort.id)) if scope == "cohort" else None
        # The first credential a cohort is assigned (the starter preceptor pathway's is assigned to nobody).
        first = select(Credential.code).where(Credential.id.in_(select(CohortCredential.credential_id)))
        credential = s.scalar(first.order_by(Credential.id)) if scope == "credential" else None
        assigned = _assigned(s, cohort, credential)
        ids = dict(s.execute(select(Person.external_id, Person.id)).all())
        credentials = {c.code: c.id for c in s.scalars(select(Credential))}
    seen: set[str] = set()
    for day in DAYS:
        table = run_report(
            demo_db.unit_of_work(), VIEWER, "compliance", ReportOptions(today=day, cohort=cohort, credential=credential)
        )
        assert [ids[row[0]] for row in table.rows] == sorted(
            {p for p, _c in assigned}, key=lambda p: next(e for e, i in ids.items() if i == p)
        )
        shown = [c[: -len(" status")] for c in table.columns if c.endswith(" status")]
        assert set(shown) == {code for code, cid in credentials.items() if any(c == cid for _p, c in assigned)}
        with demo_db.unit_of_work() as uow:
            s = uow.session
            for row in table.rows:
                pid = ids[row[0]]
                for code in shown:
                    at = table.columns.index(f"{code} status")
                    rules = progress._credential(s, credentials[code])
                    cells = list(row[at : at + 1 + len(rules.requirements)])
                    if (pid, credentials[code]) not in assigned:
                        assert cells == [""] * len(cells)
                        continue
                    detail = progress.compute_person_progress(s, pid, rules, day)
                    seen.add(detail.status)
                    assert table.columns[at + 1 : at + 1 + len(rules.requirements)] == [
                        f"{code}: {r.code}" for r in rules.requirements
                    ]
                    assert cells == [
                        STATUS_LABELS[detail.status],
                        *[MATRIX_STATE[r.state] for r in detail.requirements],
                    ], (row[0], code, day)
    assert len(seen) >= 3  # the demo really shows several statuses


def _achieved(session) -> dict[tuple[int, int], dt.date]:
    """(person, credential) -> first-achievement day, from the plain SQL statement of the rule."""
    return {(p, c): _day(d) for p, c, d in session.execute(text(REFERENCE))}


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


@pytest.mark.parametrize("onboarding", [0, 2])
def test_retention_matches_first_achievements_person_by_person(demo_db, onboarding) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        achieved = _achieved(s)
        people = [(p.id, p.start_date, p.end_date) for p in s.scalars(select(Person))]
        codes = list(s.scalars(select(Credential.code).order_by(Credential.id)))[:onboarding]
        among = {c.id for c in s.scalars(select(Credential)) if not codes or c.code in codes}
    groups = ("completed onboarding", "did not complete")
    horizons = tuple(sorted({*range(3, 400, 11), 90, 365}))  # many, so achievements near a horizon's day turn up
    for day in (*DAYS, DEMO_TODAY - dt.timedelta(days=300)):
        expected = {(h, g): [0, 0] for h in horizons for g in groups}
        for pid, start, end in people:
            for horizon in horizons:
                mark = start + dt.timedelta(days=horizon) if start else None
                if mark is None or mark > day:
                    continue
                done = any(d <= mark for (p, c), d in achieved.items() if p == pid and c in among)
                counts = expected[(horizon, groups[0] if done else groups[1])]
                counts[0] += 1
                counts[1] += end is None or end >= mark
        with demo_db.unit_of_work() as uow:
            rows = metrics.retention(uow.session, day, codes or None, horizons=horizons).rows
        assert rows == [
            (h, g, n, still, round(still / n, 3) if n else None) for (h, g), (n, still) in expected.items()
        ], day
        shown = run_report(
            demo_db.unit_of_work(), VIEWER, "retention", ReportOptions(today=day, onboarding_credentials=tuple(codes))
        ).rows
        assert shown == [row for row in rows if row[0] in (90, 365)]  # the report's two horizons
    assert len({p for p, _c in achieved}) >= 5  # people really achieved something


@pytest.mark.parametrize("by", ["profession", "cohort", "unit"])
def test_completion_matches_first_achievements_person_by_person(demo_db, by) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        achieved = _achieved(s)
        began: dict[tuple[str, int, int], dt.date] = {}  # (group, credential, person) -> first enrolment
        now_in = {
            m.person_id: m.unit.name for m in s.scalars(select(UnitMembership).where(UnitMembership.end_date.is_(None)))
        }
        for enrolment in s.scalars(select(Enrolment).where(Enrolment.status != "withdrawn")):
            person = s.get(Person, enrolment.person_id)
            cohort = s.get(Cohort, enrolment.cohort_id)
            group = {
                "cohort": cohort.code,
                "unit": now_in.get(person.id),
                "profession": person.profession.name if person.profession else None,
            }[by] or "(not recorded)"
            for link in s.scalars(select(CohortCredential).where(CohortCredential.cohort_id == cohort.id)):
                key = (group, link.credential_id, person.id)
                began[key] = min(began.get(key, enrolment.enrolled_on), enrolment.enrolled_on)
        codes = {c.id: c.code for c in s.scalars(select(Credential))}
    days: dict[tuple[str, str], list[int]] = {}
    assigned: dict[tuple[str, str], int] = {}
    for (group, cid, pid), start in began.items():
        key = (group, codes[cid])
        assigned[key] = assigned.get(key, 0) + 1
        if (pid, cid) in achieved:
            days.setdefault(key, []).append(max((achieved[(pid, cid)] - start).days, 0))
    expected = []
    for key in sorted(assigned):
        taken = days.get(key, [])
        n = assigned[key]
        expected.append(
            (
                *key,
                n,
                len(taken),
                round(len(taken) / n, 3),
                round(sum(taken) / len(taken), 1) if taken else None,
                min(taken) if taken else None,
                max(taken) if taken else None,
            )
        )
    assert run_report(demo_db.unit_of_work(), VIEWER, f"completion-by-{by}").rows == expected
    assert any(row[3] for row in expected)  # someone really achieved a credential


@pytest.mark.parametrize("within", [90, 30])
def test_expiring_matches_each_persons_progress(demo_db, within) -> None:
    with demo_db.unit_of_work() as uow:
        s = uow.session
        held = {
            (c.person_id, c.credential_id) for c in s.scalars(select(Certificate).where(Certificate.status == "valid"))
        }
        pairs = _assigned(s) | held
    listed = 0
    for day in (*DAYS, DEMO_TODAY + dt.timedelta(days=170)):
        expected = []
        with demo_db.unit_of_work() as uow:
            s = uow.session
            for pid, cid in pairs:
                detail = progress.compute_person_progress(s, pid, progress._credential(s, cid), day)
                if detail.expiring_band is None or detail.expiring_band > within or detail.renewal_date is None:
                    continue
                person = s.get(Person, pid)
                expected.append(
                    (
                        detail.expiring_band,
                        person.external_id,
                        person.full_name,
                        person.profession.name if person.profession else None,
                        person.unit,
                        detail.credential_code,
                        STATUS_LABELS[detail.status],
                        detail.renewal_date,
                        (detail.renewal_date - day).days,
                    )
                )
        expected.sort(key=lambda r: (r[7], r[1], r[5]))
        rows = run_report(demo_db.unit_of_work(), VIEWER, "expiring", ReportOptions(today=day, within=within)).rows
        assert rows == expected, day
        listed += len(rows)
    assert listed  # something really is expiring


def test_checked_rows_come_through_whole_with_a_check_before_each_stretch() -> None:
    from credtrack.services.common import checked, no_check

    rows, looks = [(n, f"person {n}") for n in range(10)], []
    assert list(checked(rows, lambda: looks.append(len(looks)), every=4)) == rows
    assert looks == [0, 1, 2]  # before rows 0, 4 and 8
    assert list(checked(rows, no_check, every=4)) == rows


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_a_report_that_is_never_cancelled_gives_the_same_rows_as_one_nobody_can_cancel(demo_db, name) -> None:
    options = ReportOptions(today=DEMO_TODAY)
    plain = run_report(demo_db.unit_of_work(), VIEWER, name, options)
    looks: list[str] = []
    watched = run_report(demo_db.unit_of_work(), VIEWER, name, options, check=lambda: looks.append(name))
    assert (watched.columns, watched.rows) == (plain.columns, plain.rows)
    assert looks

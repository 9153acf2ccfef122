"""The outcome reports on a demo database agree with the rules worked out the slow way, one person at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from credtrack import demo
from credtrack.models import Assessment, Cohort, CohortCredential, Completion, Credential, Enrolment, Person, evidence
from credtrack.reports.service import ReportOptions, run_report
from credtrack.services import progress
from credtrack.services.progress_rules import STATUS_LABELS
from tests.unit.data.conftest import VIEWER
from tests.unit.records.builders import add_certificate

DEMO_TODAY = dt.date(2026, 6, 15)
DAYS = (DEMO_TODAY, DEMO_TODAY + dt.timedelta(days=400))
MATRIX_STATE = {progress.MET: "met", progress.LAPSED: "expired", progress.MISSING: "missing",
                progress.BELOW: "missing"}


@pytest.fixture
def demo_db(db):
    """A 60-person demo with some records voided, some people enrolled twice (one withdrawn) and some
    certificates, so statuses of every kind turn up."""
    demo.load_demo(db, 60, today=DEMO_TODAY)
    with db.unit_of_work() as uow:
        s = uow.session
        for model in (Completion, Assessment):
            s.execute(update(model).where(model.id % 7 == 0).values(
                voided_at=dt.datetime(2026, 5, 1), void_reason="Entered in error"))
        evidence.rebuild(s.connection())  # voided behind the services' back: re-pack as they would
        cohorts = list(s.scalars(select(Cohort.id).order_by(Cohort.id)))
        people = list(s.scalars(select(Person.id).order_by(Person.id)))
        elsewhere = s.scalars(select(Enrolment.person_id).where(Enrolment.cohort_id != cohorts[-1])
                              .order_by(Enrolment.person_id)).all()
        for n, pid in enumerate(elsewhere[:12]):
            s.add(Enrolment(cohort_id=cohorts[-1], person_id=pid, enrolled_on=DEMO_TODAY,
                            status="withdrawn" if n % 3 == 0 else "active"))
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
        credential = s.scalar(select(Credential.code).order_by(Credential.id)) if scope == "credential" else None
        assigned = _assigned(s, cohort, credential)
        ids = dict(s.execute(select(Person.external_id, Person.id)).all())
        credentials = {c.code: c.id for c in s.scalars(select(Credential))}
    seen: set[str] = set()
    for day in DAYS:
        table = run_report(demo_db.unit_of_work(), VIEWER, "compliance",
                           ReportOptions(today=day, cohort=cohort, credential=credential))
        assert [ids[row[0]] for row in table.rows] == sorted(
            {p for p, _c in assigned}, key=lambda p: next(e for e, i in ids.items() if i == p))
        shown = [c[:-len(" status")] for c in table.columns if c.endswith(" status")]
        assert set(shown) == {code for code, cid in credentials.items() if any(c == cid for _p, c in assigned)}
        with demo_db.unit_of_work() as uow:
            s = uow.session
            for row in table.rows:
                pid = ids[row[0]]
                for code in shown:
                    at = table.columns.index(f"{code} status")
                    rules = progress._credential(s, credentials[code])
                    cells = list(row[at:at + 1 + len(rules.requirements)])
                    if (pid, credentials[code]) not in assigned:
                        assert cells == [""] * len(cells)
                        continue
                    detail = progress.compute_person_progress(s, pid, rules, day)
                    seen.add(detail.status)
                    assert table.columns[at + 1:at + 1 + len(rules.requirements)] == [
                        f"{code}: {r.code}" for r in rules.requirements]
                    assert cells == [STATUS_LABELS[detail.status],
                                     *[MATRIX_STATE[r.state] for r in detail.requirements]], (row[0], code, day)
    assert len(seen) >= 3  # the demo really shows several statuses

"""The dashboard's IPEC domain coverage counts every standing, passing sign-off in each domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from credtrack import demo
from credtrack.models import (
    Assessment,
    Competency,
    CompetencyDomain,
    Framework,
    ScaleLevel,
    evidence,
)
from credtrack.services import dashboard_queries
from credtrack.services.permissions import SYSTEM


def _counted_one_by_one(session, framework_code=None) -> dict[str, int]:
    """The same figure the slow way: walk every sign-off and look up its level and domain."""
    passing = {lv.id: lv.passing for lv in session.scalars(select(ScaleLevel))}
    domain_of: dict[int, str] = {}
    shown: dict[str, int] = {}
    rows = session.execute(
        select(Competency.id, CompetencyDomain.code, CompetencyDomain.name, Framework.code)
        .join(CompetencyDomain, CompetencyDomain.id == Competency.domain_id)
        .join(Framework, Framework.id == CompetencyDomain.framework_id)
    )
    for competency, code, name, framework in rows:
        if framework_code is None or framework == framework_code:
            domain_of[competency] = f"{code} {name}"
            shown[f"{code} {name}"] = 0
    for a in session.scalars(select(Assessment)):
        if a.voided_at is None and passing[a.level_id] and a.competency_id in domain_of:
            shown[domain_of[a.competency_id]] += 1
    return shown


def test_domain_coverage_matches_a_count_of_each_sign_off(db):
    demo.load_demo(db, 40, today=dt.date(2026, 6, 15))
    with db.unit_of_work() as uow:
        s = uow.session
        s.execute(
            update(Assessment)
            .where(Assessment.id % 7 == 0)
            .values(voided_at=dt.datetime(2026, 5, 1), void_reason="Entered in error")
        )
        failing = {lv.scale_id: lv.id for lv in s.scalars(select(ScaleLevel).where(ScaleLevel.passing.is_(False)))}
        for a in s.scalars(select(Assessment).where(Assessment.id % 5 == 0)):
            a.level_id = failing[a.scale_id]  # some sign-offs below the passing level, which do not count
        s.flush()
        evidence.rebuild(s.connection())  # voided behind the services' back: re-pack as they would
        uow.commit()
    summary = dashboard_queries.dashboard_summary(db.unit_of_work(), SYSTEM, today=dt.date(2026, 6, 15))
    with db.unit_of_work() as uow:
        expected = _counted_one_by_one(uow.session)
        framework = uow.session.scalar(select(Framework.code).order_by(Framework.id))
        only = _counted_one_by_one(uow.session, framework)
    assert dict(summary.domain_coverage) == expected
    assert sum(expected.values()) > 20  # the demo really signs people off in these domains
    one = dashboard_queries.dashboard_summary(
        db.unit_of_work(), SYSTEM, today=dt.date(2026, 6, 15), framework_code=framework
    )
    assert dict(one.domain_coverage) == only

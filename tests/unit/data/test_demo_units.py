"""The demo's units: each with a service line and a site, everyone in one, some people having moved with dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from credtrack import demo
from credtrack.models import Person, UnitMembership
from credtrack.services import units
from credtrack.services.audit import check as audit_check
from tests.unit.data.conftest import VIEWER

TODAY = dt.date(2026, 6, 15)


def test_demo_people_are_in_units_and_some_moved_with_dates_the_log_agrees_with(sqlite_db) -> None:
    demo.load_demo(sqlite_db, 120, today=TODAY)
    listed = units.list_units(sqlite_db.unit_of_work(), VIEWER)
    assert len(listed) == 10 and all(u.service_line and u.site for u in listed)
    assert {u.site for u in listed} == {"Riverbend General", "Eastside Campus"}
    with sqlite_db.unit_of_work() as uow:
        s = uow.session
        people = dict(s.execute(select(Person.id, Person.unit)).all())
        spans: dict[int, list[UnitMembership]] = {}
        for m in s.scalars(select(UnitMembership).order_by(UnitMembership.start_date)):
            spans.setdefault(m.person_id, []).append(m)
        for pid, unit in people.items():
            history = spans[pid]  # everyone, staff included, is in a unit
            assert history[-1].end_date is None and history[-1].unit.name == unit
            for earlier, later in zip(history, history[1:], strict=False):
                assert earlier.end_date == later.start_date - dt.timedelta(days=1)
                assert earlier.unit_id != later.unit_id and later.start_date <= TODAY
        moved = [pid for pid, history in spans.items() if len(history) > 1]
        assert 8 <= len(moved) <= 40  # about one in six
        verdict = audit_check.verify(s)
    assert verdict.intact, verdict.describe()
    assert sum(u.members for u in listed) == len(people)

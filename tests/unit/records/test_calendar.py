"""Calendar files of due and expiry dates, read back with the icalendar package: all-day events, one per
date, whose UIDs stay the same when a renewal moves the date (so a calendar updates, not duplicates)."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from credtrack.errors import NotFoundError
from credtrack.reports import calendar
from tests.unit.records.builders import TODAY, World, add_certificate, build_world, complete

D = dt.date.fromisoformat


@pytest.fixture
def w(db) -> World:
    return build_world(db)


def events(data: bytes) -> dict[str, tuple[str, dt.date, dt.date]]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND")) for e in cal.walk("VEVENT")}


def test_a_person_s_due_and_expiry_dates_as_all_day_events(w: World) -> None:
    complete(w, "BLS", "2025-07-01")
    f = calendar.person_calendar(w.uow(), w.viewer, w.learner, TODAY)
    assert (f.name, f.events) == ("EMP-001-dates.ics", 2)
    found = events(f.data)
    assert found == {
        "credtrack-credential-IPC-CORE-due-EMP-001": (
            "Due: Interprofessional collaboration: core",
            D("2026-05-01"),
            D("2026-05-02"),
        ),
        "credtrack-module-BLS-expiry-EMP-001": ("Expires: Module BLS", D("2026-07-01"), D("2026-07-02")),
    }
    assert all(not isinstance(start, dt.datetime) for _s, start, _e in found.values())  # whole days


def test_a_renewal_moves_the_event_under_the_same_uid(w: World) -> None:
    add_certificate(w.db, w.learner2, w.credential_id, D("2024-06-20"), D("2026-06-20"))
    first = events(calendar.person_calendar(w.uow(), w.viewer, w.learner2, TODAY).data)
    add_certificate(w.db, w.learner2, w.credential_id, D("2026-06-14"), D("2028-06-14"))
    second = events(calendar.person_calendar(w.uow(), w.viewer, w.learner2, TODAY).data)
    assert set(first) == set(second) == {"credtrack-credential-IPC-CORE-expiry-EMP-002"}
    assert first["credtrack-credential-IPC-CORE-expiry-EMP-002"][1] == D("2026-06-20")
    assert second["credtrack-credential-IPC-CORE-expiry-EMP-002"][1] == D("2028-06-14")


def test_a_cohort_s_dates_name_each_person_and_keep_to_its_credentials(w: World) -> None:
    complete(w, "BLS", "2025-07-01")
    complete(w, "BLS", "2025-08-01", person=w.learner2)  # not in the cohort: not in its calendar
    f = calendar.cohort_calendar(w.uow(), w.viewer, "coh-a", TODAY)
    found = events(f.data)
    assert sorted(s for s, _b, _e in found.values()) == [
        "Due: Interprofessional collaboration: core (Nguyễn Thị Minh)",
        "Expires: Module BLS (Nguyễn Thị Minh)",
    ]
    with pytest.raises(NotFoundError, match="No cohort"):
        calendar.cohort_calendar(w.uow(), w.viewer, "NOPE", TODAY)

"""Units as data: the rules of adding, renaming, deactivating units and moving people between them with dates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from credtrack.errors import DuplicateError, NotFoundError, PermissionDenied, ValidationError
from credtrack.models import AuditEvent, Person, UnitMembership
from credtrack.services import people, units
from credtrack.services.audit import check as audit_check
from credtrack.services.changes import Change
from tests.unit.records.builders import World, build_world, snapshot

D = dt.date


@pytest.fixture
def world(db) -> World:
    w = build_world(db)
    for name, line, site in (("4 West", "Medicine", "North"), ("ICU", "Critical care", "North"), ("ED", None, None)):
        units.create_unit(w.uow(), w.educator, name=name, service_line=line, site=site)
    return w


def _spans(w: World, person_id: int) -> list[tuple[str, dt.date, dt.date | None]]:
    return [(m.unit_name, m.start_date, m.end_date) for m in units.history(w.uow(), w.viewer, person_id)]


def _person_unit(w: World, person_id: int) -> str | None:
    with w.uow() as uow:
        return uow.session.get_one(Person, person_id).unit


def _actions(w: World) -> list[str]:
    with w.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _log_agrees(w: World) -> None:
    with w.uow() as uow:
        verdict = audit_check.verify(uow.session)
    assert verdict.intact, verdict.describe()


# Units -----------------------------------------------------------------------------------------


def test_units_are_listed_by_name_with_their_service_line_site_and_people(world) -> None:
    units.move_person(world.uow(), world.educator, world.learner, "icu", "2026-01-05")
    rows = units.list_units(world.uow(), world.viewer)
    assert [(u.name, u.service_line, u.site, u.members) for u in rows] == [
        ("4 West", "Medicine", "North", 0),
        ("ED", None, None, 0),
        ("ICU", "Critical care", "North", 1),
    ]


@pytest.mark.parametrize("name", ["icu", "  ICU ", "Icu"])
def test_unit_names_are_unique_whatever_their_case_and_spacing(world, name) -> None:
    before = snapshot(world.db)
    with pytest.raises(DuplicateError, match="already a unit called 'ICU'"):
        units.create_unit(world.uow(), world.educator, name=name)
    ed = next(u for u in units.list_units(world.uow(), world.viewer) if u.name == "ED")
    with pytest.raises(DuplicateError, match="already a unit called 'ICU'"):
        units.update_unit(world.uow(), world.educator, ed.id, name=name)
    assert snapshot(world.db) == before


def test_a_blank_or_overlong_unit_name_is_refused(world) -> None:
    with pytest.raises(ValidationError, match="A unit name is required"):
        units.create_unit(world.uow(), world.educator, name="   ")
    with pytest.raises(ValidationError, match="too long"):
        units.create_unit(world.uow(), world.educator, name="x" * 121)


def test_renaming_a_unit_renames_it_for_the_people_in_it_and_keeps_history(world) -> None:
    units.move_person(world.uow(), world.educator, world.learner, "ICU", "2026-01-05")
    units.move_person(world.uow(), world.educator, world.learner2, "ICU", "2026-01-05")
    units.move_person(world.uow(), world.educator, world.learner2, "ED", "2026-03-01")
    row = units.update_unit(world.uow(), world.educator, "icu", name="Intensive care", site="South").value
    assert (row.name, row.service_line, row.site) == ("Intensive care", "Critical care", "South")
    assert _person_unit(world, world.learner) == "Intensive care"
    assert _person_unit(world, world.learner2) == "ED"
    assert _spans(world, world.learner2)[0][0] == "Intensive care"  # the same unit, now named so
    assert units.update_unit(world.uow(), world.educator, row.id, name="Intensive care").changes == Change.NONE
    _log_agrees(world)


def test_a_unit_with_people_in_it_cannot_be_deactivated_and_nobody_moves_into_a_deactivated_one(world) -> None:
    units.move_person(world.uow(), world.educator, world.learner, "ICU", "2026-01-05")
    with pytest.raises(ValidationError, match="1 person is still in ICU: move them to another unit first"):
        units.deactivate_unit(world.uow(), world.educator, "ICU")
    units.move_person(world.uow(), world.educator, world.learner, "ED", "2026-04-01")
    assert units.deactivate_unit(world.uow(), world.educator, "ICU").value.active is False
    with pytest.raises(ValidationError, match="already deactivated"):
        units.deactivate_unit(world.uow(), world.educator, "ICU")
    with pytest.raises(ValidationError, match="ICU is deactivated: nobody can be moved into it"):
        units.move_person(world.uow(), world.educator, world.learner2, "ICU", "2026-04-01")
    assert [u.name for u in units.list_units(world.uow(), world.viewer, include_inactive=False)] == ["4 West", "ED"]
    assert _spans(world, world.learner)[0] == ("ICU", D(2026, 1, 5), D(2026, 3, 31))


def test_an_unknown_unit_is_named_in_the_error(world) -> None:
    with pytest.raises(NotFoundError, match="No unit is called 'Ward 9'"):
        units.move_person(world.uow(), world.educator, world.learner, "Ward 9", "2026-02-01")
    with pytest.raises(NotFoundError):
        units.update_unit(world.uow(), world.educator, 999_999, site="X")


# Moves -----------------------------------------------------------------------------------------


def test_a_move_ends_the_open_membership_the_day_before_and_opens_one(world) -> None:
    units.move_person(world.uow(), world.educator, world.learner, "4 West", "2026-01-05")
    moved = units.move_person(world.uow(), world.educator, world.learner, "ICU", D(2026, 3, 1)).value
    assert (moved.unit_name, moved.start_date, moved.end_date) == ("ICU", D(2026, 3, 1), None)
    assert _spans(world, world.learner) == [("4 West", D(2026, 1, 5), D(2026, 2, 28)), ("ICU", D(2026, 3, 1), None)]
    assert _person_unit(world, world.learner) == "ICU"
    _log_agrees(world)


def test_a_second_move_the_same_day_replaces_the_first(world) -> None:
    units.move_person(world.uow(), world.educator, world.learner, "4 West", "2026-01-05")
    units.move_person(world.uow(), world.educator, world.learner, "ICU", "2026-03-01")
    units.move_person(world.uow(), world.educator, world.learner, "ED", "2026-03-01")
    assert _spans(world, world.learner) == [("4 West", D(2026, 1, 5), D(2026, 2, 28)), ("ED", D(2026, 3, 1), None)]


def test_moving_back_the_same_day_undoes_that_move(world) -> None:
    units.move_person(world.uow(), world.educator, world.learner, "4 West", "2026-01-05")
    units.move_person(world.uow(), world.educator, world.learner, "ICU", "2026-03-01")
    units.move_person(world.uow(), world.educator, world.learner, "4 west", "2026-03-01")
    assert _spans(world, world.learner) == [("4 West", D(2026, 1, 5), None)]
    assert _person_unit(world, world.learner) == "4 West"
    with world.uow() as uow:
        note = uow.session.scalars(select(AuditEvent.note).order_by(AuditEvent.id.desc())).first()
    assert note == "The move to ICU on 2026-03-01 is undone."
    _log_agrees(world)


def test_moves_that_would_rewrite_history_are_refused_and_write_nothing(world) -> None:
    units.move_person(world.uow(), world.educator, world.learner, "4 West", "2026-01-05")
    units.move_person(world.uow(), world.educator, world.learner, "ICU", "2026-03-01")
    before = snapshot(world.db)
    with pytest.raises(ValidationError, match="has unit history on or after 2026-02-01.*correct that membership"):
        units.move_person(world.uow(), world.educator, world.learner, "ED", "2026-02-01")
    with pytest.raises(ValidationError, match="2025-12-01 is before Nguyễn Thị Minh started \\(2026-01-05\\)"):
        units.move_person(world.uow(), world.educator, world.learner, "ED", "2025-12-01")
    with pytest.raises(ValidationError, match="already in ICU"):
        units.move_person(world.uow(), world.educator, world.learner, "icu", "2026-05-01")
    with pytest.raises(ValidationError, match="date"):
        units.move_person(world.uow(), world.educator, world.learner, "ED", "2026-02-30")
    assert snapshot(world.db) == before


def test_one_open_membership_per_person_is_kept_by_the_database_too(world) -> None:
    units.move_person(world.uow(), world.educator, world.learner, "ICU", "2026-01-05")
    with pytest.raises(IntegrityError), world.uow() as uow:
        unit_id = uow.session.scalar(select(UnitMembership.unit_id))
        uow.session.add(UnitMembership(person_id=world.learner, unit_id=unit_id, start_date=D(2026, 2, 1)))
        uow.session.flush()


# Corrections -----------------------------------------------------------------------------------


def _placed_twice(w: World) -> tuple[int, int]:
    first = units.move_person(w.uow(), w.educator, w.learner, "4 West", "2026-01-05").value.id
    second = units.move_person(w.uow(), w.educator, w.learner, "ICU", "2026-03-01").value.id
    return first, second


def test_an_end_date_before_the_start_is_refused_with_a_clear_error(world) -> None:
    first, _ = _placed_twice(world)
    before = snapshot(world.db)
    with pytest.raises(ValidationError) as err:
        units.correct_membership(world.uow(), world.educator, first, reason="Typo", end_date="2026-01-01")
    assert err.value.message == "The end date 2026-01-01 is before the start date 2026-01-05."
    assert err.value.field == "end_date"
    assert snapshot(world.db) == before


def test_corrections_keep_memberships_apart_and_only_the_latest_open(world) -> None:
    first, second = _placed_twice(world)
    before = snapshot(world.db)
    with pytest.raises(ValidationError, match="overlap another membership: ICU from 2026-03-01"):
        units.correct_membership(world.uow(), world.educator, first, reason="Later", end_date="2026-03-10")
    with pytest.raises(ValidationError, match="Only the latest membership can be open"):
        units.correct_membership(world.uow(), world.educator, first, reason="Never left", end_date=None)
    with pytest.raises(ValidationError, match="A reason for the correction is required"):
        units.correct_membership(world.uow(), world.educator, second, reason=" ", start_date="2026-02-15")
    assert snapshot(world.db) == before


def test_a_correction_moves_a_membership_with_its_reason_in_the_log(world) -> None:
    first, second = _placed_twice(world)
    units.correct_membership(
        world.uow(), world.educator, first, reason="Moved a fortnight early", end_date="2026-02-14"
    )
    units.correct_membership(
        world.uow(), world.educator, second, reason="Moved a fortnight early", start_date="2026-02-15", unit="ED"
    )
    assert _spans(world, world.learner) == [("4 West", D(2026, 1, 5), D(2026, 2, 14)), ("ED", D(2026, 2, 15), None)]
    assert _person_unit(world, world.learner) == "ED"
    with world.uow() as uow:
        notes = list(uow.session.scalars(select(AuditEvent.note).where(AuditEvent.action == "unit.correct")))
    assert notes == ["Moved a fortnight early"] * 2
    # Closing the open membership leaves them in no unit from then.
    units.correct_membership(world.uow(), world.educator, second, reason="Left the ward", end_date="2026-05-31")
    assert _person_unit(world, world.learner) is None
    _log_agrees(world)


# Who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["preceptor", "viewer"])
def test_preceptors_and_viewers_may_read_units_but_not_change_them(world, role) -> None:
    first, _ = _placed_twice(world)
    who = world.as_role(role)
    before = snapshot(world.db)
    attempts = [
        lambda: units.create_unit(world.uow(), who, name="Ward 9"),
        lambda: units.update_unit(world.uow(), who, "ED", site="South"),
        lambda: units.deactivate_unit(world.uow(), who, "ED"),
        lambda: units.move_person(world.uow(), who, world.learner2, "ED", "2026-02-01"),
        lambda: units.correct_membership(world.uow(), who, first, reason="x", end_date="2026-02-01"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert snapshot(world.db) == before
    assert len(units.list_units(world.uow(), who)) == 3
    assert len(units.history(world.uow(), who, world.learner)) == 2


# The log -----------------------------------------------------------------------------------------


def test_every_change_is_in_the_log_and_the_record_check_agrees(world) -> None:
    start = len(_actions(world))
    first, _ = _placed_twice(world)
    units.update_unit(world.uow(), world.educator, "ED", service_line="Emergency")
    units.correct_membership(world.uow(), world.educator, first, reason="Typo", start_date="2026-01-06")
    units.move_person(world.uow(), world.educator, world.learner, "ED", "2026-05-01")
    units.deactivate_unit(world.uow(), world.educator, "ICU")
    assert _actions(world)[start:] == [
        "unit.move",
        "unit.move",
        "unit.update",
        "unit.correct",
        "unit.move",
        "unit.deactivate",
    ]
    _log_agrees(world)


# The person form -------------------------------------------------------------------------------


def test_the_person_form_places_new_people_from_their_start_and_moves_them_on_a_change(world) -> None:
    pid = people.create_person(
        world.uow(), world.educator, external_id="EMP-9", full_name="Ana Lima", unit="icu", start_date="2026-02-01"
    ).value.id
    assert _spans(world, pid) == [("ICU", D(2026, 2, 1), None)]
    people.update_person(world.uow(), world.educator, pid, unit="Ward 9", unit_from="2026-04-01")  # a new unit
    assert _spans(world, pid) == [("ICU", D(2026, 2, 1), D(2026, 3, 31)), ("Ward 9", D(2026, 4, 1), None)]
    assert [u.name for u in units.list_units(world.uow(), world.viewer)][-1] == "Ward 9"
    people.update_person(world.uow(), world.educator, pid, unit="", unit_from="2026-06-01")
    assert _spans(world, pid)[-1] == ("Ward 9", D(2026, 4, 1), D(2026, 5, 31))
    assert _person_unit(world, pid) is None
    _log_agrees(world)


def test_someone_given_an_end_date_leaves_their_unit_that_day_in_the_log(world) -> None:
    pid = people.create_person(
        world.uow(), world.educator, external_id="EMP-7", full_name="Ana Lima", unit="ICU", start_date="2026-02-01"
    ).value.id
    people.update_person(world.uow(), world.educator, pid, unit="4 West", unit_from="2026-04-01")
    start = len(_actions(world))
    row = people.update_person(world.uow(), world.educator, pid, end_date="2026-06-30").value
    assert row.status == "inactive"
    assert _spans(world, pid) == [("ICU", D(2026, 2, 1), D(2026, 3, 31)), ("4 West", D(2026, 4, 1), D(2026, 6, 30))]
    assert _person_unit(world, pid) is None
    assert units.unit_on(world.uow(), world.viewer, pid, "2026-06-30").unit_name == "4 West"
    assert units.unit_on(world.uow(), world.viewer, pid, "2026-07-01") is None
    assert _actions(world)[start:] == ["unit.leave", "person.update"]
    # Someone added with an end date already leaves their unit on it.
    gone = people.create_person(
        world.uow(), world.educator, external_id="EMP-8", full_name="Bo Chen", unit="ED",
        start_date="2025-01-06", end_date="2025-12-31",
    ).value.id  # fmt: skip
    assert _spans(world, gone) == [("ED", D(2025, 1, 6), D(2025, 12, 31))]
    _log_agrees(world)


def test_an_end_date_before_the_unit_they_are_in_began_is_refused_and_writes_nothing(world) -> None:
    pid = people.create_person(
        world.uow(), world.educator, external_id="EMP-7", full_name="Ana Lima", unit="ICU", start_date="2026-02-01"
    ).value.id
    people.update_person(world.uow(), world.educator, pid, unit="4 West", unit_from="2026-04-01")
    before = len(_actions(world))
    with pytest.raises(ValidationError, match="in 4 West since 2026-04-01, after the end date 2026-03-15") as err:
        people.update_person(world.uow(), world.educator, pid, end_date="2026-03-15")
    assert err.value.field == "end_date"
    assert _spans(world, pid)[-1] == ("4 West", D(2026, 4, 1), None)
    assert people.get_person(world.uow(), world.viewer, pid).end_date is None
    assert len(_actions(world)) == before


def test_a_moved_end_date_moves_the_end_of_the_stay_and_a_cleared_one_reopens_it(world) -> None:
    pid = people.create_person(
        world.uow(), world.educator, external_id="EMP-7", full_name="Ana Lima", unit="ICU", start_date="2026-02-01",
        end_date="2026-06-30",
    ).value.id  # fmt: skip
    assert _spans(world, pid) == [("ICU", D(2026, 2, 1), D(2026, 6, 30))]
    start = len(_actions(world))
    people.update_person(world.uow(), world.educator, pid, end_date="2026-08-31")  # they stayed longer
    assert _spans(world, pid) == [("ICU", D(2026, 2, 1), D(2026, 8, 31))]
    assert _person_unit(world, pid) is None
    people.update_person(world.uow(), world.educator, pid, end_date=None)  # the leaving was a mistake
    assert _spans(world, pid) == [("ICU", D(2026, 2, 1), None)]
    assert _person_unit(world, pid) == "ICU"
    assert _actions(world)[start:] == ["unit.leave", "person.update", "unit.return", "person.update"]
    people.update_person(world.uow(), world.educator, pid, unit="4 West", unit_from="2026-04-01")
    people.update_person(world.uow(), world.educator, pid, end_date="2026-07-31")
    before = len(_actions(world))
    with pytest.raises(ValidationError, match="was in 4 West from 2026-04-01, after the end date 2026-03-15"):
        people.update_person(world.uow(), world.educator, pid, end_date="2026-03-15")
    assert _spans(world, pid)[-1] == ("4 West", D(2026, 4, 1), D(2026, 7, 31))  # the refusal wrote nothing
    assert len(_actions(world)) == before
    _log_agrees(world)


def test_a_stay_ended_before_the_leaving_does_not_follow_the_end_date(world) -> None:
    pid = people.create_person(
        world.uow(), world.educator, external_id="EMP-7", full_name="Ana Lima", unit="ICU", start_date="2026-02-01"
    ).value.id
    people.update_person(world.uow(), world.educator, pid, unit="", unit_from="2026-04-01")  # out of any unit
    people.update_person(world.uow(), world.educator, pid, end_date="2026-06-30")
    people.update_person(world.uow(), world.educator, pid, end_date="2026-09-30")
    assert _spans(world, pid) == [("ICU", D(2026, 2, 1), D(2026, 3, 31))]
    _log_agrees(world)


# Questions ---------------------------------------------------------------------------------------


def test_who_was_where_on_a_day(world) -> None:
    _placed_twice(world)
    units.move_person(world.uow(), world.educator, world.learner2, "ICU", "2026-02-01")

    def on(person: int, day: str) -> str | None:
        found = units.unit_on(world.uow(), world.viewer, person, day)
        return found.unit_name if found else None

    assert [on(world.learner, d) for d in ("2026-01-04", "2026-01-05", "2026-02-28", "2026-03-01")] == [
        None,
        "4 West",
        "4 West",
        "ICU",
    ]

    def names(unit: str, day: str) -> list[str]:
        return [m.full_name for m in units.people_in_unit(world.uow(), world.viewer, unit, day)]

    assert names("ICU", "2026-02-15") == ["José Álvarez"]
    assert names("ICU", "2026-03-01") == ["José Álvarez", "Nguyễn Thị Minh"]
    assert names("4 West", "2026-03-01") == []
    assert names("4 West", "2026-02-28") == ["Nguyễn Thị Minh"]
    with pytest.raises(ValidationError):
        units.unit_on(world.uow(), world.viewer, world.learner, "yesterday")

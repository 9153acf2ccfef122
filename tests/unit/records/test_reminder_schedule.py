"""Which reminder step is due, on hand-worked dates (no database): the default 90/60/30/7 days before an
expiry and on the day, a rule of a credential's own, overdue assignments, and a renewal."""

from __future__ import annotations

import datetime as dt

import pytest

from credtrack.services.reminders.schedule import (
    CREDENTIAL,
    DUE,
    EXPIRY,
    MODULE,
    Rule,
    Subject,
    due_step,
    parse_days,
    schedule,
)

D = dt.date.fromisoformat
# A certificate expiring on Sunday 13 September 2026: 90 days before is 15 June, 60 is 15 July, 30 is
# 14 August, 7 is 6 September.
CERT = Subject(1, CREDENTIAL, 7, EXPIRY, D("2026-09-13"))
DEFAULT = Rule()


@pytest.mark.parametrize(
    ("today", "step", "due_on"),
    [
        ("2026-06-14", None, None),  # 91 days before: nothing yet
        ("2026-06-15", "before_90", "2026-06-15"),
        ("2026-07-14", "before_90", "2026-06-15"),  # a run that missed a month still sends the 90-day one
        ("2026-07-15", "before_60", "2026-07-15"),
        ("2026-08-13", "before_60", "2026-07-15"),
        ("2026-08-14", "before_30", "2026-08-14"),
        ("2026-09-05", "before_30", "2026-08-14"),
        ("2026-09-06", "before_7", "2026-09-06"),
        ("2026-09-12", "before_7", "2026-09-06"),
        ("2026-09-13", "on_expiry", "2026-09-13"),
        ("2026-10-12", "on_expiry", "2026-09-13"),  # up to 30 days late
        ("2026-10-13", None, None),  # an expiry older than that is not announced
    ],
)
def test_the_default_steps_before_and_on_an_expiry(today: str, step: str | None, due_on: str | None) -> None:
    got = due_step(CERT, DEFAULT, D(today))
    if step is None:
        assert got is None
    else:
        assert got is not None and (got.step, got.due_on) == (step, D(due_on or ""))


def test_a_rule_of_its_own_with_one_step_and_none_on_the_day() -> None:
    rule = Rule(days_before=(30,), on_expiry=False)
    assert due_step(CERT, rule, D("2026-08-13")) is None
    got = due_step(CERT, rule, D("2026-09-12"))
    assert got is not None and got.step == "before_30"
    assert due_step(CERT, rule, D("2026-09-13")) is None  # its last step ends when the credential expires


def test_a_rule_switched_off_sends_nothing() -> None:
    assert due_step(CERT, Rule(enabled=False), D("2026-09-13")) is None


def test_an_assignment_is_overdue_from_the_day_after_its_due_date_until_earned() -> None:
    due = Subject(1, CREDENTIAL, 7, DUE, D("2026-05-01"))
    assert due_step(due, DEFAULT, D("2026-05-01")) is None
    got = due_step(due, DEFAULT, D("2026-05-02"))
    assert got is not None and (got.step, got.due_on) == ("overdue", D("2026-05-02"))
    assert due_step(due, DEFAULT, D("2027-01-01")) is not None
    assert due_step(due, Rule(overdue=False), D("2026-05-02")) is None


def test_a_renewal_moves_the_date_so_the_step_due_and_its_key_change() -> None:
    # BLS completed 1 July 2025, valid 12 months: lapses 1 July 2026; on 15 June 2026 the 30-day step is due.
    old = Subject(1, MODULE, 3, EXPIRY, D("2026-07-01"))
    (before,) = schedule([old], lambda s: DEFAULT, D("2026-06-15"))
    assert before.step == "before_30"
    # Completed again on 10 June 2026: it now lapses on 10 June 2027, nothing is due, and had the old
    # reminder been kept its key (the date it is about) would no longer match anything planned.
    renewed = Subject(1, MODULE, 3, EXPIRY, D("2027-06-10"))
    assert schedule([renewed], lambda s: DEFAULT, D("2026-06-15")) == []
    assert before.key == (1, MODULE, 3, "before_30", D("2026-07-01"))


def test_each_subject_follows_its_own_rule() -> None:
    module = Subject(1, MODULE, 3, EXPIRY, D("2026-09-13"))
    rules = {CREDENTIAL: DEFAULT, MODULE: Rule(days_before=(14,))}
    due = schedule([CERT, module], lambda s: rules[s.kind], D("2026-09-01"))
    assert [(d.subject.kind, d.step) for d in due] == [(CREDENTIAL, "before_30"), (MODULE, "before_14")]


@pytest.mark.parametrize(
    ("text", "message"),
    [("90, sixty", "'sixty' is not a number"), ("0", "out of range"), ("400", "out of range"), ("30,30", "twice")],
)
def test_days_that_make_no_sense_are_refused_saying_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_days(text)


def test_days_are_kept_from_the_furthest() -> None:
    assert parse_days("7; 30, 90") == (90, 30, 7)
    assert parse_days("") == ()

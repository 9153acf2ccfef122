"""Which reminder step is due today: a pure function of the dates, the rules and the day (no database).

A subject is one person's expiry date (a certificate, or a recurring module's validity) or the due date of
a credential assigned through their cohort. An expiry's steps are the days before it that its rule names
(by default 90, 60, 30 and 7), then the day itself; a due date has one step, the day after it. Each step is
due from its day until the next step's day, so a reminder run that missed a few days sends the step that
applies now and never a stale one; the on-expiry step stays due for ``LATE_LIMIT`` days (an expiry older
than that when reminders begin is not announced), the overdue step until the credential is earned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

EXPIRY, DUE = "expiry", "due"
CREDENTIAL, MODULE = "credential", "module"
ON_EXPIRY, OVERDUE = "on_expiry", "overdue"
DEFAULT_DAYS = (90, 60, 30, 7)
LATE_LIMIT = dt.timedelta(days=30)
MAX_DAYS_BEFORE = 366


@dataclass(frozen=True)
class Rule:
    """When to remind: the days before an expiry, on the day, when overdue, and whether to copy the unit
    educator. A rule that is not enabled sends nothing."""

    days_before: tuple[int, ...] = DEFAULT_DAYS
    on_expiry: bool = True
    overdue: bool = True
    enabled: bool = True
    copy_educator: bool = False


DEFAULT_RULE = Rule()


@dataclass(frozen=True, order=True)
class Subject:
    """A date someone is reminded about: ``kind`` says whether ``subject_id`` is a credential or a module,
    ``event`` whether ``on`` is an expiry or a due date."""

    person_id: int
    kind: str
    subject_id: int
    event: str
    on: dt.date

    @property
    def key(self) -> tuple[int, str, int, str]:
        return (self.person_id, self.kind, self.subject_id, self.event)


@dataclass(frozen=True)
class DueStep:
    subject: Subject
    step: str
    due_on: dt.date

    @property
    def key(self) -> tuple[int, str, int, str, dt.date]:
        """The reminder's identity: one person, one subject, one step, one date it is about."""
        s = self.subject
        return (s.person_id, s.kind, s.subject_id, self.step, s.on)


def before(days: int) -> str:
    return f"before_{days}"


def step_kind(step: str) -> str:
    """The template a step is worded with: "before", "on_expiry" or "overdue"."""
    return "before" if step.startswith("before_") else step


def days_of(step: str) -> int | None:
    return int(step.removeprefix("before_")) if step.startswith("before_") else None


def steps(subject: Subject, rule: Rule) -> list[tuple[str, dt.date, dt.date | None]]:
    """Each step of the subject under the rule: its name, the day it becomes due and the day it stops being
    due (None: not until the subject changes)."""
    if not rule.enabled:
        return []
    if subject.event == DUE:
        return [(OVERDUE, subject.on + dt.timedelta(days=1), None)] if rule.overdue else []
    named = [(before(n), subject.on - dt.timedelta(days=n)) for n in sorted(set(rule.days_before), reverse=True)]
    if rule.on_expiry:
        named.append((ON_EXPIRY, subject.on))
    out: list[tuple[str, dt.date, dt.date | None]] = []
    for i, (name, day) in enumerate(named):
        if i + 1 < len(named):
            until: dt.date = named[i + 1][1]
        elif name == ON_EXPIRY:
            until = day + LATE_LIMIT
        else:
            until = subject.on  # the last step before an expiry with no on-the-day reminder
        out.append((name, day, until))
    return out


def due_step(subject: Subject, rule: Rule, today: dt.date) -> DueStep | None:
    """The one step of ``subject`` due ``today``, if any."""
    for name, day, until in steps(subject, rule):
        if day <= today and (until is None or today < until):
            return DueStep(subject, name, day)
    return None


def schedule(subjects: Iterable[Subject], rule_of: Callable[[Subject], Rule], today: dt.date) -> list[DueStep]:
    """Every step due ``today``, in person and subject order."""
    due = (due_step(s, rule_of(s), today) for s in sorted(set(subjects)))
    return [d for d in due if d is not None]


def parse_days(text: str) -> tuple[int, ...]:
    """Days before an expiry as typed ("90, 60, 30, 7"): whole numbers from 1 to 366, each once. Raises
    ValueError saying what is wrong."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    days: list[int] = []
    for p in parts:
        if not p.isdigit():
            raise ValueError(f"{p!r} is not a number of days; give whole numbers such as 90, 60, 30, 7.")
        n = int(p)
        if not 1 <= n <= MAX_DAYS_BEFORE:
            raise ValueError(f"{n} days is out of range; give days from 1 to {MAX_DAYS_BEFORE} before the expiry.")
        if n in days:
            raise ValueError(f"{n} days is given twice.")
        days.append(n)
    return tuple(sorted(days, reverse=True))

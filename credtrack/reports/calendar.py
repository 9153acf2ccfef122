"""Calendar files (.ics) of due and expiry dates, for a person or a whole cohort, so learners can add them
to their own calendar.

Each date is an all-day event whose UID names the person, the credential or module and the kind of date
(never the date itself): importing a newer file after a renewal moves the event instead of adding another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError
from credtrack.models import Cohort, CohortCredential, Enrolment, Person, Setting, utcnow
from credtrack.rules.model import MODULE as MODULE_REQUIREMENT
from credtrack.services.common import get_or_404
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress.person import load_rules
from credtrack.services.reminders.schedule import CREDENTIAL, DUE, MODULE, Subject
from credtrack.services.reminders.subjects import active_people, read_subjects, titles

PRODUCT = "-//credtrack//Due and expiry dates//EN"


@dataclass(frozen=True)
class CalendarFile:
    name: str  # a file name to suggest
    events: int
    data: bytes


def _event(subject: Subject, person: tuple[str, str], named: dict, stamp: dt.datetime, *, with_name: bool) -> Event:
    external_id, name = person
    code, title = named[(subject.kind, subject.subject_id)]
    what = "Due" if subject.event == DUE else "Expires"
    summary = f"{what}: {title}" + (f" ({name})" if with_name else "")
    if subject.event == DUE:
        detail = f"{title} ({code}) is due to be completed by {name} on this day."
    elif subject.kind == CREDENTIAL:
        detail = f"{name}'s {title} ({code}) expires on this day; renew it before then."
    else:
        detail = f"{name}'s completion of {title} ({code}) lapses on this day; complete it again before then."
    event = Event()
    event.add("uid", f"credtrack-{subject.kind}-{code}-{subject.event}-{external_id}".replace(" ", "_"))
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("description", detail)
    event.add("dtstart", subject.on)
    event.add("dtend", subject.on + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a reminder of a date, not time the learner is busy
    return event


def _calendar(session: Session, subjects: list[Subject], name: str, *, with_names: bool) -> tuple[int, bytes]:
    institution = session.scalar(select(Setting.value).where(Setting.key == "institution_name")) or "credtrack"
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{name} — {institution}")
    named = titles(session, subjects)
    people = {
        p.id: (p.external_id, p.full_name)
        for p in session.execute(
            select(Person.id, Person.external_id, Person.full_name).where(
                Person.id.in_({s.person_id for s in subjects})
            )
        )
    }
    stamp = utcnow().replace(tzinfo=dt.UTC)
    for s in sorted(subjects, key=lambda s: (s.on, s.person_id, s.kind, s.subject_id)):
        cal.add_component(_event(s, people[s.person_id], named, stamp, with_name=with_names))
    return len(subjects), cal.to_ical()


def person_calendar(uow: UnitOfWork, actor: Actor, person_id: int, today: dt.date | None = None) -> CalendarFile:
    """A person's due dates (credentials assigned and not yet earned) and expiry dates (certificates and
    recurring modules)."""
    with uow:
        require(actor, "read")
        session = uow.session
        person = get_or_404(session, Person, person_id, "person")
        subjects = read_subjects(session, today or _today(), [person_id])
        count, data = _calendar(session, subjects, person.full_name, with_names=False)
        return CalendarFile(f"{person.external_id}-dates.ics", count, data)


def cohort_calendar(uow: UnitOfWork, actor: Actor, cohort_code: str, today: dt.date | None = None) -> CalendarFile:
    """The due and expiry dates of a cohort's people for the credentials assigned to the cohort (and the
    recurring modules those credentials require), each event named with the person."""
    with uow:
        require(actor, "read")
        session = uow.session
        cohort = session.scalar(select(Cohort).where(Cohort.code == cohort_code.strip().upper()))
        if cohort is None:
            raise NotFoundError(f"No cohort with code {cohort_code!r}.")
        day = today or _today()
        people = list(
            session.scalars(
                select(Enrolment.person_id).where(Enrolment.cohort_id == cohort.id, Enrolment.status == "active")
            )
        )
        credentials = set(
            session.scalars(select(CohortCredential.credential_id).where(CohortCredential.cohort_id == cohort.id))
        )
        modules = {
            r.target_id
            for rules in load_rules(session, credentials).values()
            for r in rules.requirements
            if r.kind == MODULE_REQUIREMENT
        }
        people = list(active_people(session, day, people)) if people else []
        subjects = [
            s
            for s in (read_subjects(session, day, people) if people else [])
            if (s.kind == CREDENTIAL and s.subject_id in credentials) or (s.kind == MODULE and s.subject_id in modules)
        ]
        count, data = _calendar(session, subjects, cohort.name, with_names=True)
        return CalendarFile(f"{cohort.code}-dates.ics", count, data)

"""Improvement work as evidence: a learner's QI projects, safety event reviews, huddles led and teach-backs.

A preceptor or educator records the work with its team (each member's name and profession, and the
person when they are in the database). It counts towards a credential once a supervisor — a preceptor,
educator or administrator other than the learner — confirms it, re-entering their password as for a
sign-off. Work is voided with a reason, never deleted. Files attached to it are kept in the data folder
(``services.improvement_files``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError, ValidationError
from credtrack.models import ImprovementMember, ImprovementWork, Person, Profession, utcnow
from credtrack.models.enums import IMPROVEMENT_KINDS, label
from credtrack.services.accounts.signing import check_password_first, reauthenticate
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import (
    by_code,
    free_text,
    get_or_404,
    limited_text,
    not_in_future,
    parse_date,
    required_text,
)
from credtrack.services.permissions import Actor, require
from credtrack.services.records.common import active_person, not_about_themselves, void_record

CONFIRMATION_TEXT = (
    "I supervised this work and confirm that the learner did it as described, in the role stated, with this team."
)
MAX_TEAM = 30


@dataclass(frozen=True)
class TeamMember:
    """A team member as the user gives them: a name, a profession code and optionally a person's external id."""

    name: str
    profession_code: str
    external_id: str | None = None


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    file_name: str
    size: int
    sha256: str
    added_at: dt.datetime


@dataclass(frozen=True)
class WorkRow:
    id: int
    person_id: int
    kind: str
    title: str
    aim: str
    role: str
    started_on: dt.date
    ended_on: dt.date | None
    outcome: str
    team: list[tuple[str, str]]  # (name, profession name) of each member, the learner not included
    professions: list[str]  # the distinct professions on the team, the learner's own included
    recorded_by: str
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
    voided: bool
    void_reason: str | None
    attachments: list[AttachmentRow]

    @property
    def kind_label(self) -> str:
        return label(self.kind)

    @property
    def standing(self) -> bool:
        """Counts towards credentials: confirmed and not voided."""
        return self.confirmed_at is not None and not self.voided

    @property
    def state(self) -> str:
        if self.voided:
            return "Voided"
        return "Confirmed" if self.confirmed_at is not None else "Awaiting confirmation"


def _name(user) -> str:
    return (user.display_name or user.username) if user is not None else ""


def work_row(w: ImprovementWork) -> WorkRow:
    professions = {m.profession.name for m in w.members}
    if w.learner_profession is not None:
        professions.add(w.learner_profession.name)
    return WorkRow(
        w.id,
        w.person_id,
        w.kind,
        w.title,
        w.aim,
        w.role,
        w.started_on,
        w.ended_on,
        w.outcome,
        [(m.name, m.profession.name) for m in w.members],
        sorted(professions),
        _name(w.recorded_by),
        _name(w.confirmed_by) or None,
        w.confirmed_at,
        w.voided_at is not None,
        w.void_reason,
        [AttachmentRow(a.id, a.file_name, a.size, a.sha256, a.added_at) for a in w.attachments],
    )


def work_snapshot(w: ImprovementWork) -> dict:
    return {
        "person_id": w.person_id,
        "kind": w.kind,
        "title": w.title,
        "aim": w.aim,
        "role": w.role,
        "started_on": w.started_on,
        "ended_on": w.ended_on,
        "outcome": w.outcome,
        "learner_profession_id": w.learner_profession_id,
        "team": [[m.name, m.profession_id, m.person_id] for m in w.members],
    }


_MEMBER = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<profession>[^(),]+?)(?:\s*,\s*(?P<external>[^(),]+?))?\s*\)$")


def parse_team(text: str) -> list[TeamMember]:
    """Team members written in one line: ``Name (PROFESSION); Name (PROFESSION, external id); ...``."""
    members = []
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        match = _MEMBER.match(part)
        if match is None:
            raise ValidationError(
                f"The team member {part!r} is not written as 'Name (PROFESSION)' or 'Name (PROFESSION, external id)'; "
                "separate members with ';'.",
                field="team",
            )
        members.append(TeamMember(match["name"].strip(), match["profession"].strip(), match["external"]))
    return members


def check_kind(kind: str) -> str:
    if kind not in IMPROVEMENT_KINDS:
        raise ValidationError(
            f"The kind of work must be one of: {', '.join(f'{k} ({label(k)})' for k in IMPROVEMENT_KINDS)}; "
            f"not {kind!r}.",
            field="kind",
        )
    return kind


def build_members(session: Session, team: list[TeamMember], learner_id: int) -> list[ImprovementMember]:
    """The team's members, each a named person of a profession in the catalog (and, given an external id,
    that person in the database, who is not the learner)."""
    if len(team) > MAX_TEAM:
        raise ValidationError(f"A team is listed with at most {MAX_TEAM} members besides the learner.", field="team")
    built = []
    for position, member in enumerate(team):
        name = required_text(member.name, "A team member's name", "team", 200)
        if not (member.profession_code or "").strip():
            raise ValidationError(
                f"Give {name}'s profession: the team's professions are what credentials count.", "team"
            )
        profession = by_code(session, Profession, member.profession_code, "profession")
        person_id = None
        if member.external_id:
            person = by_code(session, Person, member.external_id, "person", column="external_id")
            if person.id == learner_id:
                raise ValidationError("List the team's other members; the learner is counted already.", field="team")
            person_id = person.id
        built.append(ImprovementMember(position=position, name=name, profession_id=profession.id, person_id=person_id))
    return built


def work_dates(
    started_on: dt.date | str, ended_on: dt.date | str | None, today: dt.date | None
) -> tuple[dt.date, dt.date | None]:
    start = parse_date(started_on, "The start date", "started_on", required=True)
    assert start is not None
    not_in_future(start, "The start date", "started_on", now=today)
    end = parse_date(ended_on, "The end date", "ended_on")
    if end is not None:
        not_in_future(end, "The end date", "ended_on", now=today)
        if end < start:
            raise ValidationError("The end date is before the start date.", field="ended_on")
    return start, end


def record_work(
    uow: UnitOfWork,
    actor: Actor,
    *,
    person_id: int,
    kind: str,
    title: str,
    started_on: dt.date | str,
    ended_on: dt.date | str | None = None,
    aim: str = "",
    role: str = "",
    outcome: str = "",
    team: list[TeamMember] | None = None,
    today: dt.date | None = None,
) -> Result[WorkRow]:
    """Record a learner's piece of improvement work with its team; it awaits a supervisor's confirmation."""
    with uow:
        require(actor, "improvement.record")
        session = uow.session
        person = active_person(session, person_id)
        not_about_themselves(actor, person.id, "record improvement work of your own")
        start, end = work_dates(started_on, ended_on, today)
        work = ImprovementWork(
            person_id=person.id,
            kind=check_kind(kind),
            title=required_text(title, "The title", "title", 200),
            aim=free_text(aim, "The aim", "aim").strip(),
            role=limited_text(role, "The learner's role", "role", 120),
            started_on=start,
            ended_on=end,
            outcome=free_text(outcome, "The outcome", "outcome").strip(),
            learner_profession_id=person.profession_id,
            recorded_by_id=actor.id,
            recorded_at=utcnow(),
            members=build_members(session, team or [], person.id),
        )
        session.add(work)
        session.flush()
        audit.record(session, actor, "improvement.record", "improvement", work.id, after=work_snapshot(work))
        row = work_row(work)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


def confirm_work(
    uow: UnitOfWork,
    actor: Actor,
    work_id: int,
    password: str,
    *,
    ended_on: dt.date | str | None = None,
    today: dt.date | None = None,
) -> Result[WorkRow]:
    """Confirm a piece of work as its supervisor, signing with one's password; from then on it counts.
    Work still under way cannot be confirmed: give ``ended_on`` if the record has no end date yet."""
    checked = check_password_first(uow, actor, password)
    with uow:
        require(actor, "improvement.confirm")
        session = uow.session
        work = load_work(session, work_id)
        not_about_themselves(actor, work.person_id, "confirm your own improvement work")
        if work.voided_at is not None:
            raise ValidationError("This work is voided; it cannot be confirmed.")
        if work.confirmed_at is not None:
            raise ValidationError(f"This work was confirmed already, by {_name(work.confirmed_by)}.")
        if ended_on not in (None, ""):
            _start, end = work_dates(work.started_on, ended_on, today)
            work.ended_on = end
        if work.ended_on is None:
            raise ValidationError("Give the day the work ended: work still under way cannot be confirmed.", "ended_on")
        reauthenticate(session, actor, password, checked=checked)
        work.confirmed_by_id, work.confirmed_at, work.confirmation_text = actor.id, utcnow(), CONFIRMATION_TEXT
        session.flush()  # re-packs the person's standing evidence (models.evidence)
        audit.record(
            session,
            actor,
            "improvement.confirm",
            "improvement",
            work.id,
            before={"confirmed": False},
            after={"confirmed": True, "ended_on": work.ended_on, "confirmation_text": CONFIRMATION_TEXT},
            reauthenticated=True,
        )
        session.refresh(work)
        row = work_row(work)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


def void_work(
    uow: UnitOfWork, actor: Actor, work_id: int, reason: str, today: dt.date | None = None
) -> Result[WorkRow]:
    """Void a piece of work with a reason; it stays in history and stops counting. Preceptors may void only
    the work they recorded. Certificates issued on it stay valid and are flagged for review (named in the
    audit event), as for a voided completion or sign-off."""
    with uow:
        require(actor, "improvement.void")
        session = uow.session
        work = load_work(session, work_id)
        void_record(session, actor, work, reason, "piece of improvement work", today, entity="improvement")
        row = work_row(work)
        uow.commit()
        return Result(row, Change.RECORDS | Change.AUDIT)


def person_work(uow: UnitOfWork, actor: Actor, person_id: int) -> list[WorkRow]:
    """A person's improvement work, latest first, voided work included (marked)."""
    with uow:
        require(actor, "read")
        session = uow.session
        get_or_404(session, Person, person_id, "person")
        works = session.scalars(
            _loaded()
            .where(ImprovementWork.person_id == person_id)
            .order_by(ImprovementWork.started_on.desc(), ImprovementWork.id.desc())
        )
        return [work_row(w) for w in works]


def get_work(uow: UnitOfWork, actor: Actor, work_id: int) -> WorkRow:
    with uow:
        require(actor, "read")
        return work_row(load_work(uow.session, work_id))


def _loaded():
    return select(ImprovementWork).options(
        selectinload(ImprovementWork.members).selectinload(ImprovementMember.profession),
        selectinload(ImprovementWork.attachments),
    )


def load_work(session: Session, work_id: int) -> ImprovementWork:
    work = session.scalar(_loaded().where(ImprovementWork.id == work_id))
    if work is None:
        raise NotFoundError(f"No improvement work with id {work_id}.")
    return work

"""What a person has precepted: the sign-offs they gave as assessor, with counts by learner profession.

A preceptor reads their own record; educators, administrators and auditors read anyone's. What counts
towards a precepting requirement is said in ``services.progress.precepted``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from credtrack.db import UnitOfWork
from credtrack.models import Person, Profession, User
from credtrack.services.common import get_or_404
from credtrack.services.permissions import Actor, require
from credtrack.services.progress.precepted import PreceptedSignOff, precepted_rows

NO_ACCOUNT = (
    "No user account is linked to this person, so sign-offs they give in credtrack are not recorded as theirs. "
    "An administrator links a new account to a person when creating it: "
    "credtrack-cli users add NAME --role preceptor --person EXTERNAL_ID."
)


@dataclass(frozen=True)
class ProfessionCount:
    profession: str  # the learners' profession ("(not recorded)" when none is)
    given: int  # standing sign-offs given to learners of it
    counted: bool  # whether these count towards a precepting requirement (another profession than theirs)


@dataclass(frozen=True)
class PreceptedRecord:
    person_id: int
    person_name: str
    profession: str  # the preceptor's own profession ("" when not recorded)
    accounts: list[str]  # user names of the accounts linked to the person
    sign_offs: list[PreceptedSignOff]  # newest first, voided ones included
    by_profession: list[ProfessionCount] = field(default_factory=list)
    counted: int = 0  # standing sign-offs to learners of other professions
    professions_counted: int = 0  # how many other professions those learners are of

    @property
    def note(self) -> str:
        """What the page says above the list when there is something to explain."""
        if not self.accounts:
            return NO_ACCOUNT
        if not self.sign_offs:
            return "No sign-offs given yet."
        return ""


def precepted_record(uow: UnitOfWork, actor: Actor, person_id: int) -> PreceptedRecord:
    """The sign-offs the person gave, with counts by learner profession. A preceptor may read only their own."""
    with uow:
        require(actor, "read")
        if actor.person_id is None or actor.person_id != person_id:
            require(actor, "precepting.read")
        session = uow.session
        person = get_or_404(session, Person, person_id, "person")
        own = session.get(Profession, person.profession_id) if person.profession_id is not None else None
        accounts = list(session.scalars(select(User.username).where(User.person_id == person_id).order_by(User.id)))
        rows = precepted_rows(session, person_id)
        standing = Counter(r.learner_profession or "(not recorded)" for r in rows if r.standing)
        counted_names = {r.learner_profession for r in rows if r.counted(person.profession_id)}
        by_profession = [
            ProfessionCount(name, n, name in counted_names)
            for name, n in sorted(standing.items(), key=lambda item: (-item[1], item[0]))
        ]
        counted = [r for r in rows if r.counted(person.profession_id)]
        return PreceptedRecord(
            person.id,
            person.full_name,
            own.name if own else "",
            accounts,
            rows,
            by_profession,
            len(counted),
            len({r.learner_profession_id for r in counted}),
        )

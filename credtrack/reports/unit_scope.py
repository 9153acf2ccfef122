"""Who counts in which unit over a chosen period, read once and shared by every report by unit.

A person counts in a unit when one of their memberships of it overlaps the period (it began on or before
the period's last day and had not ended before its first day). Someone who moved during the period counts
in both units: each unit answers for the time they spent in it. The period's last day is also the day the
reports are "as of": achievements after it, and horizons not reached by it, do not count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from credtrack.errors import ValidationError
from credtrack.models import CohortCredential, Credential, Enrolment, Person, Unit, UnitMembership
from credtrack.reports.achievement import Achievements
from credtrack.services.common import Check, checked, no_check
from credtrack.services.progress.stored import plain_rows

T = TypeVar("T")
DEFAULT_DAYS = 365  # a period not given runs over the year up to its last day


@cache
def day_of(value) -> dt.date:
    """A date as the driver gives it (SQLite: ISO text); days repeat, so each is worked out once."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Period:
    """From ``since`` to ``until``, both days included."""

    since: dt.date
    until: dt.date

    @classmethod
    def of(cls, since: dt.date | None, until: dt.date | None, today: dt.date) -> Period:
        end = until or today
        start = since or end - dt.timedelta(days=DEFAULT_DAYS)
        if start > end:
            raise ValidationError(
                f"The period starts on {start.isoformat()}, after it ends ({end.isoformat()}): choose a first day "
                "on or before the last.",
                field="since",
            )
        return cls(start, end)

    def describe(self) -> str:
        return f"{self.since.isoformat()} to {self.until.isoformat()}"


class UnitScope:
    """The period, the units, who was in each during it, and (read on first asking) the people's dates,
    their onboarding credentials and when they first achieved one."""

    def __init__(
        self,
        session: Session,
        period: Period,
        onboarding_codes: tuple[str, ...] = (),  # default: every credential some cohort works towards
        check: Check = no_check,
    ) -> None:
        self.session, self.period, self.check = session, period, check
        self.unit_names: dict[int, str] = dict(session.execute(select(Unit.id, Unit.name)).all())
        if onboarding_codes:
            found = dict(session.execute(select(Credential.code, Credential.id)).all())
            unknown = [code for code in onboarding_codes if code not in found]
            if unknown:
                raise ValidationError(
                    f"No credential has the code {', '.join(unknown)}; choose onboarding credentials by their code.",
                    field="onboarding",
                )
            self.onboarding = frozenset(found[code] for code in onboarding_codes)
        else:
            # Onboarding is what cohorts work towards: judging every credential in the catalog would cost a
            # hundred thousand people seconds, for achievements no onboarding asked for.
            self.onboarding = frozenset(session.scalars(select(CohortCredential.credential_id).distinct()))
        codes = session.scalars(
            select(Credential.code).where(Credential.id.in_(self.onboarding)).order_by(Credential.code)
        )
        self.onboarding_note = "Onboarding credentials: " + (", ".join(codes) or "none") + "."
        members: dict[int, set[int]] = defaultdict(set)
        since, until = period.since, period.until
        M, P = UnitMembership, Person
        # Each stay overlapping the period, with its person's dates and profession (read in the same pass).
        rows = plain_rows(
            session,
            select(M.unit_id, M.person_id, M.start_date, M.end_date, P.start_date, P.end_date, P.profession_id)
            .join(P, P.id == M.person_id)
            .where(M.start_date <= until, or_(M.end_date.is_(None), M.end_date >= since)),
        )
        stays: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        people: dict[int, tuple[dt.date | None, dt.date | None, int | None]] = {}
        for unit_id, person_id, first, last, start, end, profession in checked(rows, check):
            members[unit_id].add(person_id)
            stays[person_id].append((unit_id, day_of(first), day_of(last) if last is not None else None))
            if person_id not in people:
                people[person_id] = (day_of(start) if start else None, day_of(end) if end else None, profession)
        self.members = dict(members)
        self.stays = dict(stays)  # person -> (unit, first day, last day or None) of each stay overlapping the period
        self.people = people  # everyone in a unit during the period: (start date, end date, profession id)
        self._achievements: list[tuple[frozenset[int], Achievements]] = []
        self._earliest: dict[frozenset[int], dict[int, dt.date]] = {}
        self._remembered: dict[str, Any] = {}
        check()

    def remember(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, worked out once per scope: two measures of one report share its figures."""
        if key not in self._remembered:
            self._remembered[key] = make()
        return self._remembered[key]

    def joined(self, unit_id: int, person_id: int) -> dt.date:
        """The person's first day in the unit, of their stays in it overlapping the period."""
        return min(first for unit, first, _last in self.stays[person_id] if unit == unit_id)

    def units(self) -> list[tuple[int, str]]:
        """(id, name) of each unit someone was in during the period, by name."""
        return sorted(((u, self.unit_names[u]) for u in self.members), key=lambda pair: pair[1].casefold())

    def achievements(self, credential_ids: frozenset[int]) -> Achievements:
        """First achievements of (at least) these credentials: one already read for more is reused. Asked for a
        few, only those are judged (the quick way for a few credentials; see ``Achievements``)."""
        for ids, found in self._achievements:
            if credential_ids <= ids:
                return found
        made = Achievements(self.session, sorted(credential_ids))
        self._achievements.append((credential_ids, made))
        self.check()
        return made

    def earliest(self, credential_ids: frozenset[int]) -> dict[int, dt.date]:
        """person -> the first day they achieved any of ``credential_ids`` (at any time)."""
        found = self._earliest.get(credential_ids)
        if found is None:
            found = self._earliest[credential_ids] = {}
            achievements = self.achievements(credential_ids)
            for cid in credential_ids:
                for pid, day in achievements.days(cid).items():
                    if pid not in found or day < found[pid]:
                        found[pid] = day
            self.check()
        return found

    @cached_property
    def assigned(self) -> dict[int, frozenset[int]]:
        """Each person's onboarding credentials, assigned by an enrolment (not withdrawn) in a cohort working
        towards them: read as each person's cohorts and each cohort's credentials, so people of one cohort share
        one set."""
        per_cohort: dict[int, set[int]] = defaultdict(set)
        for cohort, cid in self.session.execute(select(CohortCredential.cohort_id, CohortCredential.credential_id)):
            if cid in self.onboarding:
                per_cohort[cohort].add(cid)
        sets = {cohort: frozenset(cids) for cohort, cids in per_cohort.items()}
        rows = plain_rows(
            self.session, select(Enrolment.person_id, Enrolment.cohort_id).where(Enrolment.status != "withdrawn")
        )
        found: dict[int, frozenset[int]] = {}
        for pid, cohort in checked(rows, self.check):
            mine = sets.get(cohort)
            if mine:
                have = found.get(pid)
                found[pid] = mine if have is None or have <= mine else have | mine
        return found

"""When each person first met every requirement of a credential.

A module requirement is first met on the earliest completion that is not voided and not
awaiting verification; a competency requirement on the earliest sign-off at or above the
required level. A credential is achieved on the latest of those dates once every requirement
is met. Recurring modules lapsing later and the assessor-profession minimum do not move this
first-achievement date (the progress service judges those for the current status).

Everyone's dated evidence is read from the packed rows, one text row per person (see
``credtrack.models.evidence``); the dates are then picked out of that text
for the pairs a report asks about, so no per-requirement rows are built in the database.

Asked for the first credential someone achieved among many, one regular-expression pass over their
text names the credentials they could have achieved at all (those whose rarest requirement they
have evidence for); only those are worked out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from credtrack.models import CredentialRequirement, ScaleLevel
from credtrack.services.progress_evidence import evidence_texts


@dataclass(frozen=True)
class _Requirement:
    is_module: bool
    keys: tuple[str, ...]  # any of these meets it: "12" (module), "7.3", "7.4" (competency.level)
    tokens: tuple[str, ...]  # the same as they appear in the packed text: ",12:", ",7.3:"


def _requirement(is_module: bool, keys: tuple[str, ...]) -> _Requirement:
    return _Requirement(is_module, keys, tuple(f",{key}:" for key in keys))


def _first_met(rule: _Requirement, text: str) -> str:
    """The earliest day (ISO) of the evidence in ``text`` meeting the requirement; "" when there is none."""
    first = ""
    for token in rule.tokens:
        width = len(token)
        at = text.find(token)
        while at >= 0:
            day = text[at + width:at + width + 10]  # dates are ISO, ten characters
            if not first or day < first:
                first = day
            at = text.find(token, at + width)
    return first


def _day_met(rules: list[_Requirement], done: str, signed: str, before: str = "") -> str:
    """The day every requirement was first met ("" when one never was, or, with ``before``, not before it)."""
    latest = ""
    for rule in rules:
        first = _first_met(rule, done if rule.is_module else signed)
        if not first or (before and first >= before):
            return ""
        if first > latest:
            latest = first
    return latest


class Achievements:
    """First-achievement dates for everyone, read once and answered per (person, credential)."""

    def __init__(self, session: Session, credential_ids: list[int] | None = None) -> None:
        R = CredentialRequirement
        minimum = aliased(ScaleLevel)
        levels: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for level_id, scale_id, rank in session.execute(select(ScaleLevel.id, ScaleLevel.scale_id, ScaleLevel.rank)):
            levels[scale_id].append((level_id, rank))
        stmt = (select(R.credential_id, R.kind, R.module_id, R.competency_id, R.scale_id, minimum.rank)
                .outerjoin(minimum, minimum.id == R.min_level_id).order_by(R.id))
        if credential_ids is not None:
            stmt = stmt.where(R.credential_id.in_(credential_ids))
        self.rules: dict[int, list[_Requirement]] = defaultdict(list)
        for cid, kind, mid, comp, scale, need in session.execute(stmt):
            if kind == "module":
                self.rules[cid].append(_requirement(True, (str(mid),)))
            else:
                self.rules[cid].append(_requirement(
                    False, tuple(f"{comp}.{level}" for level, rank in levels[scale] if rank >= need)))
        self.completions, self.sign_offs = evidence_texts(session, None)
        self._rarest_first()
        # Which credentials someone might have achieved, from what their evidence holds: a credential is
        # a candidate only when the person has some evidence for its rarest requirement.
        self._by_rarest: dict[str, list[int]] = defaultdict(list)
        for cid, rules in self.rules.items():
            for key in rules[0].keys:
                self._by_rarest[key].append(cid)
        either = "|".join(re.escape(key) for key in self._by_rarest) or "(?!)"
        self._rarest_keys = re.compile(rf",({either}):")

    def _rarest_first(self, sample_size: int = 1000) -> None:
        """Order each credential's requirements from the least to the most often met in a sample of
        people, so that someone who has not achieved a credential is usually told so by the first test.
        The order never changes an answer, only how soon a miss is found."""
        people = sorted(set(self.completions) | set(self.sign_offs))
        sample = people[::max(1, len(people) // sample_size)]

        def hits(rule: _Requirement) -> int:
            texts = self.completions if rule.is_module else self.sign_offs
            return sum(1 for p in sample if any(token in texts.get(p, "") for token in rule.tokens))

        for rules in self.rules.values():
            rules.sort(key=lambda rule: (hits(rule), len(rule.keys)))

    def achieved_day(self, person_id: int, credential_id: int) -> str:
        """``achieved_on`` as ISO text ("" when not achieved): the form the reports compare and count."""
        rules = self.rules.get(credential_id)
        if not rules:
            return ""
        return _day_met(rules, self.completions.get(person_id, ""), self.sign_offs.get(person_id, ""))

    def achieved_on(self, person_id: int, credential_id: int) -> dt.date | None:
        day = self.achieved_day(person_id, credential_id)
        return _date(day) if day else None

    def first_of(self, person_id: int, credential_ids: Collection[int], by: dt.date | None = None) -> dt.date | None:
        """The earliest date on which the person achieved any of ``credential_ids`` (pass a set when
        asking for many people); with ``by``, only achievements on or before that day are looked for."""
        done, signed = self.completions.get(person_id, ""), self.sign_offs.get(person_id, "")
        present = self._rarest_keys.findall(done)
        present += self._rarest_keys.findall(signed)
        if not present:
            return None
        limit = (by + dt.timedelta(days=1)).isoformat() if by is not None else ""
        best = ""
        for cid in {cid for key in present for cid in self._by_rarest[key]}:
            if cid in credential_ids:
                best = _day_met(self.rules[cid], done, signed, before=best or limit) or best
        return _date(best) if best else None


@cache
def _date(day: str) -> dt.date:
    return dt.date.fromisoformat(day)

"""When each person first met every requirement of a credential.

A module requirement is first met on the earliest completion that is not voided and not
awaiting verification; a competency requirement on the earliest sign-off at or above the
required level. A credential is achieved on the latest of those dates once every requirement
is met. Recurring modules lapsing later and the assessor-profession minimum do not move this
first-achievement date (the progress service judges those for the current status).

Everyone's dated evidence is read from the packed rows, one text row per person (see
``credtrack.models.evidence``); the dates are then picked out of that text
for the pairs a report asks about, so no per-requirement rows are built in the database.

Asked for the first credential someone achieved among many, one pass over their completions names
the credentials they could have achieved at all (those whose every module they completed); only
those are worked out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Collection
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
    dates: Callable[[str], list[str]]  # the dates (ISO, ten characters) after any of the tokens in a text


def _requirement(is_module: bool, keys: tuple[str, ...]) -> _Requirement:
    tokens = tuple(f",{key}:" for key in keys)
    # One pattern for every token: a single pass of the text finds the dates of all of them.
    either = "|".join(re.escape(token) for token in tokens) or "(?!)"
    return _Requirement(is_module, keys, tokens, re.compile(f"(?:{either})(.{{10}})").findall)


@dataclass(frozen=True)
class _Plan:
    """A credential's requirements as the passes that read them: one over the completions for all its
    modules, then one over the sign-offs per competency (the rarest first)."""

    module_count: int
    modules: Callable[[str], list[tuple[str, str]]]  # (module key, date) of each completion of its modules
    competencies: tuple[Callable[[str], list[str]], ...]


def _plan(rules: list[_Requirement]) -> _Plan:
    modules = list(dict.fromkeys(rule.keys[0] for rule in rules if rule.is_module))
    either = "|".join(re.escape(key) for key in modules) or "(?!)"
    return _Plan(len(modules), re.compile(f",({either}):(.{{10}})").findall,
                 tuple(rule.dates for rule in rules if not rule.is_module))


_MODULE_KEY = re.compile(r",(\d+):")  # the module ids in a completions text


def _day_met(plan: _Plan, done: str, signed: str, before: str = "") -> str:
    """The day every requirement was first met ("" when one never was, or, with ``before``, not before it)."""
    latest = ""
    if plan.module_count:
        found = plan.modules(done)
        if len(found) < plan.module_count:
            return ""
        found.sort(reverse=True)  # per module, the earliest date (ISO text) comes last and stays in the dict
        firsts = dict(found)
        if len(firsts) < plan.module_count:
            return ""
        latest = max(firsts.values())
        if before and latest >= before:
            return ""
    for dates in plan.competencies:
        days = dates(signed)
        if not days:
            return ""
        first = min(days)
        if before and first >= before:
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
                assert scale is not None  # the requirement's shape constraint: a competency has its scale
                self.rules[cid].append(_requirement(
                    False, tuple(f"{comp}.{level}" for level, rank in levels[scale] if rank >= need)))
        self.completions, self.sign_offs = evidence_texts(session, None)
        self._rarest_first()
        # Which credentials someone might have achieved, from what their evidence holds: a credential is
        # a candidate only when the person has some evidence for its rarest requirement.
        self._plans = {cid: _plan(rules) for cid, rules in self.rules.items()}
        # Which credentials someone might have achieved, from the modules they completed: a credential with
        # modules is a candidate only when the person completed every one of them at some time; one
        # without is a candidate when the person has some sign-off for its rarest competency.
        self._by_module: dict[str, list[int]] = defaultdict(list)
        self._modules: dict[int, frozenset[str]] = {}
        self._by_sign_off: dict[str, list[int]] = defaultdict(list)
        for cid, rules in self.rules.items():
            modules = [rule.keys[0] for rule in rules if rule.is_module]
            if modules:
                self._modules[cid] = frozenset(modules)
                self._by_module[modules[0]].append(cid)  # the rarest of its modules
            else:
                for key in rules[0].keys:
                    self._by_sign_off[key].append(cid)
        either = "|".join(re.escape(key) for key in self._by_sign_off) or "(?!)"
        self._rarest_sign_offs = re.compile(rf",({either}):")

    def _rarest_first(self, sample_size: int = 1000) -> None:
        """Order each credential's requirements from the least to the most often met in a sample of
        people, so that someone who has not achieved a credential is usually told so by the first test.
        The order never changes an answer, only how soon a miss is found."""
        people = sorted(set(self.completions) | set(self.sign_offs))
        sample = people[::max(1, len(people) // sample_size)]
        # Occurrences in the sample's texts joined end to end stand in for people: close enough for an order.
        done = "".join([self.completions.get(p, "") for p in sample])
        signed = "".join([self.sign_offs.get(p, "") for p in sample])

        def hits(rule: _Requirement) -> int:
            text = done if rule.is_module else signed
            return sum(text.count(token) for token in rule.tokens)

        for rules in self.rules.values():
            rules.sort(key=lambda rule: (hits(rule), len(rule.keys)))

    def achieved_day(self, person_id: int, credential_id: int) -> str:
        """``achieved_on`` as ISO text ("" when not achieved): the form the reports compare and count."""
        plan = self._plans.get(credential_id)
        if plan is None:
            return ""
        return _day_met(plan, self.completions.get(person_id, ""), self.sign_offs.get(person_id, ""))

    def achieved_on(self, person_id: int, credential_id: int) -> dt.date | None:
        day = self.achieved_day(person_id, credential_id)
        return _date(day) if day else None

    def first_of(self, person_id: int, credential_ids: Collection[int], by: dt.date | None = None) -> dt.date | None:
        """The earliest date on which the person achieved any of ``credential_ids`` (pass a set when
        asking for many people); with ``by``, only achievements on or before that day are looked for."""
        done, signed = self.completions.get(person_id, ""), self.sign_offs.get(person_id, "")
        completed = set(_MODULE_KEY.findall(done))
        candidates = {cid for key in completed.intersection(self._by_module) for cid in self._by_module[key]
                      if self._modules[cid] <= completed}
        if self._by_sign_off:
            candidates.update(cid for key in self._rarest_sign_offs.findall(signed) for cid in self._by_sign_off[key])
        limit = (by + dt.timedelta(days=1)).isoformat() if by is not None else ""
        best = ""
        for cid in candidates:
            if cid in credential_ids:
                best = _day_met(self._plans[cid], done, signed, before=best or limit) or best
        return _date(best) if best else None


@cache
def _date(day: str) -> dt.date:
    return dt.date.fromisoformat(day)

"""When each person first met every requirement of a credential.

A module requirement is first met on the earliest completion that is not voided and not
awaiting verification; a competency requirement on the earliest sign-off at or above the
required level. A credential is achieved on the latest of those dates once every requirement
is met. Recurring modules lapsing later and the assessor-profession minimum do not move this
first-achievement date (the progress service judges those for the current status).

Everyone's dated evidence is read from the packed rows, one text row per person (see
``credtrack.models.evidence``); the dates are then picked out of that text
for the pairs a report asks about, so no per-requirement rows are built in the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from credtrack.models import CredentialRequirement, ScaleLevel
from credtrack.services.progress_evidence import evidence_texts


def _earliest(text: str, key: str) -> str | None:
    """The earliest date among the ``key`` tokens (``,id:``) of a person's evidence text."""
    first = None
    width = len(key)
    at = text.find(key)
    while at >= 0:
        day = text[at + width:at + width + 10]  # dates are ISO, ten characters
        if first is None or day < first:
            first = day
        at = text.find(key, at + width)
    return first


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
        # Per credential: each requirement as (is it a module, the token keys that meet it).
        self.rules: dict[int, list[tuple[bool, tuple[str, ...]]]] = defaultdict(list)
        for cid, kind, mid, comp, scale, need in session.execute(stmt):
            if kind == "module":
                self.rules[cid].append((True, (f",{mid}:",)))
            else:
                keys = tuple(f",{comp}.{level}:" for level, rank in levels[scale] if rank >= need)
                self.rules[cid].append((False, keys))
        self.completions, self.sign_offs = evidence_texts(session, None)
        self._rarest_first()

    def _rarest_first(self, sample_size: int = 1000) -> None:
        """Order each credential's requirements from the least to the most often met in a sample of
        people, so that someone who has not achieved a credential is usually told so by the first test.
        The order never changes an answer, only how soon a miss is found."""
        people = sorted(set(self.completions) | set(self.sign_offs))
        sample = people[::max(1, len(people) // sample_size)]

        def hits(rule: tuple[bool, tuple[str, ...]]) -> int:
            is_module, keys = rule
            texts = self.completions if is_module else self.sign_offs
            return sum(1 for p in sample if any(key in texts.get(p, "") for key in keys))

        for rules in self.rules.values():
            rules.sort(key=lambda rule: (hits(rule), len(rule[1])))

    def achieved_on(self, person_id: int, credential_id: int) -> dt.date | None:
        rules = self.rules.get(credential_id)
        if not rules:
            return None
        done, signed = self.completions.get(person_id, ""), self.sign_offs.get(person_id, "")
        latest = ""
        for is_module, keys in rules:
            text = done if is_module else signed
            first = None
            for key in keys:
                if key in text:
                    day = _earliest(text, key)
                    if day is not None and (first is None or day < first):
                        first = day
            if first is None:
                return None
            latest = max(latest, first)
        return dt.date.fromisoformat(latest[:10])

    def first_of(self, person_id: int, credential_ids: list[int]) -> dt.date | None:
        """The earliest date on which the person achieved any of ``credential_ids``."""
        done, signed = self.completions.get(person_id), self.sign_offs.get(person_id)
        if done is None and signed is None:
            return None
        best = None
        for cid in credential_ids:
            rules = self.rules.get(cid)
            if not rules:
                continue
            is_module, keys = rules[0]  # the rarest requirement: a cheap first test before any dates
            text = (done if is_module else signed) or ""
            for key in keys:
                if key in text:
                    break
            else:
                continue
            day = self.achieved_on(person_id, cid)
            if day is not None and (best is None or day < best):
                best = day
        return best

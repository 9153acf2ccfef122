"""The first-achievement days projection (``models/achieved.py``): what ``Achievements`` may trust of it, and
``achieved_refresh.refresh`` brings it in step with the evidence and the rules.

Trust is checked, never assumed. A credential's stored days count only while its rules (and the scales'
level ranks) have the fingerprint they were judged under; a person's only while their packed evidence has the
digest it had then. Everyone else is judged as if there were no projection, so a projection left behind by a
change costs time, never a wrong answer. A credential with a precepting requirement is never stored: it
depends on other people's records (the learners a preceptor signed off), which no digest of one row covers.

Whether a person's evidence changed is told by the digest their packed row carries: when nothing changed, the
evidence itself is not read at all. On the records bench (100,000 people) the three onboarding credentials of
the reports by unit take about 1.4 s to read and judge for everyone, and about 0.2 s to read from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.models import AchievedDays, AchievedRules, PersonEvidence, ScaleLevel
from credtrack.rules.model import PRECEPTING, CredentialRules
from credtrack.services.progress.stored import plain_rows


def storable(rules: CredentialRules) -> bool:
    """Whether a credential's days may be stored: none of its requirements reads other people's records."""
    return not any(r.kind == PRECEPTING for r in rules.requirements)


def levels_key(session: Session) -> tuple[tuple[int, int, int], ...]:
    """Every scale level's (id, scale, rank): a sign-off's or rating's level counts by its rank."""
    rows = session.execute(select(ScaleLevel.id, ScaleLevel.scale_id, ScaleLevel.rank))
    return tuple(sorted((level, scale, rank) for level, scale, rank in rows))


def fingerprint(rules: CredentialRules, levels: tuple[tuple[int, int, int], ...]) -> str:
    """What the credential's first days depend on besides the evidence, as a digest."""
    return hashlib.sha256(repr((rules.requirements, levels)).encode()).hexdigest()


def evidence_digests(session: Session) -> dict[int, int | None]:
    """Everyone with packed evidence, with the digest of their row (``models/evidence.py`` writes it)."""
    return dict(plain_rows(session, select(PersonEvidence.person_id, PersonEvidence.digest)))


@cache
def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass
class Trusted:
    """The stored days ``Achievements`` may use: for ``credentials``, of everyone with evidence but ``stale``."""

    credentials: frozenset[int]
    stale: list[int]  # people with evidence whose stored days are missing or were judged from other evidence
    texts: Mapping[int, str]  # person -> stored days, for the people whose evidence is unchanged
    digests: Mapping[int, int | None]  # everyone with evidence -> the digest of their packed row
    _parsed: dict[int, dict[int, dt.date]] | None = None

    def days(self, credential_id: int) -> dict[int, dt.date]:
        """The people (of those in step) who achieved the credential, with the day. Asked of a few credentials,
        each is looked for in every text; of more, every text is read once for all of them."""
        if self._parsed is None and len(self.credentials) <= _LOOK_FOR_EACH:
            return _looked_for(self.texts, credential_id)
        if self._parsed is None:
            self._parsed = _parsed(self.texts, self.credentials)
        return dict(self._parsed.get(credential_id, {}))


_LOOK_FOR_EACH = 4  # credentials asked about: above this, reading every text once is the quicker


def _looked_for(texts: Mapping[int, str], credential_id: int) -> dict[int, dt.date]:
    key = f",{credential_id}:"
    width = len(key)
    out: dict[int, dt.date] = {}
    for person, text in texts.items():
        at = text.find(key)
        if at >= 0:
            out[person] = _day(text[at + width : at + width + 10])
    return out


def _parsed(texts: Mapping[int, str], credentials: frozenset[int]) -> dict[int, dict[int, dt.date]]:
    out: dict[int, dict[int, dt.date]] = {}
    for person, text in texts.items():
        for token in text.split(","):
            if token:
                credential, _, day = token.partition(":")
                cid = int(credential)
                if cid in credentials:
                    out.setdefault(cid, {})[person] = _day(day)
    return out


def trusted(session: Session, rules: Mapping[int, CredentialRules]) -> Trusted | None:
    """What of the projection can answer for ``rules``' credentials; None when nothing can (no stored
    credential has its rules unchanged)."""
    wanted = [cid for cid, r in rules.items() if storable(r)]
    if not wanted:
        return None
    stored = dict(
        session.execute(
            select(AchievedRules.credential_id, AchievedRules.fingerprint).where(
                AchievedRules.credential_id.in_(wanted)
            )
        ).all()
    )
    if not stored:
        return None
    levels = levels_key(session)
    credentials = frozenset(cid for cid in wanted if stored.get(cid) == fingerprint(rules[cid], levels))
    if not credentials:
        return None
    return _trusted(session, credentials, evidence_digests(session))


def _trusted(session: Session, credentials: frozenset[int], digests: dict[int, int | None]) -> Trusted:
    texts = {
        pid: text
        for pid, kept, text in plain_rows(
            session, select(AchievedDays.person_id, AchievedDays.evidence_digest, AchievedDays.days)
        )
        if kept is not None and digests.get(pid) == kept
    }
    return Trusted(credentials, sorted(p for p in digests if p not in texts), texts, digests)

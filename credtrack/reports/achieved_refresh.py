"""Bringing the first-achievement days projection (``models/achieved.py``) in step: the people whose evidence
changed are judged again, and every credential whose rules changed (or that is new) is judged again for
everyone. ``Achievements`` trusts only what is in step (``achieved_days``), so a refresh makes reports
quicker, never more right.

On the records bench (100,000 people, every credential): a refresh with nothing to do about 1 s, a rebuild of
everyone about 4 s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork, intend_to_write
from credtrack.errors import CredtrackError
from credtrack.models import AchievedDays, AchievedRules, Credential
from credtrack.reports.achieved_days import evidence_digests, fingerprint, levels_key, storable
from credtrack.reports.achievement import Achievements
from credtrack.services.progress.stored import plain_rows
from credtrack.writers import serialise_writers

WRITE_CHUNK = 5000  # rows per executemany
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refreshed:
    people_written: int  # rows written (their evidence or days had changed)
    people_removed: int  # rows of people with no evidence left
    credentials_judged: int  # credentials new or with changed rules (everyone is judged again then)


def refresh(session: Session) -> Refreshed:
    """Bring the projection in step, in the caller's transaction: the people whose evidence changed are judged
    again, and when a credential's rules changed (or a credential is new) everyone is judged again."""
    serialise_writers(session.connection())  # two workstations refreshing at once write one after the other
    ids = list(session.scalars(select(Credential.id)))
    judge = Achievements(session, ids, stored=False)
    rules = {cid: r for cid, r in judge.rules.items() if storable(r)}
    known = dict(session.execute(select(AchievedRules.credential_id, AchievedRules.fingerprint)).all())
    if not rules:  # nothing to store (no credential yet, or only precepting ones): nothing any reader would trust
        if not known:
            return Refreshed(0, 0, 0)
        cleared = len(session.scalars(delete(AchievedDays).returning(AchievedDays.person_id)).all())
        session.execute(delete(AchievedRules))
        return Refreshed(0, cleared, 0)
    levels = levels_key(session)
    prints = {cid: fingerprint(r, levels) for cid, r in rules.items()}
    digest = evidence_digests(session)
    stored = {
        pid: (kept, text)
        for pid, kept, text in plain_rows(
            session, select(AchievedDays.person_id, AchievedDays.evidence_digest, AchievedDays.days)
        )
    }
    removed = sorted(set(stored) - set(digest))
    afresh = [cid for cid in rules if known.get(cid) != prints[cid]]
    if afresh:  # rare (the catalog changed): everyone, every credential
        rewrite = sorted(digest)
        days = {cid: judge.days(cid) for cid in rules}
    else:
        rewrite = [p for p in sorted(digest) if p not in stored or stored[p][0] != digest[p]]
        days = {cid: judge.days_among(cid, rewrite) for cid in rules} if rewrite else {}
    rows = []
    for pid in rewrite:
        tokens = [f"{cid}:{found[pid].isoformat()}" for cid, found in sorted(days.items()) if pid in found]
        text = "," + ",".join(tokens) + "," if tokens else ""
        if stored.get(pid) != (digest[pid], text):
            rows.append({"person_id": pid, "evidence_digest": digest[pid], "days": text})
    gone = [r["person_id"] for r in rows if r["person_id"] in stored] + removed
    for start in range(0, len(gone), WRITE_CHUNK):
        session.execute(delete(AchievedDays).where(AchievedDays.person_id.in_(gone[start : start + WRITE_CHUNK])))
    for start in range(0, len(rows), WRITE_CHUNK):
        session.execute(insert(AchievedDays), rows[start : start + WRITE_CHUNK])
    if prints != known:
        session.execute(delete(AchievedRules))
        session.execute(insert(AchievedRules), [{"credential_id": c, "fingerprint": f} for c, f in prints.items()])
    return Refreshed(len(rows), len(removed), len(afresh))


def rebuild(session: Session) -> Refreshed:
    """Judge everyone afresh (the projection emptied first), in the caller's transaction."""
    session.execute(delete(AchievedDays))
    session.execute(delete(AchievedRules))
    return refresh(session)


def keep_in_step(uow: UnitOfWork) -> Refreshed | None:
    """``refresh`` in a unit of work of its own, as the desktop does before the reports that read first days.
    A projection is never worth an error: when the database is busy or read-only the refresh is skipped (and
    logged), and the reports judge what is out of step themselves."""
    try:
        with uow:
            intend_to_write()
            done = refresh(uow.session)
            uow.commit()
            return done
    except (DBAPIError, CredtrackError):
        log.warning("The first-achievement days were not brought in step", exc_info=True)
        return None

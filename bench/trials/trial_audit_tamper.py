"""Tampering with the database behind credtrack's back, the way someone with the sqlite3 tool would.

A SQLite installation is set up with a realistic history (accounts, people, sign-offs, completions,
certificates issued and one revoked, with their signed checkpoints). Each case works on a fresh
copy of the database and its data folder's checkpoint file and makes one change: deletes the
newest audit events, edits a sign-off's level, un-revokes a certificate, edits an event and
re-hashes the whole chain, deletes a completion, or adds a person without an event. It survives
when ``audit verify`` (chain, checkpoints and records) reports it. An untouched copy must verify
clean: a check that cries wolf is no check.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from common import Outcome, TrialContext

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

CHECKPOINTS = "audit-checkpoints.jsonl"


@contextlib.contextmanager
def _home(folder: Path) -> Iterator[None]:
    from credtrack import paths

    before = os.environ.get(paths.HOME_ENV)
    os.environ[paths.HOME_ENV] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(paths.HOME_ENV, None)
        else:
            os.environ[paths.HOME_ENV] = before


def _base(folder: Path) -> Path:
    from credtrack.db import Database
    from credtrack.models import Base
    from credtrack.services import keys as key_service
    from credtrack.services.certificates import issuing as certificates
    from tests.unit.records.builders import build_world
    from tests.unit.records.test_audit import realistic_history

    folder.mkdir(parents=True)
    path = folder / "credtrack.db"
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    with _home(folder):
        w = build_world(db)
        realistic_history(w)
        key_service.create_issuer_key(w.uow())
        codes = [
            certificates.issue_certificate(
                w.uow(), w.admin, person, w.credential_id, override_reason="Completed the programme elsewhere"
            ).value.code
            for person in (w.learner, w.learner2)
        ]
        certificates.revoke_certificate(w.uow(), w.admin, codes[0], "Issued before the transfer papers arrived")
    db.dispose()
    return path


def _verify(folder: Path) -> tuple[bool, str]:
    from credtrack.db import Database
    from credtrack.services.audit import check as audit_check

    db = Database(f"sqlite:///{folder / 'credtrack.db'}")
    try:
        with _home(folder), db.unit_of_work() as uow:
            verdict = audit_check.verify(uow.session)
        return verdict.intact, verdict.describe()
    finally:
        db.dispose()


def _sql(folder: Path, *statements: tuple[str, tuple]) -> None:
    with contextlib.closing(sqlite3.connect(folder / "credtrack.db")) as conn, conn:
        for statement, params in statements:
            conn.execute(statement, params)


def _one(folder: Path, query: str, rng: random.Random) -> int:
    with contextlib.closing(sqlite3.connect(folder / "credtrack.db")) as conn:
        return rng.choice([r[0] for r in conn.execute(query)])


def delete_tail(folder: Path, rng: random.Random) -> None:
    k = rng.randint(1, 3)
    with contextlib.closing(sqlite3.connect(folder / "credtrack.db")) as conn:
        last = conn.execute("SELECT max(id) FROM audit_event").fetchone()[0]
    _sql(
        folder,
        ("DELETE FROM audit_record_state WHERE event_id > ?", (last - k,)),
        ("DELETE FROM audit_event WHERE id > ?", (last - k,)),
    )


def edit_level(folder: Path, rng: random.Random) -> None:
    target = _one(folder, "SELECT id FROM assessment", rng)
    _sql(
        folder,
        (
            "UPDATE assessment SET level_id = (SELECT l.id FROM scale_level l JOIN assessment a ON "
            "a.scale_id = l.scale_id WHERE a.id = ? AND l.id != a.level_id LIMIT 1) WHERE id = ?",
            (target, target),
        ),
    )


def unrevoke(folder: Path, _rng: random.Random) -> None:
    _sql(
        folder,
        (
            "UPDATE certificate SET status = 'valid', revoked_at = NULL, revoked_reason = NULL, "
            "revoked_by_id = NULL WHERE status = 'revoked'",
            (),
        ),
    )


def rehash(folder: Path, rng: random.Random) -> None:
    from sqlalchemy import select

    from credtrack.db import Database
    from credtrack.models import AuditEvent
    from credtrack.services.audit import log as audit

    db = Database(f"sqlite:///{folder / 'credtrack.db'}")
    try:
        with db.unit_of_work() as uow:
            events = list(uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
            victim = rng.choice(events)
            victim.note = json.dumps({"edited": True})
            previous = audit.GENESIS
            for event in events:
                event.prev_hash = previous
                event.hash = audit.event_hash(event)
                previous = event.hash
            uow.commit()
    finally:
        db.dispose()


def delete_completion(folder: Path, rng: random.Random) -> None:
    _sql(folder, ("DELETE FROM completion WHERE id = ?", (_one(folder, "SELECT id FROM completion", rng),)))


def add_person(folder: Path, rng: random.Random) -> None:
    _sql(
        folder,
        (
            "INSERT INTO person (external_id, full_name, search_key, status, created_at, version, updated_at) "
            "VALUES (?, 'Mallory Added', '', 'active', '2026-01-01', 1, '2026-01-01')",
            (f"X-{rng.randint(1000, 9999)}",),
        ),
    )


TAMPERS: dict[str, Callable[[Path, random.Random], None]] = {
    "delete the newest 1-3 audit events": delete_tail,
    "edit a sign-off's level": edit_level,
    "un-revoke a certificate": unrevoke,
    "edit an event and re-hash the chain": rehash,
    "delete a completion": delete_completion,
    "add a person without an event": add_person,
}


def _copy(base: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy2(base, folder / "credtrack.db")
    shutil.copy2(base.parent / CHECKPOINTS, folder / CHECKPOINTS)
    return folder


def run(ctx: TrialContext) -> list[Outcome]:
    per_kind = 1 if ctx.quick else 10
    rng = random.Random(12)
    base = _base(ctx.work / "base")
    outcomes = []
    intact, text = _verify(_copy(base, ctx.work / "control"))
    outcomes.append(
        Outcome(
            "audit_tamper",
            "sqlite",
            "untouched copy verifies clean",
            1,
            int(intact),
            "0 false alarms",
            "" if intact else text.splitlines()[0][:200],
        )
    )
    detected_total = cases_total = 0
    for n, (name, tamper) in enumerate(TAMPERS.items()):
        detected, missed = 0, ""
        for i in range(per_kind):
            folder = _copy(base, ctx.work / f"case-{n}-{i}")
            tamper(folder, rng)
            intact, text = _verify(folder)
            if intact:
                missed = missed or text.splitlines()[0][:200]
            else:
                detected += 1
        detected_total += detected
        cases_total += per_kind
        outcomes.append(Outcome("audit_tamper", "sqlite", name, per_kind, detected, "every one detected", missed))
    outcomes.append(
        Outcome("audit_tamper", "sqlite", "all tampering", cases_total, detected_total, "every one detected")
    )
    return outcomes

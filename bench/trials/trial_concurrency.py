"""Concurrency: several processes signing off at once on one database, as workstations do.

Each process signs in as a preceptor of its own and records its sign-offs as fast as it can,
the password re-entered for every one at the real argon2id cost. Counted: sign-offs saved, the
rows present afterwards, refusals reaching the user (e.g. "database is busy"), and whether the
audit chain still verifies. Full: 4 processes x 500 sign-offs; quick: 2 x 20.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # a worker process: make the repository importable first
    sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parent)]

from backends import backends, fresh_database, start_worker, worker_args
from common import Outcome, TrialContext
from sqlalchemy import func, select

PASSWORD = "a real passphrase 7"
COMPETENCIES = ("C1", "TT1", "VE1", "RR1")


def _prepare(url: str, processes: int) -> dict:
    from credtrack.services.accounts import users as accounts
    from credtrack.services.database import open_database
    from tests.unit.records.builders import build_world

    db = open_database(url)
    try:
        w = build_world(db)
        for i in range(processes):  # hashed at the real cost, as in production
            accounts.create_user(
                db.unit_of_work(),
                w.admin,
                username=f"ward{i}",
                password=PASSWORD,
                role="preceptor",
                display_name=f"Ward preceptor {i}",
            )
        return {"learners": [w.learner, w.learner2]}
    finally:
        db.dispose()


def _work(args: dict) -> dict:
    from credtrack.db import Database
    from credtrack.errors import CredtrackError, DatabaseBusyError
    from credtrack.services.accounts import users as accounts
    from credtrack.services.audit import checkpoints
    from credtrack.services.records import signoffs as signoff_records

    db = Database(args["url"])
    actor = accounts.log_in(db.unit_of_work(), args["username"], PASSWORD)
    start = Path(args["start"])
    while not start.exists():
        time.sleep(0.005)
    saved, busy, other, messages = 0, 0, 0, set()
    learners = args["learners"]
    for i in range(args["count"]):
        try:
            signoff_records.record_signoff(
                db.unit_of_work(),
                actor,
                person_id=learners[i % len(learners)],
                competency_code=COMPETENCIES[i % len(COMPETENCIES)],
                scale_code="ENTRUST5",
                level_code="3",
                assessed_on="2026-03-02",
                method="direct_observation",
                password=PASSWORD,
                attestation_accepted=True,
            )
            saved += 1
            if i % 5 == 4:  # checkpoints from every process into one table and one file, as issuing does
                checkpoints.after(db.unit_of_work(), reason="trial")
        except DatabaseBusyError as exc:
            busy += 1
            messages.add(exc.message)
        except CredtrackError as exc:
            other += 1
            messages.add(exc.message)
    db.dispose()
    return {"saved": saved, "busy": busy, "other": other, "messages": sorted(messages)}


def _check(url: str, users: list[str]) -> tuple[int, bool, int]:
    from credtrack.db import Database
    from credtrack.models import Assessment, User
    from credtrack.services.audit import check as audit_check

    db = Database(url)
    try:
        with db.unit_of_work() as uow:
            ids = select(User.id).where(User.username.in_(users))
            present = (
                uow.session.scalar(
                    select(func.count()).select_from(Assessment).where(Assessment.assessor_user_id.in_(ids))
                )
                or 0
            )
            # The chain, every checkpoint the processes wrote, and every record against the log.
            verdict = audit_check.verify(uow.session)
            intact, marks = verdict.intact, verdict.checkpoints.checkpoints
        return present, intact, marks
    finally:
        db.dispose()


def _one_backend(ctx: TrialContext, backend: str, processes: int, count: int) -> Outcome:
    with fresh_database(ctx, backend, "concurrency") as url:
        prepared = _prepare(url, processes)
        start = ctx.work / f"start-{backend}"
        users = [f"ward{i}" for i in range(processes)]
        workers = [
            start_worker(
                Path(__file__),
                {"url": url, "username": u, "count": count, "start": str(start), **prepared},
                env={"CREDTRACK_HOME": str(ctx.work / "home")},
            )
            for u in users
        ]
        time.sleep(1.0)  # let every worker sign in before the start
        started = time.perf_counter()
        start.touch()
        results, crashed = [], []
        for proc in workers:
            out, err = proc.communicate()
            if proc.returncode == 0 and out.strip():
                results.append(json.loads(out.strip().splitlines()[-1]))
            else:
                crashed.append(err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}")
        elapsed = time.perf_counter() - started
        present, intact, marks = _check(url, users)
    saved = sum(r["saved"] for r in results)
    busy = sum(r["busy"] for r in results)
    other = sum(r["other"] for r in results)
    messages = sorted({m for r in results for m in r["messages"]} | set(crashed))
    survived = saved if present == saved and intact and not crashed else 0
    detail = (
        f"{present} rows present, {busy} refused as busy, {other} other refusals, "
        f"{len(crashed)} processes crashed, audit log with {marks} checkpoints and "
        f"the records {'verified' if intact else 'NOT verified'}, "
        f"{elapsed:.0f} s ({processes * count / elapsed:.1f} sign-offs/s)"
    )
    if messages:
        detail += "; messages: " + " / ".join(m[:120] for m in messages[:3])
    return Outcome(
        "concurrency",
        backend,
        f"{processes} processes x {count} signed sign-offs at once",
        processes * count,
        survived,
        "every sign-off saved, none refused, audit log verified",
        detail,
    )


def run(ctx: TrialContext) -> list[Outcome]:
    processes, count = (2, 20) if ctx.quick else (4, 500)
    return [_one_backend(ctx, backend, processes, count) for backend in backends(ctx)]


if __name__ == "__main__":
    args = worker_args()
    if args is None:
        raise SystemExit("run this trial through bench/trials/run.py")
    print(json.dumps(_work(args)))

"""Precepting benchmark: a preceptor's own record on a large demo database.

    python bench/bench_precepting.py [--db /tmp/credtrack-bench-records.db] [--repeat 3]

Uses the records benchmark's database (``bench/bench_records.py`` builds it: 100,000 people, whose
sign-offs the demo's four preceptors share, so each has given far more than a real preceptor would).
Prints, best of ``--repeat`` runs: the grouped query counting everyone's precepting record (what the
outcome reports read), the same for the four preceptors alone (what bulk progress reads for people
judged on a credential with a precepting requirement), one preceptor's rows and their Precepted tab,
and one preceptor's full progress on their page. Read-only.

Measured 2026-12-06 on the records bench (a shared machine, load average 3.5-8): everyone's record
2.73 s (698,954 sign-offs counted), the four preceptors named 2.60 s, one preceptor's rows 2.55 s
(212,743 sign-offs), their Precepted tab 2.99 s, their full progress 3.61 s. Nobody on the bench is
assigned Interprofessional facilitation, so the all-people summary reads none of it (1.47 s best).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from credtrack.models import Assessment, Person, User  # noqa: E402
from credtrack.services.database import open_database  # noqa: E402
from credtrack.services.permissions import Actor  # noqa: E402
from credtrack.services.precepting import precepted_record  # noqa: E402
from credtrack.services.progress import person as progress  # noqa: E402
from credtrack.services.progress.precepted import precepted_facts, precepted_rows  # noqa: E402

TODAY = dt.date(2026, 11, 1)
EDUCATOR = Actor(id=None, username="bench", role="educator")


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/credtrack-bench-records.db"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = open_database(f"sqlite:///{args.db}")
    with db.unit_of_work() as uow:
        s = uow.session
        preceptors = sorted(s.scalars(select(User.person_id).where(User.person_id.is_not(None))))
        people = s.scalar(select(func.count()).select_from(Person))
        given = s.scalar(select(func.count()).select_from(Assessment).where(Assessment.assessor_person_id.is_not(None)))
        print(f"database: {people} people; {given} sign-offs name an assessor person; {len(preceptors)} preceptors")
        ms, facts = best(lambda: precepted_facts(s), args.repeat)
        counted = sum(len(f) for f in facts.values())  # type: ignore[union-attr]
        print(f"everyone's precepting record (grouped query):   {ms:8.0f} ms   ({counted} sign-offs counted)")
        ms, _ = best(lambda: precepted_facts(s, preceptors), args.repeat)
        print(f"the preceptors' records (grouped query, named): {ms:8.0f} ms")
        one = preceptors[0]
        ms, rows = best(lambda: precepted_rows(s, one), args.repeat)
        print(f"one preceptor's rows (their page reads them):   {ms:8.0f} ms   ({len(rows)} sign-offs)")  # type: ignore[arg-type]
    ms, _ = best(lambda: precepted_record(db.unit_of_work(), EDUCATOR, one), args.repeat)
    print(f"one preceptor's Precepted tab (service):        {ms:8.0f} ms")
    ms, _ = best(lambda: progress.person_all_progress(db.unit_of_work(), EDUCATOR, one, today=TODAY), args.repeat)
    print(f"one preceptor's full progress (their page):     {ms:8.0f} ms")


if __name__ == "__main__":
    main()

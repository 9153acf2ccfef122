"""Time every report on a demo database (made with `credtrack-cli demo --people 100000`, or the
records benchmark's database: `bench/bench_records.py` builds /tmp/credtrack-bench-records.db).

    python bench/bench_metrics.py --database-url sqlite:////path/to/copy-of-credtrack.db [--repeat 3]

Opening the database upgrades it to the current schema (after a backup), so point this at a copy.
Each report runs ``--repeat`` times; the best and the median wall-clock times are printed with the
CPU time of the best run (the machine may be shared, and CPU time moves less with other work).
For SQLite, the plain-SQL line is the floor every progress and completion report stands on: reading
everyone's packed evidence rows (``person_evidence``) straight through sqlite3.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from credtrack.models import Person  # noqa: E402
from credtrack.reports.service import REPORTS, ReportOptions, run_report  # noqa: E402
from credtrack.services.database import open_database  # noqa: E402
from credtrack.services.permissions import Actor  # noqa: E402

VIEWER = Actor(id=None, username="bench", role="viewer")
TARGET_SECONDS = 2.0
PLAIN_SCANS = ("SELECT person_id, completions, sign_offs FROM person_evidence",)


def _timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--only", nargs="*", help="report names (default: all)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = open_database(args.database_url)
    with db.unit_of_work() as uow:
        people = uow.session.scalar(select(func.count()).select_from(Person))
    print(f"{db.describe()}: {people:,} people; best / median of {args.repeat} runs; target <= {TARGET_SECONDS:g} s")
    if args.database_url.startswith("sqlite:///"):
        conn = sqlite3.connect(args.database_url.removeprefix("sqlite:///"))
        runs = [_timed(lambda: [conn.execute(sql).fetchall() for sql in PLAIN_SCANS]) for _ in range(args.repeat)]
        walls = [w for w, _c, _o in runs]
        print(f"{'plain sqlite3: evidence read':<30} {min(walls):6.2f} s  / {statistics.median(walls):5.2f} s")
        conn.close()
    slow = 0
    for name in args.only or list(REPORTS):
        runs = [
            _timed(lambda n=name: run_report(db.unit_of_work(), VIEWER, n, ReportOptions())) for _ in range(args.repeat)
        ]
        best = min(runs, key=lambda r: r[0])
        wall = best[0]
        slow += wall > TARGET_SECONDS
        flag = "" if wall <= TARGET_SECONDS else f"  (over {TARGET_SECONDS:g} s)"
        print(
            f"{name:<30} {wall:6.2f} s  / {statistics.median(r[0] for r in runs):5.2f} s   "
            f"cpu {best[1]:5.2f} s  {len(best[2].rows):>8,} rows{flag}"
        )
    db.dispose()
    sys.exit(1 if slow else 0)


if __name__ == "__main__":
    main()

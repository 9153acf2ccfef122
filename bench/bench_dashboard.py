"""Dashboard benchmark: the dashboard's figures on a large demo database.

    python bench/bench_dashboard.py [--db /tmp/credtrack-bench-records.db] [--repeat 5]

Uses the records benchmark's database (``bench/bench_records.py`` builds it: 100,000 people). The
dashboard reads headline counts, progress of the current intake (the eight most recent cohorts,
judged in bulk), IPEC domain coverage and expiring certificates. Prints the best and median
wall-clock time and the CPU time of the best run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from credtrack.services.dashboard_queries import dashboard_summary  # noqa: E402
from credtrack.services.database import open_database  # noqa: E402
from credtrack.services.permissions import Actor  # noqa: E402

TODAY = dt.date(2026, 11, 1)
VIEWER = Actor(id=None, username="bench", role="viewer")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/credtrack-bench-records.db"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    db = open_database(f"sqlite:///{args.db}")
    runs = []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        summary = dashboard_summary(db.unit_of_work(), VIEWER, today=TODAY)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    best = min(runs)
    print(
        f"dashboard: best {best[0]:.2f} s / median {statistics.median(r[0] for r in runs):.2f} s   "
        f"cpu {best[1]:.2f} s   ({summary.active_people:,} active people, "
        f"{len(summary.by_cohort)} cohorts shown)"
    )


if __name__ == "__main__":
    main()

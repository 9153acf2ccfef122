"""Time every report on a demo database (made with `credtrack-cli demo --people 100000`).

    python bench/bench_metrics.py --database-url sqlite:////path/to/credtrack.db
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from credtrack.db import Database  # noqa: E402
from credtrack.models import Person  # noqa: E402
from credtrack.reports.service import REPORTS, ReportOptions, run_report  # noqa: E402
from credtrack.services.permissions import Actor  # noqa: E402

VIEWER = Actor(id=None, username="bench", role="viewer")
TARGET_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--only", nargs="*", help="report names (default: all)")
    args = parser.parse_args()
    db = Database(args.database_url)
    with db.unit_of_work() as uow:
        people = uow.session.scalar(select(func.count()).select_from(Person))
    print(f"{db.describe()}: {people:,} people")
    slow = 0
    for name in args.only or list(REPORTS):
        began = time.perf_counter()
        table = run_report(db.unit_of_work(), VIEWER, name, ReportOptions())
        elapsed = time.perf_counter() - began
        slow += elapsed > TARGET_SECONDS
        flag = "" if elapsed <= TARGET_SECONDS else f"  (over {TARGET_SECONDS:g} s)"
        print(f"{name:<30} {elapsed:6.2f} s  {len(table.rows):>8,} rows{flag}")
    db.dispose()
    sys.exit(1 if slow else 0)


if __name__ == "__main__":
    main()

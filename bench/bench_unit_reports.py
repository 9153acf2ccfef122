"""Time each report by unit on the records benchmark's database (about 100,000 people in 10 units).

    python bench/bench_unit_reports.py [--db /tmp/credtrack-bench-records.db] [--people 100000] [--repeat 3]

Builds the database the way ``bench/bench_records.py`` does when it is missing (several minutes), then runs
each ``unit-*`` report and ``units-to-support`` over the year up to the demo's last day, ``--repeat`` times,
printing the best and median wall-clock times and the CPU time of the best run (the machine may be shared).
Target: each <= 2 s. The exit status is 1 when one is over it.

The reports read first-achievement days from their projection (``credtrack/models/achieved.py``), which the
desktop brings in step before running them (``achieved_refresh.keep_in_step``): the figures above are with it in
step, as a program director meets them. Below them: the cost of bringing it in step when nothing changed and
after a tenth of the people's evidence changed, and the reports that read first days with the projection out
of step for everyone (as right after a schema upgrade, before any refresh), where every day is judged afresh.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_records import TODAY, build  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from credtrack.models import Person, UnitMembership  # noqa: E402
from credtrack.reports import achieved_refresh, achievement  # noqa: E402
from credtrack.reports.service import READS_FIRST_DAYS, REPORTS, ReportOptions, run_report  # noqa: E402
from credtrack.services.database import open_database  # noqa: E402
from credtrack.services.permissions import Actor  # noqa: E402

VIEWER = Actor(id=None, username="bench", role="viewer")
TARGET_SECONDS = 2.0
UNIT_REPORTS = [name for name in REPORTS if name.startswith(("unit-", "units-"))]


def _timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/credtrack-bench-records.db"))
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    build(args.db, args.people)
    db = open_database(f"sqlite:///{args.db}")
    with db.unit_of_work() as uow:
        people = uow.session.scalar(select(func.count()).select_from(Person))
        stays = uow.session.scalar(select(func.count()).select_from(UnitMembership))
    options = ReportOptions(since=TODAY - dt.timedelta(days=365), until=TODAY)
    print(
        f"{db.describe()}: {people:,} people, {stays:,} unit memberships; period {options.period().describe()}; "
        f"best / median of {args.repeat} runs; target <= {TARGET_SECONDS:g} s"
    )
    slow = 0
    for name in UNIT_REPORTS:
        runs = [_timed(lambda n=name: run_report(db.unit_of_work(), VIEWER, n, options)) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r[0])
        wall = best[0]
        slow += wall > TARGET_SECONDS
        flag = "" if wall <= TARGET_SECONDS else f"  (over {TARGET_SECONDS:g} s)"
        print(
            f"{name:<24} {wall:6.2f} s  / {statistics.median(r[0] for r in runs):5.2f} s   "
            f"cpu {best[1]:5.2f} s  {len(best[2].rows):>4} rows{flag}"  # type: ignore[attr-defined]
        )
    wall, cpu, done = _timed(lambda: achieved_refresh.keep_in_step(db.unit_of_work()))
    print(f"{'bringing it in step':<24} {wall:6.2f} s   cpu {cpu:5.2f} s   nothing to do: {done}")
    with db.unit_of_work() as uow:
        # A tenth of the people's rows re-packed with another digest, as if their records had changed.
        uow.session.execute(text("UPDATE person_evidence SET digest = digest + 1 WHERE person_id % 10 = 0"))
        uow.commit()
    wall, cpu, done = _timed(lambda: achieved_refresh.keep_in_step(db.unit_of_work()))
    print(f"{'... a tenth changed':<24} {wall:6.2f} s   cpu {cpu:5.2f} s   {done}")
    with db.unit_of_work() as uow:  # the digests put back as the records have them (and the days again)
        uow.session.execute(text("UPDATE person_evidence SET digest = digest - 1 WHERE person_id % 10 = 0"))
        uow.commit()
    achieved_refresh.keep_in_step(db.unit_of_work())
    trusting = achievement.trusted
    achievement.trusted = lambda _session, _rules: None  # as if nothing stored were in step
    try:
        for name in sorted(READS_FIRST_DAYS & set(UNIT_REPORTS)):
            runs = [
                _timed(lambda n=name: run_report(db.unit_of_work(), VIEWER, n, options)) for _ in range(args.repeat)
            ]
            wall = min(r[0] for r in runs)
            print(f"{name + ', out of step':<34} {wall:6.2f} s  / {statistics.median(r[0] for r in runs):5.2f} s")
    finally:
        achievement.trusted = trusting
    db.dispose()
    sys.exit(1 if slow else 0)


if __name__ == "__main__":
    main()

"""Reminders benchmark: what is due today on a demo database, and the calendar of its largest cohort.

    python bench/bench_reminders.py [--people 2000] [--repeat 3]

Builds a demo of ``--people`` learners in a temporary folder (SQLite), then times: reading every date
people are reminded about through the judge and scheduling today's steps (``subjects`` + ``schedule``);
the Reminders page's list, each message filled in from the learner's checklist (``due_reminders``); and
one cohort's calendar file; then, once, sending every due reminder to an SMTP server on loopback (aiosmtpd,
installed with the test extras).
Prints the best and median wall-clock time of each.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from credtrack import paths  # noqa: E402
from credtrack.demo import load_demo  # noqa: E402
from credtrack.mail.settings import PLAIN, MailSettings  # noqa: E402
from credtrack.models import Cohort, Enrolment  # noqa: E402
from credtrack.reports.calendar import cohort_calendar  # noqa: E402
from credtrack.services.common import today  # noqa: E402
from credtrack.services.database import open_database  # noqa: E402
from credtrack.services.mail import update_mail_settings  # noqa: E402
from credtrack.services.permissions import SYSTEM, Actor  # noqa: E402
from credtrack.services.reminders.outbox import due_reminders  # noqa: E402
from credtrack.services.reminders.rules import load_rules  # noqa: E402
from credtrack.services.reminders.schedule import schedule  # noqa: E402
from credtrack.services.reminders.sending import send_through_mail  # noqa: E402
from credtrack.services.reminders.subjects import read_subjects  # noqa: E402
from credtrack.services.setup import declare_purpose, load_starter_data  # noqa: E402

EDUCATOR = Actor(id=None, username="bench", role="educator")


def timed(label: str, repeat: int, work) -> object:
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        runs.append(time.perf_counter() - start)
    print(f"{label}: best {min(runs):.2f} s / median {statistics.median(runs):.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="credtrack-bench-reminders-"))
    os.environ[paths.HOME_ENV] = str(home)
    db = open_database(f"sqlite:///{home / 'credtrack.db'}")
    load_starter_data(db.unit_of_work())
    declare_purpose(db.unit_of_work(), "demo")
    start = time.perf_counter()
    load_demo(db, args.people)
    print(f"demo of {args.people:,} people built in {time.perf_counter() - start:.1f} s ({home})")
    day = today()

    def plan() -> int:
        with db.unit_of_work() as uow:
            subjects = read_subjects(uow.session, day)
            return len(schedule(subjects, load_rules(uow.session).of, day))

    steps = timed("dates read through the judge and scheduled", args.repeat, plan)
    due = timed("due list with every message", args.repeat, lambda: due_reminders(db.unit_of_work(), EDUCATOR, day))
    with db.unit_of_work() as uow:
        code = uow.session.scalar(
            select(Cohort.code)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .group_by(Cohort.code)
            .order_by(func.count().desc())
            .limit(1)
        )
    ics = timed("largest cohort's calendar", args.repeat, lambda: cohort_calendar(db.unit_of_work(), EDUCATOR, code))
    received: list[bytes] = []

    class Count:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            received.append(envelope.content)
            return "250 OK"

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Controller(Count(), hostname="127.0.0.1", port=port)
    server.start()
    try:
        settings = MailSettings(host="127.0.0.1", port=port, security=PLAIN, sender_address="ed@bench.example")
        update_mail_settings(db.unit_of_work(), SYSTEM, settings)
        start = time.perf_counter()
        report = send_through_mail(db, EDUCATOR, today=day).value
        took = time.perf_counter() - start
    finally:
        server.stop()
    print(
        f"sending them all to a loopback SMTP server (once): {took:.2f} s, {report.sent:,} sent, "
        f"{len(received):,} received ({1000 * took / max(report.sent, 1):.1f} ms each: queued in one transaction, "
        "the answers recorded as they come)"
    )
    counts = f"{steps} steps due today, {len(due)} messages"  # type: ignore[arg-type]
    print(f"{counts}; cohort {code}: {ics.events} dates")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()

"""E-mailing a cohort's certificates: issue N (default 1,000), then deliver each to its holder through a local
SMTP server (aiosmtpd on loopback, in a process of its own that accepts and discards), and save them all as
one ZIP for learners.

Run: python bench/bench_delivery.py [N]
Prints messages per second and the total time, with the time spent drawing PDFs apart from the rest (SMTP,
recording each delivery with its audit event in its own transaction). SQLite in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CREDTRACK_HOME"] = str(folder / "home")
        run(n, folder)


def run(n: int, folder: Path) -> None:
    from sqlalchemy import select

    from credtrack.db import Database
    from credtrack.mail.settings import MailSettings
    from credtrack.models import Base, Person
    from credtrack.services import mail
    from credtrack.services.certificates import cohort as certificate_cohort
    from credtrack.services.certificates import delivery, learner_files, learner_zip
    from tests.integration.test_certificate_world import build_world
    from tests.mailserver import free_port

    db = Database(f"sqlite:///{folder / 'bench.db'}")
    Base.metadata.create_all(db.engine)
    world = build_world(db, names=tuple(f"Nguyễn Thị Minh {i:04}" for i in range(n)))
    with db.unit_of_work() as uow:
        for i, person in enumerate(uow.session.scalars(select(Person).where(Person.external_id.like("E%")))):
            person.email = f"learner{i:05}@riverbend.example"
        uow.commit()
    start = time.perf_counter()
    issued = certificate_cohort.issue_cohort(
        db, world.educator, "2026-JAN", folder / "out", today=dt.date(2026, 1, 10)
    ).value.issued
    print(f"issued {len(issued):,} certificates in {time.perf_counter() - start:.1f} s (for context)")
    codes = [c.code for c in issued]

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(port)
    drawing = [0.0]
    original = learner_files.pdf_bytes

    def timed_pdf(*args, **kwargs):
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            drawing[0] += time.perf_counter() - t

    learner_files.pdf_bytes = timed_pdf  # type: ignore[assignment]
    try:
        settings = MailSettings(host="127.0.0.1", port=port, security="none", sender_address="edu@riverbend.example")
        mail.update_mail_settings(db.unit_of_work(), world.educator, settings)
        start = time.perf_counter()
        plan = delivery.queue_mailing(
            db.unit_of_work(), world.educator, codes, learner_files.DEFAULT_SUBJECT, learner_files.DEFAULT_BODY
        ).value
        queued = time.perf_counter() - start
        start = time.perf_counter()
        report = delivery.deliver(db, world.educator, plan.mailing_id).value
        sent = time.perf_counter() - start
        assert report.sent == n and not report.failed and not report.stopped  # the server said 250 to each
        print(f"queued {plan.queued:,} deliveries in {queued:.2f} s")
        print(
            f"delivered {report.sent:,} messages in {sent:.1f} s: {report.sent / sent:.1f} messages/s "
            f"(drawing the PDFs {drawing[0]:.1f} s, SMTP and recording each delivery {sent - drawing[0]:.1f} s)"
        )
        drawing[0] = 0.0
        start = time.perf_counter()
        saved = learner_zip.save_for_learners(db, world.educator, codes, folder / "learners.zip").value
        zipped = time.perf_counter() - start
        print(
            f"saved {len(saved.files):,} PDFs for learners in one ZIP in {zipped:.1f} s "
            f"({saved.path.stat().st_size / 1e6:.1f} MB; drawing the PDFs {drawing[0]:.1f} s)"
        )
        print(f"total time for delivery and ZIP: {queued + sent + zipped:.1f} s")
    finally:
        learner_files.pdf_bytes = original  # type: ignore[assignment]
        server.terminate()
        server.wait()
        db.dispose()


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the local SMTP server did not start")


if __name__ == "__main__":
    main()

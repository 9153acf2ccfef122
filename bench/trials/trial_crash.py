"""Crash safety: ``kill -9`` at random moments during a cohort's batch issue and during a large import.

Each round starts from the same database copy, runs the real command-line program, and kills it
at a moment drawn uniformly from the length of an uninterrupted run. Then the database is opened
again as a person would (``credtrack-cli db check``, which also settles a batch stopped half-way)
and checked: the SQLite integrity check, the audit chain, every certificate row with its PDF in
the output folder and every PDF with its row, no signed file left anywhere else, no worker process
left running, and the batch and the import all-or-nothing. Full: 20 kills into a 500-person
cohort and 20 into a 20,000-row import; quick: 2 + 2 on small sizes.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backends import REPO
from common import Outcome, TrialContext
from sqlalchemy import func, select

PASSWORD = "correct horse 42"  # the world's accounts (tests/integration/test_certificate_world.py)
COHORT = "2026-JAN"


@dataclass
class Round:
    """One copy of the starting state: a database file and a data folder (with the signing key)."""

    folder: Path

    @property
    def db(self) -> Path:
        return self.folder / "credtrack.db"

    @property
    def home(self) -> Path:
        return self.folder / "home"

    @property
    def out(self) -> Path:
        return self.folder / "out"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"

    def env(self, user: str) -> dict[str, str]:
        return {
            **os.environ,
            "CREDTRACK_HOME": str(self.home),
            "CREDTRACK_USER": user,
            "CREDTRACK_PASSWORD": PASSWORD,
            "PYTHONPATH": str(REPO),
        }

    def cli(self, user: str, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "credtrack.cli", "--database-url", self.url, *args],
            env=self.env(user),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def _base(ctx: TrialContext, people: int, rows: int) -> tuple[Round, Path]:
    """The starting state: a cohort of ``people`` all eligible, and a people file of ``rows`` rows."""
    from credtrack import paths
    from credtrack.services.database import open_database
    from tests.integration.test_certificate_world import build_world

    base = Round(ctx.work / "base")
    base.home.mkdir(parents=True)
    paths.set_data_dir(base.home)
    try:
        db = open_database(base.url)
        build_world(db, names=tuple(f"Learner {i:04} Ødegård" for i in range(people)))
        _baseline(db)  # the world's records are written without events: the log vouches for them as they stand
        db.dispose()
    finally:
        paths.set_data_dir(None)
    people_file = ctx.work / "people.csv"
    with people_file.open("w", encoding="utf-8", newline="") as out:
        out.write("External ID,Full name,Profession,Start date\n")
        for i in range(rows):
            out.write(f"IMP{i:06},Imported Person {i:06},NURS,2026-01-05\n")
    return base, people_file


def _baseline(db) -> None:
    from credtrack.services.audit import log as audit
    from credtrack.services.audit import record_state
    from credtrack.services.permissions import SYSTEM

    with db.unit_of_work() as uow:
        audit.record(uow.session, SYSTEM, "audit.baseline", "database", "", note="the trial's starting records")
        record_state.touch_everything(uow.session)
        uow.commit()


def _copy(base: Round, folder: Path) -> Round:
    shutil.copytree(base.folder, folder)
    return Round(folder)


def _lingering(home: Path) -> list[int]:
    """Processes still running with this round's data folder (a batch worker outliving the kill)."""
    marker = f"CREDTRACK_HOME={home}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                if marker in (proc / "environ").read_bytes().split(b"\0"):
                    state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state not in ("Z", "X"):
                        found.append(int(proc.name))
            except OSError:
                continue
    return found


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    committed: bool = False
    repaired: bool = False


def _reopen_and_check(r: Round, *, certificates_expected: int, people_before: int, rows: int) -> Verdict:
    from credtrack.db import Database
    from credtrack.models import Certificate, Person
    from credtrack.services.audit import log as audit

    verdict = Verdict()
    deadline = time.monotonic() + 15
    while _lingering(r.home) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _lingering(r.home)
    if left:
        verdict.problems.append(f"{len(left)} worker process(es) still running after the kill")
        for pid in left:
            os.kill(pid, signal.SIGKILL)
    check = r.cli("edu", "db", "check")
    out, err = check.communicate()
    if check.returncode != 0 or "Traceback" in err:
        verdict.problems.append(f"db check failed: {(out + err).strip()[-200:]}")
    verdict.repaired = "were moved into" in err
    with sqlite3.connect(r.db) as conn:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            verdict.problems.append("integrity_check not ok")
    db = Database(r.url)
    try:
        with db.unit_of_work() as uow:
            s = uow.session
            if not audit.verify_chain(s).intact:
                verdict.problems.append("audit chain broken")
            codes = set(s.scalars(select(Certificate.code)))
            people = s.scalar(select(func.count()).select_from(Person)) or 0
    finally:
        db.dispose()
    verdict.committed = bool(codes) or people != people_before
    if codes and len(codes) != certificates_expected:
        verdict.problems.append(f"{len(codes)} of {certificates_expected} certificates recorded (not all-or-nothing)")
    pdfs = {p.name for p in r.out.iterdir()} if r.out.exists() else set()
    singles = {name.split("_", 1)[0] for name in pdfs if name.startswith("CT-")}
    if singles != codes:
        verdict.problems.append(
            f"{len(codes - singles)} rows without their PDF, {len(singles - codes)} PDFs without a row"
        )
    if codes and not any(name.endswith("_certificates.pdf") for name in pdfs):
        verdict.problems.append("the combined PDF is missing")
    hidden = list(r.out.glob(".*")) if r.out.exists() else []
    staged = list(r.home.rglob("*.pdf")) + hidden
    if staged:
        verdict.problems.append(f"{len(staged)} staged file(s) left after the next open")
    if people not in (people_before, people_before + rows):
        verdict.problems.append(f"{people - people_before} of {rows} imported people present (not all-or-nothing)")
    return verdict


Command = Callable[[Round], list[str]]


def _timed_run(r: Round, user: str, args: Command) -> float:
    started = time.perf_counter()
    proc = r.cli(user, *args(r))
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the uninterrupted run failed: {err.strip()[-400:]}")
    return time.perf_counter() - started


def _kills(
    ctx: TrialContext,
    base: Round,
    name: str,
    user: str,
    args: Command,
    kills: int,
    rng: random.Random,
    *,
    certificates_expected: int,
    people_before: int,
    rows: int,
) -> tuple[int, str]:
    calibration = _copy(base, ctx.work / f"{name}-calibration")
    length = _timed_run(calibration, user, args)
    clean = _reopen_and_check(
        calibration, certificates_expected=certificates_expected, people_before=people_before, rows=rows
    )
    if clean.problems or not clean.committed:
        raise RuntimeError(f"the uninterrupted {name} run is not as expected: {clean.problems}")
    shutil.rmtree(calibration.folder)
    survived, committed, repaired, problems = 0, 0, 0, []
    for i in range(kills):
        r = _copy(base, ctx.work / f"{name}-{i:02}")
        proc = r.cli(user, *args(r))
        time.sleep(rng.uniform(0, length))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        verdict = _reopen_and_check(
            r, certificates_expected=certificates_expected, people_before=people_before, rows=rows
        )
        committed += verdict.committed
        repaired += verdict.repaired
        if verdict.problems:
            problems.extend(verdict.problems)
        else:
            survived += 1
        shutil.rmtree(r.folder)
    detail = (
        f"uninterrupted run {length:.1f} s; {committed} of {kills} killed after the commit "
        f"({repaired} filed on the next open), the rest before it (nothing kept)"
    )
    if problems:
        detail += "; found: " + " / ".join(sorted(set(problems))[:4])
    return survived, detail


def run(ctx: TrialContext) -> list[Outcome]:
    people, rows, kills = (30, 300, 2) if ctx.quick else (500, 20_000, 20)
    rng = random.Random(18)
    base, people_file = _base(ctx, people, rows)
    with sqlite3.connect(base.db) as conn:
        people_before = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    outcomes = []
    survived, detail = _kills(
        ctx,
        base,
        "issue",
        "edu",
        lambda r: ["issue-cohort", COHORT, "--out", str(r.out)],
        kills,
        rng,
        certificates_expected=people,
        people_before=people_before,
        rows=0,
    )
    outcomes.append(
        Outcome(
            "crash",
            "sqlite",
            f"kill -9 during issue-cohort of {people} people",
            kills,
            survived,
            "0 with loss or inconsistency",
            detail,
        )
    )
    survived, detail = _kills(
        ctx,
        base,
        "import",
        "admin",
        lambda r: ["import", "people", str(people_file)],
        kills,
        rng,
        certificates_expected=0,
        people_before=people_before,
        rows=rows,
    )
    outcomes.append(
        Outcome(
            "crash",
            "sqlite",
            f"kill -9 during an import of {rows:,} rows",
            kills,
            survived,
            "0 with loss or inconsistency",
            detail,
        )
    )
    return outcomes

"""Database faults: a newer schema, a damaged file, a read-only file, a write lock held for 30 s, a full disk.

Each fault is made for real on a copy of a demo installation, then met as a person would meet
it: with the command-line program (reading, adding a person, importing, backing up, issuing a
cohort, ``db check``) and with the desktop app (tests/ui/test_database_faults_desktop.py,
under pytest-qt). A case survives when every command either works or ends with a message that
says what is wrong and what to do — never a traceback — and nothing is lost or half-written:
the file is byte for byte as it was where nothing could be saved, and the integrity check and
the whole audit verify pass afterwards where it could.

- Newer schema: the version stamp of a later credtrack, on SQLite and PostgreSQL.
- Damaged file: cut in half, header wiped, a text file in its place, and pages overwritten
  with noise at random places (full: 5 of those, quick: 1).
- Read-only file: the database file mounted read-only (a user who may read but not write; root
  ignores file modes, a read-only mount it does not).
- Write lock: another program holds a write transaction for 30 s (quick: 7 s), on SQLite and on
  PostgreSQL (the writers' lock every credtrack change takes).
- Full disk: the data folder on a small tmpfs; a 20,000-row import (quick: 4,000), a backup
  and a cohort batch into it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from backends import REPO, fresh_database
from common import Outcome, TrialContext
from sqlalchemy import text

from credtrack.db import make_engine
from credtrack.demo_names import UNITS
from credtrack.writers import WRITERS_LOCK

PASSWORD = "trial admin password"
NEWER = "zz_from_a_newer_credtrack"
TRACES = ("Traceback", "Exception ignored")


class Cli:
    def __init__(self, home: Path, url: str | None = None) -> None:
        self.env = {
            **os.environ,
            "CREDTRACK_HOME": str(home),
            "CREDTRACK_USER": "admin",
            "CREDTRACK_PASSWORD": PASSWORD,
            "BACKUP_PASS": "trial backup passphrase",
            "PYTHONPATH": str(REPO),
        }
        self.env.pop("CREDTRACK_DATABASE_URL", None)
        if url:
            self.env["CREDTRACK_DATABASE_URL"] = url

    def __call__(self, *args: str) -> tuple[int, str, float]:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "credtrack.cli", *args], env=self.env, capture_output=True, text=True, timeout=600
        )
        return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


class Case:
    """What one fault met: the problems found, each in words."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def expect(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def refused(self, answer: tuple[int, str, float], says: tuple[str, ...], what: str) -> None:
        code, output, _seconds = answer
        self.expect(not any(t in output for t in TRACES), f"{what}: a traceback")
        self.expect(code != 0, f"{what}: exit 0")
        self.expect(any(word in output for word in says), f"{what}: no clear message ({output.strip()[-120:]!r})")

    def calm(self, answer: tuple[int, str, float], what: str) -> None:
        self.expect(not any(t in answer[1] for t in TRACES), f"{what}: a traceback")

    def worked(self, answer: tuple[int, str, float], what: str) -> None:
        self.calm(answer, what)
        self.expect(answer[0] == 0, f"{what}: exit {answer[0]} ({answer[1].strip()[-120:]!r})")

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(db: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - a fixed table name


def _settle(db: Path) -> None:
    """Everything in the main file (no -wal), so its bytes can be compared."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _sound(cli: Cli, case: Case, what: str) -> None:
    answer = cli("db", "check")
    case.worked(answer, f"{what}: db check")
    case.expect("Records agree with the log" in answer[1], f"{what}: the audit verify did not pass")


class Installation:
    """A demo installation made once; each fault works on a copy of it."""

    def __init__(self, ctx: TrialContext, people: int) -> None:
        self.ctx = ctx
        self.home = ctx.work / "base" / "home"
        cli = Cli(self.home)
        for step in (("init", "--demo", "--admin", "admin"), ("demo", "--people", str(people))):
            code, output, _ = cli(*step)
            if code != 0:
                raise RuntimeError(f"set-up failed: {output[-400:]}")
        _settle(self.home / "credtrack.db")
        self.cohort = _a_cohort(self.home / "credtrack.db")
        self.copies = 0

    def copy(self, into: Path | None = None) -> Path:
        self.copies += 1
        target = (into or self.ctx.work / f"copy-{self.copies}") / "home"
        shutil.copytree(self.home, target)
        return target


def _a_cohort(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT code FROM cohort ORDER BY code DESC LIMIT 1").fetchone()[0]


# -- the faults --------------------------------------------------------------------------------


def newer_sqlite(base: Installation) -> Case:
    case, home = Case(), base.copy()
    db = home / "credtrack.db"
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (NEWER,))
    _settle(db)
    before, cli = _sha(db), Cli(home)
    for args in (("people", "find", "a"), ("people", "add", "NEW-1", "New Person"), ("db", "check")):
        case.refused(cli(*args), ("newer than this copy of credtrack",), " ".join(args[:2]))
    case.expect(_sha(db) == before, "the file changed")
    return case


@contextlib.contextmanager
def _postgresql_installation(ctx: TrialContext, name: str, people: int, case: Case) -> Iterator[tuple[Cli, Any]]:
    """A demo installation in a PostgreSQL database of its own: the CLI on it and an engine to look with."""
    with fresh_database(ctx, "postgresql", name) as url:
        cli = Cli(ctx.work / f"{name}-home", url)
        for step in (("init", "--demo", "--admin", "admin"), ("demo", "--people", str(people))):
            case.worked(cli(*step), f"set-up {step[0]}")
        engine = make_engine(url)
        try:
            yield cli, engine
        finally:
            engine.dispose()


def newer_postgresql(ctx: TrialContext, people: int) -> Case:
    case = Case()
    with _postgresql_installation(ctx, "faults_newer", people, case) as (cli, engine):
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": NEWER})
            before = conn.execute(text("SELECT count(*) FROM person")).scalar()
        for args in (("people", "find", "a"), ("people", "add", "NEW-1", "New Person"), ("db", "check")):
            case.refused(cli(*args), ("newer than this copy of credtrack",), " ".join(args[:2]))
        with engine.connect() as conn:
            case.expect(
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == NEWER,
                "the version stamp was changed",
            )
            case.expect(conn.execute(text("SELECT count(*) FROM person")).scalar() == before, "people changed")
    return case


def _cut_in_half(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)


def _header_wiped(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.write(bytes(100))


def _text_file(db: Path) -> None:
    db.write_text("Name,Unit\nAda,4 West\n" * 200, encoding="utf-8")


def _noise(seed: int) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        rng = random.Random(seed)
        pages = db.stat().st_size // 4096
        with db.open("r+b") as handle:
            for _ in range(4):
                handle.seek(rng.randrange(1, pages) * 4096)
                handle.write(rng.randbytes(4096))

    return damage


DAMAGED = ("The database file is damaged", "restore the latest good backup")


def damaged_unopenable(base: Installation, damage: Callable[[Path], None]) -> Case:
    case, home = Case(), base.copy()
    db = home / "credtrack.db"
    damage(db)
    before, cli = _sha(db), Cli(home)
    for args in (
        ("people", "find", "a"),
        ("people", "add", "NEW-1", "New Person"),
        ("db", "check"),
        ("issue-cohort", "--out", str(home.parent / "out"), base.cohort),
    ):
        case.refused(cli(*args), DAMAGED, " ".join(args[:2]))
    case.expect(_sha(db) == before, "the file changed")
    case.expect(not list(home.parent.glob("out/**/*.pdf")), "certificates were written")
    return case


def damaged_inside(base: Installation, seed: int) -> Case:
    """Noise over pages inside: what still reads may be read, but db check and a batch say it is damaged."""
    case, home = Case(), base.copy()
    db = home / "credtrack.db"
    _noise(seed)(db)
    cli = Cli(home)
    case.calm(cli("people", "find", "a"), "people find")
    case.refused(cli("db", "check"), DAMAGED, "db check")
    certificates = _count_or_none(db, "certificate")
    case.refused(cli("issue-cohort", "--out", str(home.parent / "out"), base.cohort), DAMAGED, "issue-cohort")
    case.expect(not list(home.parent.glob("out/**/*.pdf")), "certificates were written into a damaged database")
    case.expect(_count_or_none(db, "certificate") == certificates, "certificate rows were added")
    return case


def _count_or_none(db: Path, table: str) -> int | None:
    try:
        return _count(db, table)
    except sqlite3.DatabaseError:
        return None


@contextlib.contextmanager
def _mounted(*commands: list[str], undo: list[str]) -> Iterator[None]:
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            subprocess.run(undo, capture_output=True)
            raise PermissionError(f"{' '.join(command)}: {done.stderr.strip()} (this fault needs root to mount)")
    try:
        yield
    finally:
        subprocess.run(undo, capture_output=True)


def read_only(base: Installation) -> Case:
    case, home = Case(), base.copy()
    db = home / "credtrack.db"
    before, cli = _sha(db), Cli(home)
    people = _count(db, "person")
    if os.geteuid() == 0:
        guard = _mounted(
            ["mount", "--bind", str(db), str(db)], ["mount", "-o", "remount,ro,bind", str(db)], undo=["umount", str(db)]
        )
    else:
        db.chmod(0o444)
        guard = contextlib.nullcontext()
    with guard:
        found = cli("people", "find", "Okafor")
        case.worked(found, "people find")
        case.refused(cli("people", "add", "NEW-1", "New Person"), ("read-only for you",), "people add")
        case.refused(
            cli("import", "people", str(_people_csv(home.parent, 50))), ("read-only for you",), "import people"
        )
    db.chmod(0o600)
    case.expect(_sha(db) == before and _count(db, "person") == people, "the file changed")
    return case


def _people_csv(folder: Path, rows: int) -> Path:
    """A people file whose units are the demo's (a unit must exist before a file moves people into it)."""
    path = folder / f"people-{rows}.csv"
    path.write_text(
        "external_id,full_name,profession,unit,start_date\n"
        + "".join(
            f"IMP-{i:06d},Imported person number {i} with a longer name,Nursing,{UNITS[i % len(UNITS)]},2026-01-05\n"
            for i in range(rows)
        ),
        encoding="utf-8",
    )
    return path


def held_sqlite(base: Installation, hold: float) -> Case:
    case, home = Case(), base.copy()
    db, cli = home / "credtrack.db", Cli(home)
    people = _count(db, "person")
    holder = sqlite3.connect(db, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE setting SET value = value")  # another program's unfinished write
    started = time.monotonic()
    try:
        _while_held(case, cli, started, hold)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    case.worked(cli("people", "add", "NEW-2", "After The Lock"), "people add after the lock")
    case.expect(_count(db, "person") == people + 1, "people: the refused add was saved, or the later one lost")
    _sound(cli, case, "after the lock")
    return case


def _while_held(case: Case, cli: Cli, started: float, hold: float) -> None:
    """Commands while another program holds the write lock: reading works or says busy; writing says busy."""
    busy = ("database is busy",)
    found = cli("people", "find", "a")
    case.calm(found, "people find while locked")
    case.expect(found[0] == 0 or busy[0] in found[1], f"people find while locked: {found[1].strip()[-120:]!r}")
    added = cli("people", "add", "NEW-1", "During The Lock")
    case.refused(added, busy, "people add while locked")
    case.expect(added[2] < 30, f"people add waited {added[2]:.0f} s")
    if time.monotonic() - started < hold - 2:
        time.sleep(hold - (time.monotonic() - started))


def held_postgresql(ctx: TrialContext, hold: float, people: int) -> Case:
    case = Case()
    with _postgresql_installation(ctx, "faults_held", people, case) as (cli, engine):
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM person")).scalar()
        holder = engine.connect()
        holder.begin()
        holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITERS_LOCK})
        started = time.monotonic()
        try:
            _while_held(case, cli, started, hold)
        finally:
            holder.rollback()
            holder.close()
        case.worked(cli("people", "add", "NEW-2", "After The Lock"), "people add after the lock")
        with engine.connect() as conn:
            case.expect(
                conn.execute(text("SELECT count(*) FROM person")).scalar() == count + 1,
                "people: the refused add was saved, or the later one lost",
            )
        _sound(cli, case, "after the lock")
    return case


def full_disk(base: Installation, rows: int) -> Case:
    case = Case()
    disk = base.ctx.work / "small-disk"
    disk.mkdir()
    # Room for the installation and a little more: a sign-in fits, an import, a backup or a batch does not.
    size = sum(f.stat().st_size for f in base.home.rglob("*") if f.is_file()) + 160 * 1024
    with _mounted(
        ["mount", "-t", "tmpfs", "-o", f"size={size // 1024}k", "tmpfs", str(disk)], undo=["umount", "-l", str(disk)]
    ):
        home = base.copy(disk)
        db, cli = home / "credtrack.db", Cli(home)
        csv = _people_csv(base.ctx.work, rows)
        people, certificates = _count(db, "person"), _count(db, "certificate")
        full = ("disk holding", "No space left on device")
        case.refused(cli("import", "people", str(csv)), full, "import people")
        case.expect(_count(db, "person") == people, "an import on a full disk left people behind")
        case.refused(cli("db", "backup", "--passphrase-env", "BACKUP_PASS"), full, "db backup")
        case.expect(
            not list((home / "backups").glob("*")) if (home / "backups").exists() else True, "a partial backup was left"
        )
        case.refused(cli("issue-cohort", "--out", str(disk / "out"), base.cohort), full, "issue-cohort")
        case.expect(_count(db, "certificate") == certificates, "certificates were recorded without their PDFs")
        case.expect(not list(disk.glob("out/**/*.pdf")), "certificate PDFs were left in the output folder")
        _sound(cli, case, "on the full disk")
    return case


def desktop(ctx: TrialContext) -> tuple[int, int, list[str]]:
    report = ctx.work / "desktop.xml"
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            "tests/ui/test_database_faults_desktop.py",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if not report.exists():
        return 1, 0, [f"the desktop tests did not run: {(done.stdout + done.stderr)[-300:]}"]
    cases = [c for c in ET.parse(report).iter("testcase") if c.find("skipped") is None]
    failed = [c.get("name", "") for c in cases if c.find("failure") is not None or c.find("error") is not None]
    return len(cases), len(cases) - len(failed), failed


# -- the table ---------------------------------------------------------------------------------


def _row(tried: str, backend: str, target: str, cases: list[Callable[[], Case]], detail: str = "") -> Outcome:
    survived, problems = 0, []
    for make in cases:
        try:
            case = make()
        except Exception as exc:  # a fault that could not be made is a case that did not survive
            problems.append(f"{type(exc).__name__}: {exc}")
            continue
        survived += case.ok
        problems += case.problems
    return Outcome(
        "db_faults", backend, tried, len(cases), survived, target, "; ".join(filter(None, [detail, *problems]))[:400]
    )


def run(ctx: TrialContext) -> list[Outcome]:
    people, hold, rows, noisy = (20, 7.0, 4000, 1) if ctx.quick else (200, 30.0, 20000, 5)
    base = Installation(ctx, people)
    cli_target = "a message saying what to do, no traceback; nothing lost or half-written"
    outcomes = [
        _row("newer schema: find, add, db check", "sqlite", cli_target, [lambda: newer_sqlite(base)]),
        _row(
            "damaged file (cut in half, header wiped, a text file): find, add, db check, batch",
            "sqlite",
            "refused as damaged, file left as it was",
            [lambda d=d: damaged_unopenable(base, d) for d in (_cut_in_half, _header_wiped, _text_file)],
        ),
        _row(
            "pages overwritten with noise: find, db check, batch",
            "sqlite",
            "db check and the batch say damaged; nothing issued",
            [lambda s=s: damaged_inside(base, s) for s in range(noisy)],
        ),
        _row(
            "read-only file: find, add, import",
            "sqlite",
            "reading works; saving says read-only; file unchanged",
            [lambda: read_only(base)],
        ),
        _row(
            f"write lock held {hold:.0f} s by another program: find, add, then add after",
            "sqlite",
            "busy message in bounded time, nothing saved; works after",
            [lambda: held_sqlite(base, hold)],
        ),
        _row(
            f"full disk: import {rows:,} rows, backup, cohort batch",
            "sqlite",
            "each says the disk is full; nothing partial; db check passes",
            [lambda: full_disk(base, rows)],
        ),
    ]
    if ctx.postgres_url:
        outcomes += [
            _row(
                "newer schema: find, add, db check", "postgresql", cli_target, [lambda: newer_postgresql(ctx, people)]
            ),
            _row(
                f"writers' lock held {hold:.0f} s by another session: find, add, then add after",
                "postgresql",
                "busy message in bounded time, nothing saved; works after",
                [lambda: held_postgresql(ctx, hold, people)],
            ),
        ]
    total, passed, failed = desktop(ctx)
    outcomes.append(
        Outcome(
            "db_faults",
            "sqlite",
            "desktop app (pytest-qt): newer, 3 damaged, damaged inside, read-only, lock held, full disk",
            total,
            passed,
            "a clear message on screen, no apology box, nothing lost",
            "; ".join(failed)[:300],
        )
    )
    return outcomes

"""Import 100,000 completion rows from CSV with credtrack, beside a plain sqlite3 executemany of the same rows.

    python bench/bench_import.py [--rows 100000] [--people 20000]

Both runs use the same schema, the same pragmas (WAL, synchronous=FULL, foreign keys on) and
one transaction. credtrack's figure includes reading and decoding the CSV, mapping, checking
every row against the database and writing the audit event; the sqlite3 figure is only the
INSERT of rows already in memory, so the ratio is a conservative one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from credtrack.db import Database  # noqa: E402
from credtrack.importing import run_import  # noqa: E402
from credtrack.models import Base, Module, Person, utcnow  # noqa: E402
from credtrack.services.permissions import Actor  # noqa: E402

ACTOR = Actor(id=None, username="bench", role="educator")


def make_database(path: Path, people: int, modules: int) -> Database:
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    now = utcnow()
    with db.engine.begin() as conn:
        conn.execute(
            Module.__table__.insert(),
            [
                {
                    "code": f"MOD-{m:03d}",
                    "title": f"Module {m}",
                    "kind": "e_learning",
                    "contact_hours": 1,
                    "requires_verification": m % 5 == 0,
                    "requires_enrolment": False,
                    "active": True,
                    "version": 1,
                    "updated_at": now,
                }
                for m in range(modules)
            ],
        )
        conn.execute(
            Person.__table__.insert(),
            [
                {
                    "external_id": f"E{p:06d}",
                    "full_name": f"Person {p}",
                    "search_key": f"person {p} e{p:06d}",
                    "status": "active",
                    "version": 1,
                    "updated_at": now,
                    "created_at": now,
                }
                for p in range(people)
            ],
        )
    return db


def make_rows(count: int, people: int, modules: int) -> list[tuple[str, str, str]]:
    rng = random.Random(6)
    start = dt.date(2018, 1, 1)
    seen: set[tuple[str, str, str]] = set()
    while len(seen) < count:
        seen.add(
            (
                f"E{rng.randrange(people):06d}",
                f"MOD-{rng.randrange(modules):03d}",
                (start + dt.timedelta(days=rng.randrange(2400))).isoformat(),
            )
        )
    return sorted(seen)


def parse_sizes(description: str | None) -> argparse.Namespace:
    """--rows, --people and --modules from the command line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--modules", type=int, default=40)
    return parser.parse_args()


def write_completions(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """The rows as a CSV file with the headers a training system might export."""
    path.write_text(
        "Employee ID,Course code,Completion date\n" + "".join(f"{e},{m},{d}\n" for e, m, d in rows), encoding="utf-8"
    )
    return path


def bench_credtrack(db: Database, csv_path: Path) -> float:
    began = time.perf_counter()
    result = run_import(db.unit_of_work(), ACTOR, "completions", csv_path, remembered={}, remember=False)
    elapsed = time.perf_counter() - began
    assert result.value.inserted == result.value.rows, result.value.summary()
    return elapsed


def bench_sqlite3(path: Path, rows: list[tuple[str, str, str]]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout = 5000", "foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
        conn.execute(f"PRAGMA {pragma}")
    people = dict(conn.execute("SELECT external_id, id FROM person"))
    modules = dict(conn.execute("SELECT code, id FROM module"))
    now = utcnow().isoformat(sep=" ")
    params = [(people[e], modules[m], d, "", "import", "not_required", now, 1, now) for e, m, d in rows]
    began = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO completion (person_id, module_id, completed_on, evidence, source, verification, recorded_at,"
        " version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params,
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed


def main() -> None:
    args = parse_sizes(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = make_rows(args.rows, args.people, args.modules)
        csv_path = write_completions(folder / "completions.csv", rows)
        ours = make_database(folder / "credtrack.db", args.people, args.modules)
        plain = make_database(folder / "plain.db", args.people, args.modules)
        plain.dispose()
        base = bench_sqlite3(folder / "plain.db", rows)
        mine = bench_credtrack(ours, csv_path)
        ours.dispose()
    print(f"rows: {args.rows:,} completions for {args.people:,} people and {args.modules} modules")
    print(f"plain sqlite3 executemany: {base:6.2f} s  {args.rows / base:>10,.0f} rows/s")
    print(f"credtrack import (CSV, checks, audit): {mine:6.2f} s  {args.rows / mine:>10,.0f} rows/s")
    print(f"ratio: {base / mine:.2f}x of plain sqlite3 (target >= 0.30x)")


if __name__ == "__main__":
    main()

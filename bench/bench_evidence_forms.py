"""Why bulk progress reads a packed projection: the ways of reading everyone's standing evidence, timed.

    python bench/bench_evidence_forms.py [--db /tmp/credtrack-bench-records.db]

Uses the records benchmark's database (``bench/bench_records.py`` builds it: 100,000 people, about
2,100,000 completion and sign-off rows) without changing it: the normalised projection is built in
a scratch file beside it. Prints the time to read everyone's evidence

* from the packed rows credtrack reads (``person_evidence``: one text row per person);
* from a normalised projection (one row per person and module, one per person, competency, level and
  assessor profession) and then to group those rows by person in Python, as a judge over plain rows
  would need;
* from the base tables, one grouped query per required module (completions only; the schema's covering
  index leads with the person, so each query scans it).

The all-people summary must take at most 2 s in all.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

STANDING = "voided_at IS NULL AND verification <> 'pending'"


def timed(label: str, fn) -> object:  # type: ignore[no-untyped-def]
    best, out = None, None
    for _ in range(3):
        start = time.perf_counter()
        out = fn()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    print(f"{label:<72} {best:6.2f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/credtrack-bench-records.db"))
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} does not exist: run bench/bench_records.py first.")
    with tempfile.TemporaryDirectory() as scratch:
        conn = sqlite3.connect(Path(scratch) / "projection.db")
        conn.execute(f"ATTACH DATABASE 'file:{args.db}?mode=ro' AS b")
        conn.execute(
            "CREATE TABLE standing_completion (person_id INT, module_id INT, first_on DATE, last_on DATE, "
            "PRIMARY KEY (person_id, module_id)) WITHOUT ROWID"
        )
        conn.execute(
            f"INSERT INTO standing_completion SELECT person_id, module_id, min(completed_on), "
            f"max(completed_on) FROM b.completion WHERE {STANDING} GROUP BY person_id, module_id"
        )
        conn.execute(
            "CREATE TABLE standing_sign_off (person_id INT, competency_id INT, scale_id INT, level_id INT, "
            "profession_id INT, first_on DATE)"
        )
        conn.execute(
            f"INSERT INTO standing_sign_off SELECT person_id, competency_id, scale_id, level_id, "
            f"assessor_profession_id, min(assessed_on) FROM b.assessment WHERE {STANDING} "
            f"GROUP BY person_id, competency_id, scale_id, level_id, assessor_profession_id"
        )
        conn.execute(
            "CREATE INDEX ix_standing_sign_off ON standing_sign_off (person_id, competency_id, scale_id, "
            "level_id, profession_id, first_on)"
        )
        conn.commit()
        n = conn.execute("SELECT count(*) FROM b.person").fetchone()[0]
        print(f"{args.db}: {n:,} people")

        timed(
            "packed rows (person_evidence), read",
            lambda: conn.execute("SELECT person_id, completions, sign_offs FROM b.person_evidence").fetchall(),
        )
        done = timed(
            "normalised projection: completions, read",
            lambda: conn.execute("SELECT person_id, module_id, last_on FROM standing_completion").fetchall(),
        )
        signed = timed(
            "normalised projection: sign-offs, read",
            lambda: conn.execute(
                "SELECT person_id, competency_id, scale_id, level_id, profession_id, first_on FROM standing_sign_off"
            ).fetchall(),
        )

        def group_completions() -> dict:
            people: dict = {}
            for person, module, last in done:  # type: ignore[union-attr]
                people.setdefault(person, {})[module] = last
            return people

        def group_sign_offs() -> dict:
            people: dict = {}
            for person, competency, scale, level, profession, first in signed:  # type: ignore[union-attr]
                people.setdefault(person, {}).setdefault(competency, []).append((scale, level, profession, first))
            return people

        timed("normalised projection: completions, grouped by person in Python", group_completions)
        timed("normalised projection: sign-offs, grouped by person in Python", group_sign_offs)

        modules = [
            r[0] for r in conn.execute("SELECT DISTINCT module_id FROM b.credential_requirement WHERE kind = 'module'")
        ]
        timed(
            f"base tables: a grouped query per required module ({len(modules)}), completions only",
            lambda: [
                conn.execute(
                    f"SELECT person_id, max(completed_on) FROM b.completion WHERE module_id = ? AND {STANDING} "
                    f"GROUP BY person_id",
                    (m,),
                ).fetchall()
                for m in modules
            ],
        )


if __name__ == "__main__":
    main()

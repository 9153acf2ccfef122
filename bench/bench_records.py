"""Records benchmark: progress and search on a large SQLite database, beside plain sqlite3.

    python bench/bench_records.py [--people 100000] [--db PATH]

Builds (once, then reuses) a demo database with ~100,000 people, 200 modules, 40 credentials
and ~2,000,000 completion and sign-off rows, then prints for each query the credtrack figure
(services, ORM, permission checks) beside the same query written as plain SQL through sqlite3.
Targets: one person's full progress <= 10 ms; all-people progress summary <= 2 s; a name
search <= 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from credtrack import demo  # noqa: E402
from credtrack.models import Assessment, Completion, ImprovementMember, ImprovementWork, Person  # noqa: E402
from credtrack.services import people  # noqa: E402
from credtrack.services.database import open_database  # noqa: E402
from credtrack.services.permissions import Actor  # noqa: E402
from credtrack.services.progress import bulk as progress_bulk  # noqa: E402
from credtrack.services.progress import person as progress  # noqa: E402
from credtrack.services.progress.stored import EvidenceReader  # noqa: E402

TODAY = dt.date(2026, 11, 1)
EDUCATOR = Actor(id=None, username="bench", role="educator")


def build(path: Path, n: int) -> None:
    if path.exists():
        return
    t = time.perf_counter()
    db = open_database(f"sqlite:///{path}")
    demo.load_demo(
        db,
        n,
        seed=11,
        today=TODAY,
        extra_modules=188,
        extra_credentials=37,
        progress=lambda s: print(f"  building: {s}", file=sys.stderr),
    )
    db.dispose()
    print(f"built {path} in {time.perf_counter() - t:.0f} s", file=sys.stderr)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def plain_person_progress(conn: sqlite3.Connection, person_id: int) -> int:
    """The same work in plain SQL: the person's credentials, their requirements and the evidence."""
    creds = {
        r[0]
        for r in conn.execute(
            "SELECT cc.credential_id FROM enrolment e JOIN cohort_credential cc ON cc.cohort_id = e.cohort_id "
            "WHERE e.person_id = ? UNION SELECT r.credential_id FROM credential_requirement r JOIN completion c "
            "ON c.module_id = r.module_id WHERE c.person_id = ? AND c.voided_at IS NULL UNION "
            "SELECT r.credential_id FROM credential_requirement r JOIN assessment a "
            "ON a.competency_id = r.competency_id "
            "WHERE a.person_id = ? AND a.voided_at IS NULL",
            (person_id, person_id, person_id),
        )
    }
    met = 0
    for cid in creds:
        reqs = conn.execute(
            "SELECT r.kind, r.module_id, r.competency_id, r.scale_id, l.rank, m.validity_months "
            "FROM credential_requirement r LEFT JOIN scale_level l ON l.id = r.min_level_id "
            "LEFT JOIN module m ON m.id = r.module_id WHERE r.credential_id = ?",
            (cid,),
        ).fetchall()
        done = dict(
            conn.execute(
                "SELECT module_id, max(completed_on) FROM completion WHERE person_id = ? AND voided_at IS NULL "
                "AND verification <> 'pending' GROUP BY module_id",
                (person_id,),
            ).fetchall()
        )
        best = {
            (c, s): r
            for c, s, r in conn.execute(
                "SELECT a.competency_id, a.scale_id, max(l.rank) FROM assessment a "
                "JOIN scale_level l ON l.id = a.level_id "
                "WHERE a.person_id = ? AND a.voided_at IS NULL GROUP BY a.competency_id, a.scale_id",
                (person_id,),
            )
        }
        conn.execute(
            "SELECT expires_on FROM certificate WHERE person_id = ? AND credential_id = ? AND status = 'valid'",
            (person_id, cid),
        ).fetchall()
        for kind, mid, comp, scale, rank, _validity in reqs:
            if kind == "module" and mid in done or kind == "competency" and best.get((comp, scale), 0) >= rank:
                met += 1
    return met


def plain_summary(conn: sqlite3.Connection) -> int:
    """The same summary as one plain SQL statement: assigned pairs, each requirement looked up."""
    rows = conn.execute("""
        WITH scope AS (SELECT e.person_id, cc.credential_id FROM enrolment e
                       JOIN cohort_credential cc ON cc.cohort_id = e.cohort_id WHERE e.status <> 'withdrawn'
                       UNION SELECT person_id, credential_id FROM certificate WHERE status = 'valid'),
             per_req AS MATERIALIZED (
               SELECT s.person_id, s.credential_id, r.kind,
                 CASE WHEN r.kind = 'module' THEN (SELECT max(c.completed_on) FROM completion c
                   WHERE c.person_id = s.person_id AND c.module_id = r.module_id AND c.voided_at IS NULL
                   AND c.verification <> 'pending') END AS last_on,
                 CASE WHEN r.kind = 'competency' THEN (SELECT max(l.rank) FROM assessment a
                   JOIN scale_level l ON l.id = a.level_id WHERE a.person_id = s.person_id
                   AND a.competency_id = r.competency_id AND a.scale_id = r.scale_id
                   AND a.voided_at IS NULL) END AS best,
                 ml.rank AS need
               FROM scope s JOIN credential_requirement r ON r.credential_id = s.credential_id
               LEFT JOIN scale_level ml ON ml.id = r.min_level_id)
        SELECT person_id, credential_id,
               sum(CASE WHEN last_on IS NOT NULL OR best >= need THEN 1 ELSE 0 END)
        FROM per_req GROUP BY person_id, credential_id""").fetchall()
    return len(rows)


def plain_evidence_read(conn: sqlite3.Connection) -> int:
    """The database half of credtrack's summary: everyone's packed evidence rows (``person_evidence``)."""
    return len(conn.execute("SELECT person_id, completions, sign_offs FROM person_evidence").fetchall())


def plain_evidence_scans(conn: sqlite3.Connection) -> int:
    """What reading everyone's evidence cost before it was kept packed: a grouped scan of each partial index."""
    done = conn.execute(
        "SELECT person_id, group_concat(module_id || ':' || completed_on, ',') FROM completion "
        "WHERE voided_at IS NULL AND verification <> 'pending' GROUP BY person_id"
    ).fetchall()
    signed = conn.execute(
        "SELECT person_id, group_concat(competency_id || '.' || level_id || ':' || assessed_on, ',') FROM assessment "
        "WHERE voided_at IS NULL GROUP BY person_id"
    ).fetchall()
    return len(done) + len(signed)


def plain_search(conn: sqlite3.Connection, word: str) -> int:
    return len(
        conn.execute(
            "SELECT * FROM person WHERE search_key LIKE ? ORDER BY full_name, id LIMIT 200", (f"%{word}%",)
        ).fetchall()
    )


def improvement_figures(db) -> None:
    """The improvement work the demo gives about a fifth of the learners (``credtrack.demo_improvement``): how
    much there is, and the bulk question "one confirmed QI project with three professions" asked of everyone
    from the packed evidence."""
    with db.unit_of_work() as uow:
        s = uow.session
        works = s.scalar(select(func.count()).select_from(ImprovementWork))
        standing = s.scalar(
            select(func.count())
            .select_from(ImprovementWork)
            .where(ImprovementWork.voided_at.is_(None), ImprovementWork.confirmed_at.is_not(None))
        )
        members = s.scalar(select(func.count()).select_from(ImprovementMember))
        everyone = EvidenceReader(s).everyone()
        asked = timed(lambda: everyone.improvement_days("qi_project", 3), 3)
        met = sum(bool(days) for days in everyone.improvement_days("qi_project", 3))
    print(
        f"improvement work: {works} pieces ({standing} confirmed and standing), {members} team members; "
        f"'a QI project with 3 professions' asked of {len(everyone)} people: best {min(asked):.0f} ms, met by {met}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/credtrack-bench-records.db"))
    args = parser.parse_args()
    build(args.db, args.people)
    db = open_database(f"sqlite:///{args.db}")
    conn = sqlite3.connect(args.db)
    with db.unit_of_work() as uow:
        s = uow.session
        n_people = s.scalar(select(func.count()).select_from(Person))
        n_rows = s.scalar(select(func.count()).select_from(Completion)) + s.scalar(
            select(func.count()).select_from(Assessment)
        )
        ids = list(s.scalars(select(Person.id).where(Person.external_id.like("DEMO-%"))))
    print(f"database: {n_people} people, {n_rows} completion and sign-off rows")
    sample = random.Random(5).sample(ids, 200)

    ours = [
        timed(lambda p=p: progress.person_all_progress(db.unit_of_work(), EDUCATOR, p, today=TODAY), 1)[0]
        for p in sample
    ]
    plain = [timed(lambda p=p: plain_person_progress(conn, p), 1)[0] for p in sample]
    print(
        f"one person's full progress:   credtrack median {statistics.median(ours):7.2f} ms "
        f"(p95 {sorted(ours)[189]:.2f})   plain SQL median {statistics.median(plain):7.2f} ms   "
        f"ratio {statistics.median(ours) / statistics.median(plain):.1f}x   target <= 10 ms"
    )

    ours = timed(lambda: progress_bulk.status_counts(db.unit_of_work(), EDUCATOR, today=TODAY), 3)
    lookups = timed(lambda: plain_summary(conn), 3)
    scans = timed(lambda: plain_evidence_scans(conn), 3)
    packed = timed(lambda: plain_evidence_read(conn), 3)
    print(
        f"all-people progress summary:  credtrack best {min(ours):6.0f} ms (median {statistics.median(ours):.0f})   "
        f"target <= 2000 ms"
    )
    print(
        f"   plain SQL, a lookup per requirement: best {min(lookups):6.0f} ms   ratio {min(ours) / min(lookups):.2f}x"
    )
    print(
        f"   plain SQL, reading the packed evidence rows credtrack reads (no rules applied): "
        f"best {min(packed):6.0f} ms   ratio {min(ours) / min(packed):.2f}x"
    )
    print(f"   plain SQL, grouping every completion and sign-off by person instead: best {min(scans):6.0f} ms")

    improvement_figures(db)

    words = ["nguyen", "jose", "smirnova", "okafor", "muller", "demo-0042", "ann", "παπαδ"]
    ours = [min(timed(lambda w=w: people.search_people(db.unit_of_work(), EDUCATOR, w), 3)) for w in words]
    plain = [min(timed(lambda w=w: plain_search(conn, w), 3)) for w in words]
    print(
        f"name search (median of {len(words)}): credtrack {statistics.median(ours):6.1f} ms "
        f"(worst {max(ours):.1f})   plain SQL {statistics.median(plain):6.1f} ms   "
        f"ratio {statistics.median(ours) / statistics.median(plain):.1f}x   target <= 50 ms"
    )


if __name__ == "__main__":
    main()

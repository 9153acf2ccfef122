"""The all-people summary judged from the packed projection, and from the base tables item by item.

    python bench/bench_evidence_judged.py [--db /tmp/credtrack-bench-records.db] [--repeat 3]

Uses the records benchmark's database (``bench/bench_records.py`` builds it: 100,000 people, about
2,100,000 completion and sign-off rows). Both forms are judged by the same judge (``rules.judge``,
through ``progress.bulk.compute_bulk``) on the same pairs; only where the evidence comes from differs:

* packed: ``person_evidence``, one text row per person (what credtrack reads);
* by item: one SQLAlchemy Core select per module or competency a credential requires, over the base
  tables through covering partial indexes led by the item (two indexes this script adds to the
  database if missing: build the database again to drop them), read into plain rows and kept per item,
  so that each question the judge asks is a dictionary look-up per person.

The second form is the normalised read the redesign asked for. Prints the best and median wall-clock
time of each, the CPU time of the best run and how many evidence rows each form read, and checks that
both give every pair the same status, counts and dates. The summary's target is 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import String, and_, bindparam, literal_column, select, text, type_coerce  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from credtrack.models import Assessment, Completion, ScaleLevel  # noqa: E402
from credtrack.services.database import open_database  # noqa: E402
from credtrack.services.progress.bulk import compute_bulk  # noqa: E402

TODAY = dt.date(2026, 11, 1)
STANDING = "voided_at IS NULL AND verification <> 'pending'"
INDEXES = (
    f"CREATE INDEX IF NOT EXISTS bench_completion_by_module ON completion (module_id, person_id, completed_on) "
    f"WHERE {STANDING}",
    f"CREATE INDEX IF NOT EXISTS bench_assessment_by_competency ON assessment "
    f"(competency_id, scale_id, person_id, level_id, assessed_on, assessor_profession_id) WHERE {STANDING}",
)
# The partial indexes' condition written as it is, not as a bound parameter: SQLite uses a partial index
# only for a query whose WHERE names its condition's terms literally.
_NOT_PENDING = literal_column("'pending'")
_COMPLETIONS = select(Completion.person_id, type_coerce(Completion.completed_on, String)).where(
    Completion.module_id == bindparam("item"),
    and_(Completion.voided_at.is_(None), Completion.verification != _NOT_PENDING),
)
_SIGN_OFFS = select(
    Assessment.person_id,
    Assessment.level_id,
    type_coerce(Assessment.assessed_on, String),
    Assessment.assessor_profession_id,
).where(
    Assessment.competency_id == bindparam("item"),
    Assessment.scale_id == bindparam("scale"),
    and_(Assessment.voided_at.is_(None), Assessment.verification != _NOT_PENDING),
)


def _day(value: str | dt.date) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class ItemReader:
    """Everyone's standing evidence read item by item on first asking, kept per item."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows = 0
        self.ranks = dict(session.execute(select(ScaleLevel.id, ScaleLevel.rank)).all())
        self.modules: dict[int, dict[int, tuple[str, str]]] = {}
        self.competencies: dict[tuple[int, int], dict[int, list[tuple[int, str, int | None]]]] = {}

    def module(self, module_id: int) -> dict[int, tuple[str, str]]:
        found = self.modules.get(module_id)
        if found is None:
            found = self.modules[module_id] = {}
            rows = self.session.execute(_COMPLETIONS, {"item": module_id}).all()
            self.rows += len(rows)
            for person, day in rows:
                had = found.get(person)
                found[person] = (day, day) if had is None else (min(had[0], day), max(had[1], day))
        return found

    def competency(self, competency_id: int, scale_id: int) -> dict[int, list[tuple[int, str, int | None]]]:
        found = self.competencies.get((competency_id, scale_id))
        if found is None:
            found = self.competencies[(competency_id, scale_id)] = {}
            rows = self.session.execute(_SIGN_OFFS, {"item": competency_id, "scale": scale_id}).all()
            self.rows += len(rows)
            ranks = self.ranks
            for person, level, day, profession in rows:
                found.setdefault(person, []).append((ranks[level], day, profession))
        return found

    def group(self, person_ids: Sequence[int]) -> ItemEvidence:
        return ItemEvidence(self, list(person_ids))


class ItemEvidence:
    """The judge's questions (``rules.evidence.Evidence``) answered from ``ItemReader``'s per-item rows."""

    def __init__(self, reader: ItemReader, people: list[int]) -> None:
        self.reader, self.people = reader, people

    def __len__(self) -> int:
        return len(self.people)

    def select(self, indices: Sequence[int]) -> ItemEvidence:
        return ItemEvidence(self.reader, [self.people[i] for i in indices])

    def has_completion(self, module_id: int) -> list[bool]:
        done = self.reader.module(module_id)
        return [p in done for p in self.people]

    def latest_completion(self, module_id: int) -> list[dt.date | None]:
        done = self.reader.module(module_id)
        return [_day(days[1]) if (days := done.get(p)) else None for p in self.people]

    def all_completed_by(self, module_ids: Sequence[int]) -> list[dt.date | None]:
        maps = [self.reader.module(m) for m in set(module_ids)]
        out: list[dt.date | None] = []
        for p in self.people:
            firsts = [days[0] for done in maps if (days := done.get(p))]
            out.append(_day(max(firsts)) if len(firsts) == len(maps) else None)
        return out

    def best_rank(self, competency_id: int, scale_id: int) -> list[int | None]:
        signed = self.reader.competency(competency_id, scale_id)
        return [max(r for r, _d, _p in facts) if (facts := signed.get(p)) else None for p in self.people]

    def first_sign_off(self, competency_id: int, scale_id: int, min_rank: int | None) -> list[dt.date | None]:
        signed, floor = self.reader.competency(competency_id, scale_id), min_rank if min_rank is not None else -1
        out: list[dt.date | None] = []
        for p in self.people:
            days = [d for r, d, _p in signed.get(p, ()) if r >= floor]
            out.append(_day(min(days)) if days else None)
        return out

    def assessor_professions(self, competency_id: int, scale_id: int, min_rank: int | None) -> list[set[int]]:
        signed, floor = self.reader.competency(competency_id, scale_id), min_rank if min_rank is not None else -1
        return [{f for r, _d, f in signed.get(p, ()) if r >= floor and f is not None} for p in self.people]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/credtrack-bench-records.db"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db} does not exist: run bench/bench_records.py first.")
    db = open_database(f"sqlite:///{args.db}")
    with db.unit_of_work() as uow:
        for sql in INDEXES:
            uow.session.execute(text(sql))
        uow.commit()

    results: dict[str, list] = {}
    for name in ("packed", "by item"):
        walls, cpus = [], []
        for _ in range(args.repeat):
            with db.unit_of_work() as uow:
                wall, cpu = time.perf_counter(), time.process_time()
                reader = ItemReader(uow.session) if name == "by item" else None
                rows = compute_bulk(uow.session, TODAY, evidence=reader)  # type: ignore[arg-type]
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            results[name] = rows
        best = min(range(len(walls)), key=walls.__getitem__)
        read = f"{reader.rows:,} evidence rows" if reader is not None else "one packed row per person"
        print(
            f"all-people summary, {name:<8} best {walls[best]:5.2f} s  median {statistics.median(walls):5.2f} s  "
            f"cpu {cpus[best]:5.2f} s   {len(rows):,} pairs, {read}"
        )
    same = results["packed"] == results["by item"]
    print(f"both forms give every pair the same verdict: {'yes' if same else 'NO'}   target <= 2 s")
    db.dispose()


if __name__ == "__main__":
    main()

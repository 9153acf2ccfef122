"""What the completeness proof costs: a checkpoint per action, and the records-against-log check.

Run: python bench/bench_audit.py [PEOPLE [CHECKPOINTS]]   (default 100000 people, 200 checkpoints).

Prints, on a SQLite file in a temporary data folder:
- milliseconds per checkpoint, signed with the issuer key and unsigned (hashed only), each one a
  transaction of its own with its line appended and fsync'd to the checkpoint file;
- milliseconds per certificate revocation, with its checkpoint (what a user waits for);
- seconds for ``audit verify`` (chain, checkpoints, every record against the log) on a demo of
  PEOPLE learners, and how many records it compared.
Wall-clock figures on a shared machine are noisy: each is the median of its rounds.

Measured 2026-12-03 on the shared 2-core build machine (SQLite): a checkpoint 7-11 ms signed,
8-12 ms unsigned (signing is not what costs: the transaction and the fsync of the file line are);
a revocation 24 ms with its checkpoint
against 15 ms without; audit verify on 100,000 demo people (1,206,258 records) 25.4 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms (p90 {sorted(samples)[int(len(samples) * 0.9)] * 1000:.2f})"


def checkpoint_cost(folder: Path, rounds: int) -> None:
    from sqlalchemy import select

    from credtrack.certificates import keys
    from credtrack.db import Database
    from credtrack.models import Base, IssuerKey
    from credtrack.services.audit import checkpoints
    from credtrack.services.certificates import issuing as certificates
    from tests.integration.test_certificate_world import DAY, build_world

    db = Database(f"sqlite:///{folder / 'checkpoints.db'}")
    Base.metadata.create_all(db.engine)
    world = build_world(db, names=tuple(f"Learner {i:04}" for i in range(max(4, rounds // 10))))
    with db.unit_of_work() as uow:
        kid = uow.session.scalar(select(IssuerKey.kid).where(IssuerKey.status == "active"))
    signer = keys.SigningKey(kid, keys.load_private_key(kid))
    for label, key in (("signed", signer), ("unsigned", None)):
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            uow = db.unit_of_work()
            with uow:
                checkpoints.write(uow.session, reason="bench", signer=key) if key else _unsigned(uow.session)
                uow.commit()
            samples.append(time.perf_counter() - start)
        print(f"checkpoint, {label:8}: {_median_ms(samples)} per checkpoint ({rounds} rounds)")

    codes = []
    with db.unit_of_work() as uow:
        from credtrack.models import Person

        people = list(uow.session.scalars(select(Person.id).where(Person.external_id.like("E%"))))
    for person in people:
        codes.append(
            certificates.issue_certificate(
                db.unit_of_work(), world.educator, person, world.credential_id, today=DAY
            ).value.code
        )
    with_cp, without = [], []
    real_after = checkpoints.after
    for i, code in enumerate(codes):
        skip = i % 2 == 1
        if skip:
            checkpoints.after = lambda *a, **k: None  # the same revocation, without its checkpoint
        start = time.perf_counter()
        certificates.revoke_certificate(db.unit_of_work(), world.admin, code, "Bench revocation")
        (without if skip else with_cp).append(time.perf_counter() - start)
        checkpoints.after = real_after
    print(
        f"revocation with its checkpoint: {_median_ms(with_cp)}; without: {_median_ms(without)} "
        f"({len(with_cp)}+{len(without)} revocations)"
    )
    lines, _ = checkpoints.read_file()
    print(f"checkpoint file: {len(lines)} lines, {checkpoints.paths.checkpoints_file().stat().st_size} bytes")
    db.dispose()


def _unsigned(session) -> None:
    from credtrack.services.audit import checkpoints

    real = checkpoints._available_key
    checkpoints._available_key = lambda _s, _k: None
    try:
        checkpoints.write(session, reason="bench")
    finally:
        checkpoints._available_key = real


def records_check(folder: Path, people: int) -> None:
    from credtrack import demo
    from credtrack.db import Database
    from credtrack.models import Base
    from credtrack.services.audit import check as audit_check
    from credtrack.services.audit import record_check

    db = Database(f"sqlite:///{folder / 'records.db'}")
    Base.metadata.create_all(db.engine)
    start = time.perf_counter()
    demo.load_demo(db, people)
    print(f"demo of {people} people loaded in {time.perf_counter() - start:.1f} s (record states included)")
    for _ in range(2):
        start = time.perf_counter()
        with db.unit_of_work() as uow:
            verdict = audit_check.verify(uow.session)
        took = time.perf_counter() - start
        report = verdict.records
        assert isinstance(report, record_check.RecordReport)
        print(
            f"audit verify (chain + checkpoints + records): {took:.2f} s for {report.records} records, "
            f"{verdict.chain.events_checked} events; {len(report.findings)} findings"
        )
    db.dispose()


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CREDTRACK_HOME"] = str(Path(tmp) / "home")
        checkpoint_cost(Path(tmp), rounds)
        records_check(Path(tmp), people)


if __name__ == "__main__":
    main()

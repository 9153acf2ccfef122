"""The trust network's cost: the offline page's size, and a verification's time, as trusted institutions grow.

For 0, 5 and 20 trusted institutions (each with two keys and a signed revocation list of 200
revoked and 50 renewed certificates) prints the exported verifier page's size in KB, and the
median time of ``revocations.verify_input`` for one certificate (it reads every list from the
database and checks each one's signature). SQLite in a temporary folder. Run:
    .venv/bin/python bench/bench_trust_network.py
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ISSUERS = (0, 5, 20)
REVOKED, RENEWED, RUNS = 200, 50, 15


def _partner(n: int):  # type: ignore[no-untyped-def]
    from credtrack.certificates import codes, keys, trust_bundle
    from credtrack.certificates import revocation_list as lists
    from credtrack.certificates.verify import Revocation

    key, old = keys.SigningKey.of(keys.generate()), keys.SigningKey.of(keys.generate())
    jwks = keys.jwks([keys.public_jwk(key.public_key), keys.public_jwk(old.public_key)])
    now = dt.datetime.now(dt.UTC)
    revoked = [Revocation(codes.new_code(), "Withdrawn by the issuer", now.date()) for _ in range(REVOKED)]
    listed = lists.export(
        revoked,
        issuer=f"CTP{n:05}",
        issuer_name=f"Partner {n}",
        as_of=now,
        key=key,
        superseded={codes.new_code(): codes.new_code() for _ in range(RENEWED)},
    )
    return trust_bundle.export(
        issuer=f"CTP{n:05}",
        issuer_name=f"Partner institution {n}",
        jwks=jwks,
        revocation_list=listed,
        as_of=now,
        key=key,
    )


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="credtrack-bench-trust-"))
    os.environ["CREDTRACK_HOME"] = str(home)
    from sqlalchemy import select

    from credtrack.models import Certificate
    from credtrack.services import trust
    from credtrack.services.certificates import issuing as certificates
    from credtrack.services.certificates import revocations, verifier_export
    from credtrack.services.database import open_database
    from tests.integration.test_certificate_world import DAY, build_world

    db = open_database(f"sqlite:///{home / 'bench.db'}")
    world = build_world(db)
    cert = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=home, today=DAY
    ).value
    with db.unit_of_work() as uow:
        text = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))
    print(f"{'trusted institutions':>21} {'page KB':>8} {'verify ms (median)':>19}")
    have = 0
    for wanted in ISSUERS:
        while have < wanted:
            trust.import_bundle(db.unit_of_work(), world.admin, _partner(have))
            have += 1
        page = verifier_export.export_verifier_page(db.unit_of_work(), world.admin).value
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            verdict = revocations.verify_input(db.unit_of_work(), text).verdict.value
            times.append(time.perf_counter() - start)
        assert verdict == "valid", verdict
        print(f"{wanted:>21} {len(page.encode('utf-8')) / 1024:>8.0f} {statistics.median(times) * 1000:>19.1f}")
    db.dispose()


if __name__ == "__main__":
    main()

"""A batch stopped at the worst moment (kill -9, power cut): nothing signed is left that the database
does not record, a batch recorded but not yet filed is completed on the next open, and no worker
holding the signing key outlives the batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import select

from credtrack import paths
from credtrack.models import Certificate
from credtrack.services import batch_staging
from credtrack.services.certificates import cohort as certificate_cohort
from tests.integration.test_certificate_world import DAY, build_world

NAMES = ("Nguyễn Thị Minh Khai", "Ζωή Παπαδοπούλου", "Søren Müller")


def _pdfs(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.suffix == ".pdf"} if folder.exists() else set()


def test_signed_files_are_staged_privately_and_never_in_the_output_folder(sqlite_db, tmp_path):
    world = build_world(sqlite_db, names=NAMES)
    out = tmp_path / "shared-out"
    seen: list[tuple[set[str], int]] = []

    def progress(done: int, total: int) -> None:
        (staging,) = [p for p in paths.batches_dir().iterdir() if p.is_dir()]
        seen.append(({p.name for p in out.iterdir()}, staging.stat().st_mode & 0o777))

    certificate_cohort.issue_cohort(sqlite_db, world.educator, "2026-JAN", out, today=DAY, workers=1, progress=progress)
    assert seen
    for in_out, mode in seen:
        assert in_out == set()  # nothing inside the output folder, hidden or not, until it is recorded
        assert mode == 0o700
    assert paths.batches_dir().stat().st_mode & 0o777 == 0o700
    assert list(paths.batches_dir().iterdir()) == []


def test_a_batch_stopped_after_its_commit_is_filed_on_the_next_open(sqlite_db, tmp_path, monkeypatch):
    world = build_world(sqlite_db, names=NAMES)
    out = tmp_path / "out"
    # The process dies right after the commit, before a file is moved; the lock goes with it.
    with monkeypatch.context() as patched:
        patched.setattr(batch_staging.Staging, "deliver", lambda self: self.lock.release())
        issued = certificate_cohort.issue_cohort(
            sqlite_db, world.educator, "2026-JAN", out, today=DAY, workers=1
        ).value.issued
    assert _pdfs(out) == set()
    messages = batch_staging.recover(sqlite_db)
    assert len(messages) == 1 and "moved into" in messages[0] and "2026-JAN" in messages[0]
    with sqlite_db.unit_of_work() as uow:
        codes = set(uow.session.scalars(select(Certificate.code)))
    assert codes == {c.code for c in issued}
    singles = {name for name in _pdfs(out) if not name.endswith("_certificates.pdf")}
    assert {name.split("_", 1)[0] for name in singles} == codes  # every row has its PDF, every PDF its row
    assert len(_pdfs(out)) == len(codes) + 1  # and the combined file
    assert list(paths.batches_dir().iterdir()) == []
    assert batch_staging.recover(sqlite_db) == []


def test_a_batch_stopped_before_its_commit_leaves_no_signed_file(sqlite_db, tmp_path):
    build_world(sqlite_db, names=NAMES)
    out = tmp_path / "out"
    staging = batch_staging.Staging.start(sqlite_db, "2026-JAN", out)
    (staging.folder / "ABCD-1234_Someone.pdf").write_bytes(b"%PDF-1.7 signed but never recorded")
    staging.lock.release()  # the process was killed mid-batch
    (message,) = batch_staging.recover(sqlite_db)
    assert "nothing from it was issued" in message and "1 unfinished" in message
    assert not staging.folder.exists() and _pdfs(out) == set()


def test_a_running_batch_is_left_alone(sqlite_db, tmp_path):
    build_world(sqlite_db, names=NAMES)
    staging = batch_staging.Staging.start(sqlite_db, "2026-JAN", tmp_path / "out")
    try:
        assert batch_staging.recover(sqlite_db) == []
        assert staging.folder.exists()
    finally:
        staging.close(remove=True)


_HOLD_WORKERS = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from credtrack.certificates import batch, keys
    key = keys.SigningKey.of(keys.generate())
    with batch.Batch(key, Path(sys.argv[1]), workers=2, title="t") as run:
        run._warming.join()
        run._pool.submit(int).result()
        print(" ".join(str(pid) for pid in run._pool._processes), flush=True)
        time.sleep(600)
""")


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_workers_holding_the_key_end_when_the_batch_process_is_killed(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WORKERS, str(tmp_path / "staging")], stdout=subprocess.PIPE, text=True
    )
    try:
        workers = [int(pid) for pid in proc.stdout.readline().split()]
        assert len(workers) == 2 and all(_running(pid) for pid in workers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 30  # a generous bound for a loaded machine, not a speed target
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_running(pid) for pid in workers)
    finally:
        proc.kill()
        for pid in workers if "workers" in locals() else []:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)

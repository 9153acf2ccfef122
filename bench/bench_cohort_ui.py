"""Issue a cohort of 1,000 through the desktop app's progress dialog and measure how free the window stays.

    QT_QPA_PLATFORM=offscreen python bench/bench_cohort_ui.py [N]

The dialog runs the batch as in the app: the task runner's worker thread drives the batch,
whose worker processes seal and draw the certificates. A 10 ms timer on the UI thread stands
in for the window (see bench_import_ui.py): the longest gap between its ticks is the longest
the window could not repaint or take a click, Cancel included.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_certificates import _world  # noqa: E402
from bench_import_ui import Heartbeat  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    app = QApplication(sys.argv[:1])
    from credtrack.services.certificates import cohort as certificate_cohort
    from credtrack.ui.context import AppContext
    from credtrack.ui.dialogs.cohort_issue import CohortIssueProgress
    from credtrack.ui.tasks import TaskRunner
    from tests.integration.test_certificate_world import DAY

    certificate_cohort._today = lambda: DAY  # the day the bench world's records make everyone eligible
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CREDTRACK_HOME"] = str(folder / "home")
        world = _world(n, folder)
        ctx = AppContext(world.db, world.educator, runner=TaskRunner())
        beat = Heartbeat()
        for label in ("first batch (starts the worker processes)", "second batch"):
            out = folder / label.split()[0]
            outcome: list[object] = []
            dialog = CohortIssueProgress(ctx, "2026-JAN", out, None)
            dialog.finished_batch.connect(outcome.append)
            updates: list[int] = []
            shown = dialog._progress
            dialog._progress = lambda done, total, text, seen=updates, show=shown: (
                seen.append(done),
                show(done, total, text),
            )
            cpu, wall = time.process_time(), time.perf_counter()
            beat.start()
            dialog.start()
            while not outcome:
                app.processEvents()
                time.sleep(0.002)
            beat.stop()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            issued = len(outcome[0].issued)  # type: ignore[attr-defined]
            gaps = sorted(beat.gaps) or [0.0]
            p99 = gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))]
            print(
                f"{label:<44} {issued} certificates in {wall:5.2f} s ({issued / wall:5.1f}/s); UI process CPU "
                f"{cpu:5.2f} s; longest UI gap {gaps[-1]:4.0f} ms, 99th percentile {p99:3.0f} ms; "
                f"{len(updates)} progress updates"
            )
            dialog.close()
            if label.startswith("first"):  # issue the same cohort again: revoke nothing, use a fresh world
                world.db.dispose()
                (folder / "again").mkdir()
                world = _world(n, folder / "again")
                ctx = AppContext(world.db, world.educator, runner=TaskRunner())
        ctx.runner.wait_idle()
        world.db.dispose()


if __name__ == "__main__":
    main()

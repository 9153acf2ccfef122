"""Import 100,000 completion rows through the desktop Import page and measure how free the window stays.

    QT_QPA_PLATFORM=offscreen python bench/bench_import_ui.py [--rows 100000] [--people 20000]

The page runs as in the app: reading, the dry run and the import go to the task runner's
worker thread. A 10 ms timer on the UI thread stands in for the window: the longest gap
between its ticks is the longest the window could not repaint or take a click. Wall-clock
figures are noisy on a shared machine; the CPU time (process_time, all threads) is the
steadier figure for comparing runs.
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

from bench_import import make_database, make_rows, parse_sizes, write_completions  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from credtrack.services.permissions import Actor  # noqa: E402

ACTOR = Actor(id=None, username="bench", role="educator")


class Heartbeat:
    """A 10 ms timer on the UI thread; records the gaps between its ticks."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self._last = 0
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self._last)
        self._last = now


def run_stage(app: QApplication, name: str, start, finished, beat: Heartbeat, page) -> None:  # type: ignore[no-untyped-def]
    updates: list[int] = []
    shown = page._progressed

    def counted(done: int, total: int, stage: str) -> None:
        updates.append(done)
        shown(done, total, stage)

    page._progressed = counted
    cpu, wall = time.process_time(), time.perf_counter()
    beat.start()
    start()
    while not finished():
        app.processEvents()
        time.sleep(0.002)
    beat.stop()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    page._progressed = shown
    gaps = sorted(beat.gaps) or [0.0]
    p99 = gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))]
    print(
        f"{name:<22} wall {wall:6.2f} s  CPU {cpu:6.2f} s  longest UI gap {gaps[-1]:5.0f} ms  "
        f"99th percentile {p99:4.0f} ms  progress updates {len(updates):3d}"
    )


def main() -> None:
    args = parse_sizes(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CREDTRACK_HOME"] = str(folder / "home")
        app = QApplication(sys.argv[:1])
        from credtrack.ui.context import AppContext
        from credtrack.ui.pages.importing import ImportPage
        from credtrack.ui.tasks import TaskRunner

        csv_path = write_completions(folder / "completions.csv", make_rows(args.rows, args.people, args.modules))
        db = make_database(folder / "credtrack.db", args.people, args.modules)
        ctx = AppContext(db, ACTOR, runner=TaskRunner())
        page = ImportPage(ctx)
        page.resize(1200, 800)
        page.show()
        page.activate()
        page.kind.setCurrentIndex(page.kind.findData("completions"))
        beat = Heartbeat()
        print(f"rows: {args.rows:,} completions for {args.people:,} people and {args.modules} modules")
        run_stage(
            app,
            "read and map",
            lambda: page.load_file(str(csv_path)),
            lambda: page.preview is not None and not page._busy,
            beat,
            page,
        )
        run_stage(app, "dry run", page.check_file, lambda: not page._busy, beat, page)
        assert page.import_button.isEnabled(), page.banner.headline.text()
        run_stage(app, "import", page.import_file, lambda: not page._busy, beat, page)
        print(page.banner.headline.text() + ": " + page.banner.detail.text())
        ctx.runner.wait_idle()
        db.dispose()


if __name__ == "__main__":
    main()

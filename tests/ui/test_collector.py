"""While the app runs, garbage cycles are freed on the main thread, never on a worker thread."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from credtrack.ui.collector import MainThreadCollector
from credtrack.ui.tasks import TaskRunner


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.widget_like = QObject()


def test_a_worker_thread_allocating_never_runs_the_collector(qtbot) -> None:
    collector = MainThreadCollector()
    collector.start()
    threads: list[int] = []

    def seen(phase: str, _info: dict) -> None:
        if phase == "start":
            threads.append(threading.get_ident())

    gc.callbacks.append(seen)
    try:
        runner = TaskRunner()
        # A report's worth of small containers made on a worker thread: far past every collector threshold.
        results = []
        runner.run(lambda _control: [[i] for i in range(300_000)], on_done=results.append)
        qtbot.waitUntil(lambda: bool(results), timeout=10_000)
        runner.wait_idle()
        assert threads == [] or set(threads) == {threading.main_thread().ident}
        garbage = _Cycle()
        gone = weakref.ref(garbage)
        del garbage
        qtbot.waitUntil(lambda: gone() is None, timeout=3000)  # the next tick frees it, on the main thread
        assert threads and set(threads) == {threading.main_thread().ident}
    finally:
        gc.callbacks.remove(seen)
        collector.stop()


def test_stopping_hands_the_collector_back_as_it_was() -> None:
    was = gc.isenabled()
    try:
        for before in (True, False):
            (gc.enable if before else gc.disable)()
            collector = MainThreadCollector()
            collector.start()
            assert not gc.isenabled()
            collector.stop()
            assert gc.isenabled() == before
    finally:
        (gc.enable if was else gc.disable)()

"""The background-task helper: results, errors, progress and cancel come back on the UI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from credtrack.ui.tasks import TaskRunner


def test_threaded_result_arrives_on_ui_thread(qtbot):
    runner = TaskRunner()
    seen = {}

    def work(_control):
        seen["worker"] = threading.get_ident()
        return 42

    def done(value):
        seen["value"] = value
        seen["done_on_ui"] = QThread.currentThread() is qtbot_thread

    qtbot_thread = QThread.currentThread()
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        runner.run(work, on_done=done)
    assert seen["value"] == 42
    assert seen["done_on_ui"] is True
    assert seen["worker"] != threading.get_ident()


def test_threaded_error_and_progress(qtbot):
    runner = TaskRunner()
    progress, errors = [], []

    def work(control):
        control.progress(1, 2, "half")
        raise ValueError("boom")

    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        runner.run(work, on_error=errors.append, on_progress=lambda d, t, s: progress.append((d, t, s)))
    assert [type(e) for e in errors] == [ValueError]
    assert progress == [(1, 2, "half")]


def test_cancel_stops_work_and_reports_cancelled(qtbot):
    runner = TaskRunner()
    started, events = threading.Event(), []

    def work(control):
        started.set()
        for _ in range(500):
            control.check()
            threading.Event().wait(0.01)
        return "finished"

    with qtbot.waitSignal(runner.task_finished, timeout=10000):
        control = runner.run(work, on_done=events.append, on_cancelled=lambda: events.append("cancelled"))
        assert started.wait(5)
        control.cancel()
    assert events == ["cancelled"]


def test_synchronous_runner_delivers_in_order():
    runner = TaskRunner(synchronous=True)
    events = []
    runner.run(
        lambda c: (c.progress(1, 1, "x"), "v")[1], on_done=events.append, on_progress=lambda *a: events.append(a)
    )
    assert events == [(1, 1, "x"), "v"]


def test_unhandled_error_goes_to_error_handler():
    runner = TaskRunner(synchronous=True)
    caught = []
    runner.error_handler = caught.append

    def work(_control):
        raise RuntimeError("unexpected")

    runner.run(work, on_done=lambda _v: pytest.fail("work failed; on_done must not run"))
    assert [str(e) for e in caught] == ["unexpected"]


def test_throttled_progress_passes_each_new_stage_and_the_end_but_not_a_flood():
    from credtrack.ui.tasks import TaskControl

    seen = []
    report = TaskControl(lambda done, total, text: seen.append((done, total, text))).throttled(interval=3600)
    for done in range(1000):
        report(done, 2000, "checking")
    for done in range(1000, 2001):
        report(done, 2000, "writing")
    assert seen == [(0, 2000, "checking"), (1000, 2000, "writing"), (2000, 2000, "writing")]
    every = []
    unthrottled = TaskControl(lambda *a: every.append(a)).throttled(interval=0)
    for done in range(5):
        unthrottled(done, 5, "checking")
    assert len(every) == 5

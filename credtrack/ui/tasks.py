"""The one way to run work off the UI thread: results, progress and errors come back as signals.

A worker never touches widgets; each piece of work opens its own unit of work.
Tests swap in ``TaskRunner(synchronous=True)``, which runs work at once on the
calling thread and delivers the same callbacks in the same order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class Cancelled(Exception):
    """Raised inside work that noticed its cancel request; nothing is reported as an error."""


class TaskControl:
    """Handed to the work function: report progress, and ask whether the user cancelled."""

    def __init__(self, report: Callable[[int, int, str], None]) -> None:
        self._report = report
        self._cancel = threading.Event()

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._report(done, total, text)

    def throttled(self, interval: float = 0.1) -> Callable[[int, int, str], None]:
        """A progress callback that passes on at most one report per ``interval`` seconds.

        A new stage (another ``text``) and the last step (``done >= total``) always pass, so the
        UI thread is never flooded by a fast worker yet never left showing a stale figure.
        """
        last: list[Any] = [float("-inf"), None]

        def report(done: int, total: int, text: str = "") -> None:
            now = time.monotonic()
            if now - last[0] >= interval or text != last[1] or done >= total:
                last[0], last[1] = now, text
                self._report(done, total, text)

        return report

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


class _Relay(QObject):
    """Lives on the UI thread, so signals emitted by a worker are delivered there."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)
    cancelled = Signal()

    def __init__(self, runner: TaskRunner, on_done, on_error, on_progress, on_cancelled) -> None:
        super().__init__()
        self._runner = runner
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self._on_cancelled = on_cancelled
        self.finished.connect(self._done)
        self.failed.connect(self._error)
        self.progressed.connect(self._progress)
        self.cancelled.connect(self._cancel)

    @Slot(object)
    def _done(self, value: Any) -> None:
        self._runner._forget(self)
        if self._on_done is not None:
            self._on_done(value)
        self._runner.task_finished.emit()

    @Slot(object)
    def _error(self, exc: BaseException) -> None:
        self._runner._forget(self)
        (self._on_error or self._runner.error_handler)(exc)
        self._runner.task_finished.emit()

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, text: str) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total, text)

    @Slot()
    def _cancel(self) -> None:
        self._runner._forget(self)
        if self._on_cancelled is not None:
            self._on_cancelled()
        self._runner.task_finished.emit()


class _Job(QRunnable):
    def __init__(self, work: Callable[[TaskControl], Any], control: TaskControl, relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._control = control
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        _execute(self._work, self._control, self._relay)


def _execute(work: Callable[[TaskControl], Any], control: TaskControl, relay: _Relay) -> None:
    try:
        value = work(control)
    except Cancelled:
        relay.cancelled.emit()
    except BaseException as exc:  # delivered to the UI thread, which decides how to show it
        relay.failed.emit(exc)
    else:
        # Work that returned has finished, even if a cancel arrived too late to stop it.
        relay.finished.emit(value)


class TaskRunner(QObject):
    """Runs ``work(control)`` on a thread pool (or synchronously in tests)."""

    task_finished = Signal()

    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._live: set[_Relay] = set()
        self.error_handler: Callable[[BaseException], None] = _reraise

    def run(
        self,
        work: Callable[[TaskControl], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> TaskControl:
        relay = _Relay(self, on_done, on_error, on_progress, on_cancelled)
        self._live.add(relay)
        control = TaskControl(lambda done, total, text: relay.progressed.emit(done, total, text))
        if self.synchronous:
            _execute(work, control, relay)
        else:
            self._pool.start(_Job(work, control, relay))
        return control

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def wait_idle(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    def _forget(self, relay: _Relay) -> None:
        self._live.discard(relay)


def _reraise(exc: BaseException) -> None:
    raise exc

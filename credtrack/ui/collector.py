"""Python's cycle collector, run on the main thread only while the desktop app is up.

Reports, batches and imports run on worker threads, and the cycle collector runs on whichever thread
happens to allocate when its threshold is passed. If that thread frees a cycle holding a Qt object
(a page's widget, a chart's label), the object's C++ destructor runs off the GUI thread, which Qt
does not allow, and the app can crash at some later moment. So while the app runs, automatic
collection is off and a timer on the main thread collects: the youngest objects every second,
everything every minute (a full pass over the app's objects takes a few hundredths of a second).

Services that pause the collector around a tight loop (``services.common.collection_paused``) leave
it as they found it, so they do not switch it back on.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

TICK_MS = 1000
FULL_EVERY = 60  # ticks


class MainThreadCollector(QObject):
    """While it runs, garbage cycles are freed on the thread that owns it (the GUI thread)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticks = 0
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect what is left, here, and hand the collector back as it was."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def tick(self) -> None:
        self._ticks += 1
        gc.collect(2 if self._ticks % FULL_EVERY == 0 else 0)

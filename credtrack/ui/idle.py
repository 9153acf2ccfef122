"""Idle lock for shared workstations: no keyboard or mouse input for a while locks the window.

Input is watched where it arrives, on the top-level windows (the main window and any dialog
that takes the focus), not across the whole application: a filter there sees every key and
mouse event of the window, but none of the many events widgets send each other. Those would
each cost a call into Python, and the first sight of each new kind of object would make
PySide6 build its Python types (about a tenth of a second for the charts of the first page).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one may run 5 % (3 s a minute) late
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        self._app = QGuiApplication.instance()
        if isinstance(self._app, QGuiApplication):
            self._app.focusWindowChanged.connect(self.watch)

    def watch(self, window: QWindow | None) -> None:
        """Count input to ``window`` as activity (the owner calls this for its own window once it exists).

        Installing again is harmless, and a filter is dropped by Qt when either side is deleted.
        """
        if window is not None:
            window.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self._msecs = int(minutes * 60_000)
        self.restart()

    def restart(self) -> None:
        if self._msecs > 0:
            self._timer.start(self._msecs)
        else:
            self._timer.stop()

    def pause(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @property
    def remaining_msecs(self) -> int:
        """Milliseconds until the lock, or -1 when it is not counting down."""
        return self._timer.remainingTime()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start(self._msecs)
        return False

    def stop(self) -> None:
        self._timer.stop()
        if isinstance(self._app, QGuiApplication):
            self._app.focusWindowChanged.disconnect(self.watch)
            self._app = None

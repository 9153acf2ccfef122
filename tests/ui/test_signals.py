"""Plain ``Signal.emit`` from Python keeps the interpreter's reference counts balanced.

PySide6 6.12.0 returned ``True`` from ``emit()`` without taking a reference to it, and the
interpreter aborted after some thousands of emits; pyproject.toml keeps PySide6 below 6.12,
and the UI emits its signals directly. This test fails if an installed PySide6 has that fault.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Source(QObject):
    ping = Signal()
    value = Signal(int, str)


def test_many_emits_leave_true_balanced():
    source = _Source()
    received = []
    source.value.connect(lambda n, s: received.append(n))
    before = sys.getrefcount(True)
    for i in range(5000):
        source.ping.emit()
        source.value.emit(i, "x")
    assert abs(sys.getrefcount(True) - before) < 50
    assert len(received) == 5000

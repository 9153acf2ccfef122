"""Emitting signals through credtrack's helper keeps the interpreter's reference counts balanced."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from credtrack.ui.signals import emit


class _Source(QObject):
    ping = Signal()
    value = Signal(int, str)


def test_many_emits_leave_true_balanced():
    source = _Source()
    received = []
    source.value.connect(lambda n, s: received.append(n))
    before = sys.getrefcount(True)
    for i in range(5000):
        emit(source.ping)
        emit(source.value, i, "x")
    assert abs(sys.getrefcount(True) - before) < 50
    assert len(received) == 5000

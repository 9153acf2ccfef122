"""Emitting Qt signals from Python without unbalancing the interpreter.

PySide6 6.12.0 returns ``True`` from ``SignalInstance.emit()`` without taking a
reference to it, so every emit from Python lowers ``True``'s reference count; after
some thousands of emits the interpreter aborts ("deallocating True or False").
pyproject.toml keeps PySide6 below 6.12 for that reason (emits made by other code,
pytest-qt for one, are not covered by this module). Should a PySide6 with the same
fault be installed anyway, ``emit()`` gives the reference back when, and only when,
the installed PySide6 is found to drop it.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

_drops_reference: bool | None = None


class _Probe(QObject):
    fired = Signal()


def _measure() -> bool:
    probe = _Probe()
    rounds = 8
    before = sys.getrefcount(True)
    for _ in range(rounds):
        probe.fired.emit()
    dropped = before - sys.getrefcount(True) >= rounds
    if dropped:
        for _ in range(rounds):
            _give_back()
    return dropped


def _give_back() -> None:
    import ctypes

    ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))


def emit(signal: Any, *args: Any) -> None:
    global _drops_reference
    if _drops_reference is None:
        _drops_reference = _measure()
    if signal.emit(*args) is True and _drops_reference:
        _give_back()

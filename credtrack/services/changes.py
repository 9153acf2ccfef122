"""What a mutation changed, so every screen can refresh from one broadcast."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class Change(enum.Flag):
    NONE = 0
    PEOPLE = enum.auto()
    CATALOG = enum.auto()
    COHORTS = enum.auto()
    RECORDS = enum.auto()  # completions and sign-offs
    CERTIFICATES = enum.auto()
    USERS = enum.auto()
    KEYS = enum.auto()
    SETTINGS = enum.auto()
    AUDIT = enum.auto()


@dataclass(frozen=True)
class Result(Generic[T]):
    """A mutating service's answer: its value and the kinds of records it changed."""

    value: T
    changes: Change

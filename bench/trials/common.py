"""What every trial shares: its context, its outcome rows, and the table they print as."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TrialContext:
    """Where and how big a trial runs: quick counts for the test suite, full ones for figures."""

    quick: bool
    work: Path
    postgres_url: str | None = None

    @classmethod
    def from_env(cls, quick: bool, work: Path) -> TrialContext:
        return cls(quick, work, os.environ.get("CREDTRACK_TEST_POSTGRES_URL") or None)


@dataclass(frozen=True)
class Outcome:
    """One row of the table: what was tried, how often, how many ended as the target says."""

    trial: str
    backend: str
    tried: str
    cases: int
    survived: int
    target: str
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.cases > 0 and self.survived == self.cases


def put(folder: Path, name: str, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, bytes as they are) to ``folder / name``; the path."""
    path = folder / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def table(outcomes: list[Outcome]) -> str:
    """The outcomes as a Markdown table, ready for a note or a README."""
    head = ["trial", "backend", "tried", "cases", "survived", "target", "met", "detail"]
    rows = [
        [o.trial, o.backend, o.tried, str(o.cases), str(o.survived), o.target, "yes" if o.met else "NO", o.detail]
        for o in outcomes
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)

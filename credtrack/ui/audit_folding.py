"""Repeated sign-ins in a row by the same person show as one line on the Audit page.

Scripts calling credtrack-cli used to write a log-in event per call; a busy morning of them
would bury the changes that matter. Every event stays in the log (and in exports); the page
only folds consecutive sign-ins of one user into a line that says how many and over what time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

SIGN_IN = "user.login"


def fold_sign_ins(rows: list[Any]) -> tuple[list[Any], int]:
    """``rows`` (newest first) with each run of consecutive sign-ins by one user as one row; and how many
    rows were folded away."""
    folded: list[Any] = []
    hidden = 0
    run: list[Any] = []

    def flush() -> None:
        nonlocal hidden
        if not run:
            return
        if len(run) == 1:
            folded.append(run[0])
        else:
            newest, oldest = run[0], run[-1]
            note = (
                f"{len(run)} sign-ins by {newest.actor} in a row, from {oldest.occurred_at:%Y-%m-%d %H:%M} to "
                f"{newest.occurred_at:%Y-%m-%d %H:%M} UTC (events {oldest.id}–{newest.id}); choose the action "
                f"{SIGN_IN} to see each."
            )
            folded.append(replace(newest, action=f"{SIGN_IN} ×{len(run)}", note=note))
            hidden += len(run) - 1
        run.clear()

    for row in rows:
        if row.action == SIGN_IN and (not run or run[0].actor == row.actor):
            run.append(row)
            continue
        flush()
        if row.action == SIGN_IN:
            run.append(row)
        else:
            folded.append(row)
    flush()
    return folded, hidden

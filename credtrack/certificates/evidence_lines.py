"""The ratings and improvement work a certificate froze, as the lines its printed page lists.

What a printed page shows about a rater follows the Open Badges export: the rating's source and the
rater's profession when one was recorded, never the rater's name, so a patient or family advisor is
never named on a document the learner shares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EvidenceLine:
    """One piece of evidence: a short label (``Rating``, ``QI project``) and its text.

    The text is ``head`` followed by one of ``tails``, the fullest first; a page too narrow for the
    shortest tail shortens the head (a work's title) rather than drop what the tail says.
    """

    kind: str  # "rating" or "work"
    label: str
    head: str
    tails: tuple[str, ...] = ("",)

    def texts(self) -> tuple[str, ...]:
        return tuple(self.head + tail for tail in self.tails)


def rater_shown(profession: str | None) -> str:
    """What may be printed about a rater: their profession when recorded, else nothing (never a name)."""
    return profession or ""


def short_date(value: str | dt.date | None) -> str:
    """``3 Apr 2026`` from a date or its ISO text; an empty string when there is none."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def rating_line(rating: Mapping[str, Any]) -> EvidenceLine:
    """A frozen rating: its source (with the rater's profession), its day and the level of each score."""
    source = str(rating.get("source_name") or rating.get("source_code") or "Rating")
    profession = rater_shown(rating.get("rater_profession"))
    head = f"{source} ({profession})" if profession else source
    day = short_date(rating.get("rated_on"))
    scores = ", ".join(f"{s['competency']} {s['level_label']}" for s in rating.get("scores", []))
    lowest = rating.get("lowest_level_label")
    tails = [f" · {day} · {scores}"] if scores else []
    if lowest or not tails:
        tails.append(f" · {day} · lowest score {lowest}" if lowest else f" · {day}")
    return EvidenceLine("rating", "Rating", head, tuple(dict.fromkeys(tails)))


def work_line(work: Mapping[str, Any]) -> EvidenceLine:
    """A frozen piece of improvement work: its title, the learner's role, the day it ended and its team."""
    role = f" · {work['role']}" if work.get("role") else ""
    ended = short_date(work.get("ended_on"))
    when = f" · ended {ended}" if ended else ""
    professions = list(work.get("professions", []))
    count = len(professions)
    team = f"team of {count} profession{'s' if count != 1 else ''}" if count else ""
    tails = (
        [f"{role}{when} · {team}: {', '.join(professions)}", f"{role}{when} · {team}"] if team else [f"{role}{when}"]
    )
    kind = str(work.get("kind_label") or work.get("kind") or "Improvement work")
    return EvidenceLine("work", kind, str(work.get("title", "")), tuple(dict.fromkeys(tails)))


def from_snapshot(snapshot: Mapping[str, Any]) -> tuple[EvidenceLine, ...]:
    """The ratings (oldest first) then the improvement work (earliest ended first) a certificate froze."""
    ratings = sorted(snapshot.get("ratings", []), key=lambda r: str(r.get("rated_on") or ""))
    works = sorted(snapshot.get("improvement", []), key=lambda w: str(w.get("ended_on") or ""))
    return tuple(rating_line(r) for r in ratings) + tuple(work_line(w) for w in works)


def heading(lines: tuple[EvidenceLine, ...]) -> str:
    """The heading over the evidence: what kinds of evidence it lists."""
    rated = any(line.kind == "rating" for line in lines)
    worked = any(line.kind == "work" for line in lines)
    what = "Ratings and improvement work" if rated and worked else "Ratings" if rated else "Improvement work"
    return f"{what} behind this credential"

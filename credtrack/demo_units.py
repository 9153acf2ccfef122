"""The demo's units and who was in which when: units with a service line and a site, and each person's dated
memberships, about one person in six having moved unit part-way, so reports by unit read as a hospital's do."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from credtrack.db import Database
from credtrack.demo_names import UNIT_DETAILS, UNITS
from credtrack.models import unit_key, utcnow
from credtrack.services import units
from credtrack.services.permissions import Actor

MOVED_SHARE = 0.17
_DAY = dt.timedelta(days=1)

# A person's unit history: (unit name, first day, last day or None while they are still there).
Span = tuple[str, dt.date, dt.date | None]


def ensure_units(db: Database, actor: Actor) -> dict[str, int]:
    """The demo's units, added through the unit service (each audited) unless one of that name exists; name -> id."""
    have = {unit_key(u.name): u.id for u in units.list_units(db.unit_of_work(), actor)}
    for name, line, site in UNIT_DETAILS:
        if unit_key(name) not in have:
            made = units.create_unit(db.unit_of_work(), actor, name=name, service_line=line, site=site).value
            have[unit_key(name)] = made.id
    return {name: have[unit_key(name)] for name in UNITS}


def unit_history(rng: random.Random, first: str, started: dt.date, left: dt.date | None, today: dt.date) -> list[Span]:
    """Their first unit from their first day; for some, a move to another unit after at least a month there
    and before they left (or today)."""
    last = min(today, left or today)
    stayed = (last - started).days
    if stayed < 60 or rng.random() >= MOVED_SHARE:
        return [(first, started, None)]
    moved = started + dt.timedelta(days=rng.randint(30, stayed - 1))
    other = rng.choice([u for u in UNITS if u != first])
    return [(first, started, moved - _DAY), (other, moved, None)]


def membership_rows(histories: list[tuple[int, list[Span]]], unit_ids: dict[str, int]) -> list[dict[str, Any]]:
    """Rows for the unit_membership table from each person's id and history."""
    now = utcnow()
    return [
        {
            "person_id": person_id,
            "unit_id": unit_ids[name],
            "start_date": start,
            "end_date": end,
            "created_at": now,
            "version": 1,
            "updated_at": now,
        }
        for person_id, spans in histories
        for name, start, end in spans
    ]

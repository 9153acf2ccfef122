"""The demo's reminder set-up, for ``credtrack.demo``: an educator address on each unit, and the foundation
credential's reminders copied to it. Nothing random, so every other demo figure stays as it was."""

from __future__ import annotations

from credtrack.db import Database
from credtrack.demo_names import UNITS
from credtrack.services.permissions import Actor
from credtrack.services.reminders import rules

COPIED_CREDENTIAL = "IPC-FOUND"


def educator_address(unit: str) -> str:
    """A unit's educator's address at the demo hospital: "4 West" -> educator.4west@example.org."""
    return f"educator.{''.join(ch for ch in unit.lower() if ch.isalnum())}@example.org"


def add_reminder_setup(db: Database, actor: Actor, credential_codes: set[str]) -> None:
    """Each demo unit's educator address, through the services (each audited); the foundation credential's
    reminders copy the learner's unit educator."""
    for unit in UNITS:
        rules.set_unit_educator(db.unit_of_work(), actor, unit, educator_address(unit))
    if COPIED_CREDENTIAL in credential_codes:
        rules.set_rule(db.unit_of_work(), actor, credential_code=COPIED_CREDENTIAL, copy_educator=True)

"""How an audit event is written down and hashed: its canonical JSON and the SHA-256 that chains it.

Below both the log (``log``) and the record states it vouches for (``record_state``), which seal a
transaction's last event with this hash.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credtrack.models import AuditEvent
    from credtrack.services.audit.log import Written


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def to_json(data: Any) -> str | None:
    if data is None:
        return None
    return json.dumps(data, default=_default, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(event: AuditEvent | Written) -> str:
    """SHA-256 over every field of the event, including the previous event's hash."""
    fields = [
        str(event.id),
        event.prev_hash,
        event.occurred_at.isoformat(timespec="microseconds"),
        "" if event.actor_id is None else str(event.actor_id),
        event.actor,
        event.action,
        event.entity_type,
        event.entity_id,
        event.before_json or "",
        event.after_json or "",
        "1" if event.reauthenticated else "0",
        event.note,
    ]
    if event.records_digest:  # events from before records were checked hash exactly as they always did
        fields.append(event.records_digest)
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

"""Records checked against the log: each record's state now beside the state the log last vouched for.

``record_state`` stores, with each audited transaction, a digest of every tracked record it left
behind. ``check`` reads every tracked record again and reports the ones edited, un-revoked, deleted
or added outside credtrack, and any vouched-for states that were themselves changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.models import AuditEvent, AuditRecordState
from credtrack.services.audit.record_state import CHUNK, DELETED, TRACKED, Tracked, current_digests, states_digest


@dataclass
class Finding:
    kind: str
    record_id: int
    label: str
    what: str  # "changed", "deleted", "unaccounted"
    event_id: int | None

    def describe(self) -> str:
        noun = TRACKED[self.kind].noun
        name = (
            f"{noun} {self.label}" if self.label and self.label != str(self.record_id) else f"{noun} {self.record_id}"
        )
        if self.what == "changed":
            return (
                f"{name} is not as the log last recorded it (event {self.event_id}): it was changed outside "
                "credtrack. Compare it with a backup or an export, put it right through credtrack (or restore), "
                "and find out who had write access to the database."
            )
        if self.what == "deleted":
            return (
                f"{name} (row {self.record_id}) is gone, but the log records it (last at event {self.event_id}) and "
                "no event deleted it: it was deleted outside credtrack. Restore it from a backup."
            )
        return (
            f"{name} (row {self.record_id}) has no event that made it: it was added outside credtrack. Check "
            "who added it; remove it, or record it properly through credtrack."
        )


@dataclass
class RecordReport:
    records: int = 0
    vouched_events: int = 0
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shown: int = 50

    def describe(self) -> str:
        if not self.findings and not self.problems:
            noun = "record" if self.records == 1 else "records"
            return f"Records agree with the log: {self.records} {noun}, each as the log last recorded it."
        return (
            f"Records and log DISAGREE: {len(self.findings)} of {self.records} records are not as the log "
            "last recorded them."
        )


def check(session: Session) -> RecordReport:
    """Replay what the log vouched for and compare every record with it."""
    report = RecordReport()
    latest: dict[tuple[str, int], tuple[int, str]] = {}
    per_event: dict[int, list[tuple[str, int, str]]] = {}
    statement = select(
        AuditRecordState.event_id, AuditRecordState.entity_type, AuditRecordState.entity_id, AuditRecordState.digest
    ).order_by(AuditRecordState.event_id)
    for event_id, kind, record_id, value in session.connection().execute(statement):
        latest[(kind, record_id)] = (event_id, value)
        per_event.setdefault(event_id, []).append((kind, record_id, value))
    vouching = dict(
        session.connection()
        .execute(select(AuditEvent.id, AuditEvent.records_digest).where(AuditEvent.records_digest != ""))
        .all()
    )
    report.vouched_events = len(vouching)
    for event_id in sorted(vouching.keys() | per_event.keys()):
        if states_digest(per_event.get(event_id, [])) != vouching.get(event_id):
            report.problems.append(
                f"The record states kept with event {event_id} are not those the event vouched for (rows of "
                "audit_record_state were edited, added or deleted), so the records it covers cannot be checked "
                "against it. Restore the database from a backup and find out who had write access to it."
            )
    baseline = session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "audit.baseline").order_by(AuditEvent.id).limit(1)
    )
    if baseline is not None:
        report.notes.append(
            f"Records that existed when this database began checking records against the log are vouched for by "
            f"the baseline at event {baseline}; what happened to them before then rests on the earlier events alone."
        )
    for kind, spec in TRACKED.items():
        now = current_digests(session, kind)
        report.records += len(now)
        labels: dict[int, str] | None = None
        odd: list[tuple[int, str, int | None]] = []
        for record_id, value in now.items():
            vouched = latest.get((kind, record_id))
            if vouched is None:
                odd.append((record_id, "unaccounted", None))
            elif vouched[1] != value:
                odd.append((record_id, "changed", vouched[0]))
        for (k, record_id), (event_id, value) in latest.items():
            if k == kind and value != DELETED and record_id not in now:
                odd.append((record_id, "deleted", event_id))
        if odd:
            labels = _labels(session, spec, [r for r, what, _e in odd if what != "deleted"])
            for record_id, what, seen_in in sorted(odd):
                report.findings.append(Finding(kind, record_id, labels.get(record_id, ""), what, seen_in))
    report.problems += [f.describe() for f in report.findings[: report.shown]]
    if len(report.findings) > report.shown:
        report.problems.append(
            f"… and {len(report.findings) - report.shown} more records not as the log recorded them."
        )
    return report


def _labels(session: Session, spec: Tracked, ids: list[int]) -> dict[int, str]:
    column, key = spec.table.c[spec.label], spec.table.c[spec.key]
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        found.update(
            (i, str(v))
            for i, v in session.connection().execute(
                select(key, column).distinct().where(key.in_(ids[start : start + CHUNK]))
            )
        )
    return found

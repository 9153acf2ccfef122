"""The whole audit check: the chain's links, the chain against its checkpoints, and the records against the log.

Each finding is a sentence a person can act on: what is wrong, since when, and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.models import AuditEvent
from credtrack.services.audit import checkpoints, record_check
from credtrack.services.audit import log as audit
from credtrack.services.audit.checkpoints import Checkpoint


@dataclass
class CheckpointReport:
    checkpoints: int = 0
    signed: int = 0
    latest: Checkpoint | None = None
    events_after_latest: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if not self.checkpoints:
            return (
                "No checkpoints yet: the log's completeness is not yet proven (one is written at every "
                "certificate issue, revocation and batch, and when the app closes)."
            )
        latest = self.latest.describe() if self.latest else "none"
        tail = f"; {_count(self.events_after_latest, 'event')} since" if self.events_after_latest else ""
        return f"Checkpoints: {self.checkpoints} ({self.signed} signed); latest {latest}{tail}."


@dataclass
class Verdict:
    chain: audit.ChainReport
    checkpoints: CheckpointReport
    records: object | None = None  # record_check.RecordReport when the records were checked

    @property
    def problems(self) -> list[str]:
        found = [] if self.chain.intact else [self.chain.describe()]
        found += self.checkpoints.problems
        if self.records is not None:
            found += self.records.problems  # type: ignore[attr-defined]
        return found

    @property
    def notes(self) -> list[str]:
        found = list(self.checkpoints.notes)
        if self.records is not None:
            found += self.records.notes  # type: ignore[attr-defined]
        return found

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def headline(self) -> str:
        if self.intact:
            return "Audit log verified"
        return f"Audit log: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} found"

    def describe(self) -> str:
        problems = self.problems
        if not self.chain.intact:
            first = self.chain.describe()
            problems = problems[1:]
        elif problems:
            first = (
                f"Audit log NOT intact: {len(problems)} problem{'s' if len(problems) != 1 else ''} found "
                f"(the {self.chain.events_checked} events present link correctly)."
            )
        else:
            first = self.chain.describe()
        lines = [first, self.checkpoints.describe()]
        if self.records is not None:
            lines.append(self.records.describe())  # type: ignore[attr-defined]
        lines += [f"PROBLEM: {p}" for p in problems]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _span(first: int, last: int) -> str:
    return f"event {first} was" if first == last else f"events {first} to {last} were"


def _when(checkpoint: Checkpoint) -> str:
    return f"{checkpoint.made_at[:19].replace('T', ' ')} UTC"


def check_checkpoints(
    session: Session,
    *,
    file: Path | None = None,
    keys: dict | None = None,
    table: list[Checkpoint] | None = None,
    events: dict[int, str] | None = None,
    last_event: int | None = None,
    this_workstation: str | None = None,
) -> CheckpointReport:
    """Every checkpoint of this database — the table's and this workstation's file's — against the chain.

    ``table``, ``events`` and ``last_event`` may be given instead of read from ``session`` (an export
    checks itself this way); ``keys`` are the public keys a signature may be checked against.
    """
    report = CheckpointReport()
    database = checkpoints.database_id(session) if session is not None else ""
    table = checkpoints.from_table(session) if table is None else table
    if keys is None:
        keys = checkpoints.public_keys(session)
    in_file: list[Checkpoint] = []
    if file is not None or session is not None:
        lines, unreadable = checkpoints.read_file(file)
        report.problems += unreadable
        in_file = [c for c in lines if c.database == database] if database else []
        if lines and not in_file and database:
            report.notes.append(
                f"The checkpoint file in this data folder holds {len(lines)} checkpoints of "
                "another database only; this database's checkpoints are in its own table."
            )
    station = checkpoints.workstation() if this_workstation is None else this_workstation

    every: dict[str, Checkpoint] = {}
    for checkpoint in [*table, *in_file]:
        every.setdefault(checkpoint.line_hash, checkpoint)
    report.checkpoints = len(every)
    if not every:
        return report

    forged: set[str] = set()
    for checkpoint in every.values():
        verdict = checkpoints.signature_ok(checkpoint, keys)
        if verdict is not True and checkpoint.signed:
            forged.add(checkpoint.line_hash)
        if verdict is False:
            report.problems.append(
                f"The checkpoint of {checkpoint.describe()} ({checkpoint.source}) does not verify: it was "
                "changed after it was signed, or not made with this installation's key. Restore the checkpoint "
                "file (and database) from a backup made before it and find out who edited it."
            )
        elif checkpoint.signed and verdict is None:
            report.problems.append(
                f"The checkpoint of {checkpoint.describe()} is signed with key {checkpoint.kid}, which this "
                "database does not hold: keys were removed from the database, or the checkpoint is not this "
                "installation's. Check the keys against the published JWKS."
            )
        elif verdict:
            report.signed += 1
    unsigned = report.checkpoints - report.signed - len(forged)
    if unsigned:
        report.notes.append(
            f"{_count(unsigned, 'checkpoint')} of {report.checkpoints} are unsigned "
            "(made where the signing key was not at "
            "hand: a workstation without the key file, or a passphrase-protected key not unlocked). They catch a "
            "cut or rewritten log unless the same person also rewrote every copy of the checkpoints; only a "
            "signed checkpoint proves this installation made it."
        )

    # This workstation's file: each line names the line before it; the table's rows for it are all there.
    previous = checkpoints.FILE_GENESIS
    for checkpoint in in_file:
        if checkpoint.data.get("prev") != previous:
            report.problems.append(
                f"The checkpoint file has a gap before the checkpoint of {checkpoint.describe()}: lines were "
                "removed from it. Restore the file from a backup and find out who edited the data folder."
            )
        previous = checkpoint.line_hash
    in_file_hashes = {c.line_hash for c in in_file}
    # The file's own workstation(s): the one writing now, and any its lines name (a data folder moved or restored).
    stations = {station} | {c.workstation for c in in_file}
    missing = [c for c in table if c.workstation in stations and c.line_hash not in in_file_hashes | forged]
    for checkpoint in missing:
        report.problems.append(
            f"The checkpoint of {checkpoint.describe()} is in the database but not in this workstation's checkpoint "
            f"file ({checkpoints.paths.checkpoints_file() if file is None else file}): lines were removed from the "
            "file, or it was replaced. Restore it from the newest backup and find out who edited the data folder."
        )
    table_hashes = {c.line_hash for c in table}
    lost_rows = [c for c in in_file if c.line_hash not in table_hashes]
    if lost_rows:
        report.notes.append(
            f"Checkpoints in this workstation's file but not in the database: {len(lost_rows)} (a crash between the "
            "two writes, or rows deleted); the file's copies were checked against the chain."
        )

    # The chain against every checkpoint that is what it says it is: each checkpointed event is still there,
    # with the same hash. (A checkpoint whose signature fails says nothing about the chain.)
    every = {h: c for h, c in every.items() if h not in forged}
    if not every:
        return report
    wanted = sorted({c.event_id for c in every.values()})
    if events is None:
        events = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            events.update(session.execute(select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.id.in_(chunk))).all())
    if last_event is None:
        last_event = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    latest = max(every.values(), key=lambda c: (c.event_id, c.made_at))
    report.latest = latest
    report.events_after_latest = max(0, last_event - latest.event_id)
    if latest.event_id > last_event:
        report.problems.append(
            f"The log ends at event {last_event}, but the checkpoint of {latest.describe()} saw event "
            f"{latest.event_id}: {_span(last_event + 1, latest.event_id)} deleted from the database (the "
            f"missing tail). Restore the database from the newest backup made after {_when(latest)} and find "
            "out who had write access to it."
        )
    rewritten = [c for c in every.values() if c.event_id <= last_event and events.get(c.event_id) != c.event_hash]
    if rewritten:
        first = min(rewritten, key=lambda c: c.event_id)
        gone = first.event_id not in events
        report.problems.append(
            f"Event {first.event_id} {'is missing' if gone else 'no longer has the hash'} that the checkpoint of "
            f"{first.describe()} recorded: the log was {'cut' if gone else 'edited and re-hashed'} after "
            f"{_when(first)} ({_count(len(rewritten), 'checkpoint')} disagreeing with it). "
            f"Events up to {first.event_id} cannot "
            "be trusted as they stand: compare with a backup or an export made before then."
        )
    return report


def verify(session: Session, *, records: bool = True, file: Path | None = None) -> Verdict:
    """The chain, its checkpoints and (with ``records``) every record against what the log says of it."""
    chain = audit.verify_chain(session)
    report = check_checkpoints(session, file=file)
    result = Verdict(chain, report)
    if records:
        result.records = record_check.check(session)
    return result

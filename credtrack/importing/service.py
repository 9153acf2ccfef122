"""Import use cases: preview a file, check it (dry run), and import it all-or-nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork
from credtrack.errors import ValidationError
from credtrack.importing import fields as fields_mod
from credtrack.importing.improvement import plan_improvement
from credtrack.importing.memberships import write_leavings, write_moves
from credtrack.importing.people import plan_people
from credtrack.importing.plan import Cancel, ImportOptions, Plan, Progress, RowReader
from credtrack.importing.problems import FileProblemError, ImportRejectedError, Problem
from credtrack.importing.ratings import plan_ratings, score_count
from credtrack.importing.reading import DELIMITER_NAMES, Cell, Table, read_table
from credtrack.importing.records import plan_completions, plan_enrolments
from credtrack.importing.signoffs import plan_assessments
from credtrack.importing.writer import audit_summary, write_plan
from credtrack.services.accounts.signing import check_password_first, reauthenticate
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import Actor, require

# Importing sign-offs signs for them: the importing educator attests, and re-enters their password.
SIGNOFF_IMPORT_ATTESTATION = (
    "I attest that these sign-offs are copied faithfully from the program's records, that each was made by the "
    "assessor named on it, and that I am authorised to bring them into credtrack."
)

# Importing ratings records them on the raters' behalf, as recording one rating does: the importer attests.
RATING_IMPORT_ATTESTATION = (
    "I attest that these ratings are copied faithfully from the forms, interviews or survey export they came "
    "from, each collected by the method stated from the rater named, and that I am authorised to bring them "
    "into credtrack."
)
# The kinds of import that are signed, with what the importer attests and what the records are called.
ATTESTATIONS = {"assessments": SIGNOFF_IMPORT_ATTESTATION, "ratings": RATING_IMPORT_ATTESTATION}
SIGNED_NAMES = {"assessments": "sign-offs", "ratings": "ratings"}

CHANGES = {
    "people": Change.PEOPLE,
    "enrolments": Change.COHORTS,
    "completions": Change.RECORDS,
    "assessments": Change.RECORDS,
    "ratings": Change.RECORDS,
    "improvement": Change.RECORDS,
}


@dataclass(frozen=True)
class FilePreview:
    """What the mapping step shows: the file's columns, a few rows, and the suggested mapping."""

    kind: str
    headers: list[str]
    sample: list[list[Cell]]
    row_count: int
    mapping: dict[str, str]
    encoding: str
    delimiter: str


@dataclass
class ImportReport:
    kind: str
    file_name: str
    sha256: str = ""
    rows: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    audit_event_id: int | None = None
    encoding: str = ""
    delimiter: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verb = "imported" if self.committed else "would import"
        return (
            f"{self.file_name}: {self.rows} rows; {verb} {self.inserted} new, {self.updated} updated, "
            f"{self.unchanged} already present."
        )


def preview(
    kind: str,
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    sample_rows: int = 20,
    remembered: dict[str, str] | None = None,
) -> FilePreview:
    """Read the file and suggest a mapping (explicit, then remembered, then by header name)."""
    kind = fields_mod.canonical_kind(kind)
    table = read_table(path)
    if remembered is None:
        remembered = fields_mod.remembered_mapping(kind)
    resolved = fields_mod.resolve_mapping(kind, table.headers, mapping, remembered)
    return FilePreview(
        kind,
        table.headers,
        table.rows[:sample_rows],
        len(table.rows),
        resolved,
        table.encoding,
        DELIMITER_NAMES.get(table.delimiter, table.delimiter),
    )


def check(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    remembered: dict[str, str] | None = None,
) -> ImportReport:
    """The dry run: every problem by row and column, and what an import would do. Writes nothing."""
    require(actor, "records.import")
    with uow:
        report, _ = _plan(uow.session, actor, kind, path, mapping, options, progress, cancel, remembered)
    return report


def run_import(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    remembered: dict[str, str] | None = None,
    remember: bool = True,
    attestation_accepted: bool = False,
    password: str | None = None,
) -> Result[ImportReport]:
    """Check and write the file in one transaction: all of it or, on any problem, none of it.

    Importing sign-offs or ratings is an attested act: ``attestation_accepted`` (of SIGNOFF_IMPORT_ATTESTATION
    or RATING_IMPORT_ATTESTATION) and the importer's re-entered ``password`` are required, as for one
    sign-off or rating.

    Raises ImportRejectedError (carrying every problem) when the file has problems and
    ImportCancelledError when ``cancel()`` turns true; both leave the database untouched.
    """
    require(actor, "records.import")
    attestation = ATTESTATIONS.get(fields_mod.canonical_kind(kind))
    signed = attestation is not None
    checked = check_password_first(uow, actor, password) if signed and password else None
    with uow:
        report, plan = _plan(uow.session, actor, kind, path, mapping, options, progress, cancel, remembered)
        if report.problems or plan is None:
            raise ImportRejectedError(report.problems)
        changes = Change.NONE
        if plan.inserts or plan.updates:
            if signed:
                if not attestation_accepted:
                    raise ValidationError(
                        f"Importing {SIGNED_NAMES[report.kind]} is an attested act: accept the attestation and "
                        "re-enter your password to sign for the file.",
                        field="attestation",
                    )
                reauthenticate(uow.session, actor, password or "", checked=checked)
            new_ids = write_plan(uow.session, plan, progress, cancel)
            summary = audit_summary(plan, new_ids)
            moved = write_moves(uow.session, plan, new_ids)
            if moved:
                summary["unit_memberships"] = moved  # people put in a unit (or moved to another) by this file
            ended = write_leavings(uow.session, plan, new_ids)
            if ended:
                summary["unit_memberships_ended"] = ended  # stays the file's end dates closed (or moved)
            if attestation is not None:
                summary["attestation"] = attestation
            if report.kind == "assessments":
                summary["historical_unverified"] = sum(1 for r in plan.inserts if r["verification"] == "pending")
            if report.kind == "ratings":
                summary["scores"] = score_count(plan)
            if report.kind == "improvement":
                summary["team_members"] = score_count(plan)
                summary["awaiting_confirmation"] = len(plan.inserts)
            event = audit.record(
                uow.session,
                actor,
                f"import.{report.kind}",
                "import",
                report.sha256,
                after={"file": report.file_name, "sha256": report.sha256, "kind": report.kind, **summary},
                reauthenticated=signed,
                note=f"Imported {report.file_name}",
            )
            report.audit_event_id = event.id
            changes = CHANGES[report.kind] | Change.AUDIT
        uow.commit()
    report.committed = True
    if remember:
        fields_mod.remember_mapping(report.kind, report.mapping)
    return Result(report, changes)


def _plan(
    session: Session,
    actor: Actor,
    kind: str,
    path: str | Path,
    mapping: dict[str, str] | None,
    options: ImportOptions | None,
    progress: Progress | None,
    cancel: Cancel | None,
    remembered: dict[str, str] | None,
) -> tuple[ImportReport, Plan | None]:
    kind = fields_mod.canonical_kind(kind)
    options = options or ImportOptions()
    report = ImportReport(kind=kind, file_name=Path(path).name)
    try:
        table = read_table(path)
    except FileProblemError as exc:
        report.problems.append(exc.as_problem())
        return report, None
    report.sha256, report.encoding = table.sha256, table.encoding
    report.delimiter = DELIMITER_NAMES.get(table.delimiter, table.delimiter)
    report.rows = len(table.rows)
    if remembered is None:
        remembered = fields_mod.remembered_mapping(kind)
    try:
        report.mapping = fields_mod.resolve_mapping(kind, table.headers, mapping, remembered)
    except fields_mod.MappingError as exc:
        report.problems.append(Problem(None, None, exc.message))
        return report, None
    plan = build_plan(session, actor, kind, table, report.mapping, options, progress, cancel)
    report.problems = sorted(plan.problems, key=lambda p: (p.row or 0, p.column or "", p.message))
    report.inserted, report.updated, report.unchanged = len(plan.inserts), len(plan.updates), plan.unchanged
    return report, plan


def build_plan(
    session: Session,
    actor: Actor,
    kind: str,
    table: Table,
    mapping: dict[str, str],
    options: ImportOptions,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Plan:
    plan = Plan(kind=kind)
    reader = RowReader(kind, table, mapping, plan, options, progress, cancel)
    if kind == "people":
        plan_people(session, reader, plan, options)
    elif kind == "enrolments":
        plan_enrolments(session, reader, plan, options)
    elif kind == "completions":
        plan_completions(session, reader, plan, options, actor.id)
    elif kind == "ratings":
        plan_ratings(session, reader, plan, options, actor)
    elif kind == "improvement":
        plan_improvement(session, reader, plan, options, actor)
    else:
        plan_assessments(session, reader, plan, options)
    return plan

"""Getting data in and insight out: import, export, report and transcript commands."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from credtrack import importing
from credtrack.cli import context
from credtrack.cli.records import _signing_password
from credtrack.errors import ValidationError
from credtrack.reports import achieved_refresh
from credtrack.reports.lists import LISTS
from credtrack.reports.service import READS_FIRST_DAYS, REPORTS, ReportOptions, run_report
from credtrack.reports.tables import write_csv_stream, write_table
from credtrack.reports.transcript import write_transcript
from credtrack.services.permissions import require


def register(sub) -> None:
    p = sub.add_parser(
        "import", help="import people, enrolments, completions, sign-offs, ratings or improvement work from CSV or XLSX"
    )
    p.add_argument(
        "kind",
        help="people (or preceptors), enrolments, completions, assessments, ratings (one rater's form a row: "
        "Learner ID, Source, Rated on, Rater name, Rater profession, How collected, Comment, and one column "
        "per competency headed with its code holding a level, empty when not rated), improvement (one piece "
        "of work a row: Learner ID, Kind, Title, Started on, Ended on, Aim, Role, Outcome, and Team as "
        "'Name (PROFESSION); Name (PROFESSION, external id)'; it awaits a supervisor's confirmation)",
    )
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check the file and list every problem; write nothing")
    p.add_argument(
        "--mapping",
        type=Path,
        help='JSON file of field -> column header, e.g. {"external_id": "Badge"}; for ratings "score:VE1" names '
        "the column holding VE1's levels",
    )
    p.add_argument("--scale", help="scale code for sign-offs when the file has no scale column")
    p.add_argument("--month-first", action="store_true", help="read 03/04/2024 as 4 March when the file does not say")
    p.add_argument(
        "--historical",
        action="store_true",
        help="sign-offs whose assessor is not a person on record with a profession come in as "
        "historical, unverified (not counted until an educator confirms each) instead of refused",
    )
    p.add_argument(
        "--attest",
        action="store_true",
        help="sign-offs and ratings: I attest that these are copied faithfully from the program's records, each "
        "made by the assessor or rater named (you re-enter your password to sign)",
    )
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="export a list of records to CSV or XLSX")
    p.add_argument("what", choices=["people", "enrolments", "completions", "assessments"])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--format", choices=["csv", "xlsx"], help="default: from the file name")
    p.add_argument("--include-voided", action="store_true")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("report", help="outcome metrics, compliance matrix and expiring credentials")
    p.add_argument("metric", choices=list(REPORTS), metavar="METRIC", help=", ".join(REPORTS))
    p.add_argument("--format", choices=["csv", "xlsx"], help="default: from --out, else CSV on standard output")
    p.add_argument("--out", type=Path)
    p.add_argument("--cohort", help="cohort code (compliance, expiring, domain-coverage-person)")
    p.add_argument("--credential", help="credential code (compliance)")
    p.add_argument(
        "--onboarding",
        action="append",
        default=[],
        metavar="CODE",
        help="credential that counts as onboarding for retention (repeatable; default: any)",
    )
    p.add_argument("--within", type=int, choices=[7, 30, 60, 90], default=90, help="days (expiring)")
    p.add_argument("--framework", default="IPEC-2023", help="framework code (domain coverage)")
    p.add_argument("--today", help="YYYY-MM-DD to report as of (default: today)")
    p.add_argument(
        "--from",
        dest="since",
        metavar="DATE",
        help="first day of the period of the unit-* reports (default: a year back)",
    )
    p.add_argument(
        "--to", dest="until", metavar="DATE", help="last day of the period of the unit-* reports (default: today)"
    )
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("transcript", help="a learner's PDF transcript")
    p.add_argument("external_id")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=cmd_transcript)


def cmd_import(args) -> int:
    mapping = importing.load_mapping_file(args.mapping) if args.mapping else None
    options = importing.ImportOptions(
        day_first=not args.month_first, default_scale=args.scale, historical=args.historical
    )
    db = context.database(args)
    actor = context.actor(args, db)
    report = importing.check(db.unit_of_work(), actor, args.kind, args.file, mapping=mapping, options=options)
    for problem in report.problems:
        print(problem.describe())
    if report.problems:
        print(f"{len(report.problems)} problem(s); nothing was imported.", file=sys.stderr)
        return 1
    if args.dry_run:
        print(report.summary())
        return 0
    attested, password = False, None
    attestation = importing.ATTESTATIONS.get(report.kind)
    if attestation is not None:
        if not args.attest:
            raise ValidationError(
                f"Importing {importing.SIGNED_NAMES[report.kind]} is an attested act. Read the attestation and add "
                f"--attest to sign for the file: {attestation}"
            )
        attested, password = True, _signing_password()
    result = importing.run_import(
        db.unit_of_work(),
        actor,
        args.kind,
        args.file,
        mapping=mapping,
        options=options,
        progress=_progress,
        attestation_accepted=attested,
        password=password,
    )
    achieved_refresh.keep_in_step(db.unit_of_work())  # the reports' first days, in step with what the file changed
    print(result.value.summary())
    return 0


def _progress(done: int, total: int, stage: str) -> None:
    if sys.stderr.isatty() and total:
        print(f"\r  {stage} {done:,}/{total:,}", end="" if done < total else "\n", file=sys.stderr)


def _today(args) -> dt.date | None:
    return _date_option(args.today, "--today")


def _date_option(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{option} {value!r} is not a date (use YYYY-MM-DD).") from None


def cmd_export(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    require(actor, "read")
    with db.unit_of_work() as uow:
        make = LISTS[args.what]
        table = (
            make(uow.session, args.include_voided) if args.what in ("completions", "assessments") else make(uow.session)
        )
    path = write_table(table, args.out, args.format)
    print(f"Wrote {len(table.rows)} rows to {path}.")
    return 0


def cmd_report(args) -> int:
    options = ReportOptions(
        today=_today(args),
        cohort=args.cohort,
        credential=args.credential,
        framework=args.framework,
        within=args.within,
        onboarding_credentials=tuple(args.onboarding),
        since=_date_option(args.since, "--from"),
        until=_date_option(args.until, "--to"),
    )
    db = context.database(args)
    actor = context.actor(args, db)
    if args.metric in READS_FIRST_DAYS:
        achieved_refresh.keep_in_step(db.unit_of_work())  # as the desktop does before these reports
    table = run_report(db.unit_of_work(), actor, args.metric, options)
    if args.out:
        path = write_table(table, args.out, args.format)
        print(f"Wrote {len(table.rows)} rows to {path}.")
    elif args.format == "xlsx":
        raise ValidationError("An XLSX report needs --out FILE.")
    else:
        write_csv_stream(table.columns, table.rows, sys.stdout)
    return 0


def cmd_transcript(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    path = write_transcript(db.unit_of_work(), actor, args.external_id, args.out)
    print(f"Transcript written to {path}.")
    return 0

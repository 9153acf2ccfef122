"""Improvement work: recording a learner's QI project, safety event review, huddle led or teach-back with its
team, confirming it as supervisor, voiding it, listing it, and attaching and opening files."""

from __future__ import annotations

from pathlib import Path

from credtrack.cli import context
from credtrack.cli.records import _signing_password
from credtrack.models.enums import IMPROVEMENT_KINDS
from credtrack.services import improvement, improvement_files, people
from credtrack.services.improvement import WorkRow, parse_team


def register(sub) -> None:
    p = sub.add_parser("improvement", help="learners' QI projects, safety event reviews, huddles led and teach-backs")
    isub = p.add_subparsers(dest="improvement_command", required=True)

    r = isub.add_parser("record", help="record a learner's piece of improvement work with its team")
    r.add_argument("external_id")
    r.add_argument("kind", choices=IMPROVEMENT_KINDS)
    r.add_argument("--title", required=True)
    r.add_argument("--started", required=True, help="the day the work started, YYYY-MM-DD")
    r.add_argument("--ended", help="the day it ended, YYYY-MM-DD (leave out while it is under way)")
    r.add_argument("--aim", default="")
    r.add_argument("--role", default="", help="the learner's role in it, e.g. Project lead")
    r.add_argument("--outcome", default="")
    r.add_argument(
        "--team",
        default="",
        help="the other members: 'Name (PROFESSION); Name (PROFESSION, external id); ...'",
    )
    r.set_defaults(handler=cmd_record)

    c = isub.add_parser("confirm", help="confirm a piece of work as its supervisor (you re-enter your password)")
    c.add_argument("work_id", type=int)
    c.add_argument("--ended", help="the day it ended, if the record has none yet")
    c.set_defaults(handler=cmd_confirm)

    v = isub.add_parser("void", help="void a piece of work with a reason (it stays in history)")
    v.add_argument("work_id", type=int)
    v.add_argument("--reason", required=True)
    v.set_defaults(handler=cmd_void)

    li = isub.add_parser("list", help="a person's improvement work, voided work marked")
    li.add_argument("external_id")
    li.set_defaults(handler=cmd_list)

    a = isub.add_parser("attach", help="attach a file to a piece of work (kept in the data folder by its hash)")
    a.add_argument("work_id", type=int)
    a.add_argument("file", type=Path)
    a.set_defaults(handler=cmd_attach)

    o = isub.add_parser("open", help="write a checked copy of an attachment (refused if missing or altered)")
    o.add_argument("attachment_id", type=int)
    o.add_argument("--out", type=Path, required=True, help="the file, or a folder to write it in under its name")
    o.set_defaults(handler=cmd_open)


def _describe(row: WorkRow) -> str:
    ended = f" to {row.ended_on.isoformat()}" if row.ended_on else " (under way)"
    return f"{row.kind_label} {row.id}: {row.title}, {row.started_on.isoformat()}{ended}"


def cmd_record(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    row = improvement.record_work(
        db.unit_of_work(),
        actor,
        person_id=person.id,
        kind=args.kind,
        title=args.title,
        started_on=args.started,
        ended_on=args.ended,
        aim=args.aim,
        role=args.role,
        outcome=args.outcome,
        team=parse_team(args.team),
    ).value
    print(
        f"{_describe(row)} recorded for {person.full_name}; team of {len(row.professions)} professions "
        f"({', '.join(row.professions)}). It counts once a supervisor confirms it."
    )
    return 0


def cmd_confirm(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    password = _signing_password()
    row = improvement.confirm_work(db.unit_of_work(), actor, args.work_id, password, ended_on=args.ended).value
    print(f"{_describe(row)} confirmed by {row.confirmed_by}.")
    return 0


def cmd_void(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = improvement.void_work(db.unit_of_work(), actor, args.work_id, args.reason).value
    print(f"{_describe(row)} voided: {row.void_reason}")
    return 0


def cmd_list(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    rows = improvement.person_work(db.unit_of_work(), actor, person.id)
    print(f"{person.full_name} ({person.external_id}): {len(rows)} piece{'s' if len(rows) != 1 else ''} of work")
    for r in rows:
        state = f"VOIDED: {r.void_reason}" if r.voided else r.state
        print(f"  {_describe(r)} [{state}]")
        print(f"      team: {', '.join(r.professions)}" + (f"; role: {r.role}" if r.role else ""))
        for a in r.attachments:
            print(f"      attachment {a.id}: {a.file_name} ({a.size} bytes, SHA-256 {a.sha256[:12]}…)")
    return 0


def cmd_attach(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = improvement_files.attach_file(db.unit_of_work(), actor, args.work_id, args.file).value
    print(
        f"Attachment {row.id}: {row.file_name} ({row.size} bytes) attached to work {args.work_id}; "
        f"SHA-256 {row.sha256}."
    )
    return 0


def cmd_open(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    path = improvement_files.export_attachment(db.unit_of_work(), actor, args.attachment_id, args.out)
    print(f"Attachment {args.attachment_id} checked against its recorded SHA-256 and written to {path}.")
    return 0

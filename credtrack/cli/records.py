"""Everyday commands: people, frameworks, completions, sign-offs, progress, and the audit log."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from credtrack.cli import context, files
from credtrack.cli.precepting import register_people as register_precepted
from credtrack.errors import ValidationError
from credtrack.services import catalog, frameworks, people
from credtrack.services.audit import check as audit_check
from credtrack.services.audit import checkpoints
from credtrack.services.audit import export as audit_export
from credtrack.services.progress import person as progress
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records


def register(sub) -> None:
    p = sub.add_parser("people", help="add, find and archive people")
    psub = p.add_subparsers(dest="people_command", required=True)
    a = psub.add_parser("add", help="add a person")
    a.add_argument("external_id")
    a.add_argument("name")
    a.add_argument("--email")
    a.add_argument("--profession", help="profession code, e.g. NURS")
    a.add_argument("--unit")
    a.add_argument("--start-date", help="YYYY-MM-DD")
    a.set_defaults(handler=cmd_people_add)
    f = psub.add_parser("find", help="search by name or external id (accents and case ignored)")
    f.add_argument("query", nargs="?", default="")
    f.add_argument("--limit", type=int, default=50, help="show at most this many (default 50; 0 shows everyone)")
    f.set_defaults(handler=cmd_people_find)
    r = psub.add_parser("archive", help="archive a person (records are kept)")
    r.add_argument("external_id")
    r.add_argument("--reason", required=True)
    r.set_defaults(handler=cmd_people_archive)
    register_precepted(psub)

    p = sub.add_parser("framework", help="competency frameworks")
    fsub = p.add_subparsers(dest="framework_command", required=True)
    i = fsub.add_parser("import", help="import a framework from a JSON or CSV file")
    i.add_argument("file", type=Path)
    i.add_argument("--code", help="framework code (default: from the file)")
    i.add_argument("--name", help="framework name (default: from the file)")
    i.set_defaults(handler=cmd_framework_import)
    s = fsub.add_parser("list", help="list frameworks and their competencies")
    s.set_defaults(handler=cmd_framework_list)

    p = sub.add_parser("complete", help="record a module completion")
    p.add_argument("external_id")
    p.add_argument("module", help="module code")
    p.add_argument("--date", required=True, help="completion date YYYY-MM-DD")
    p.add_argument("--evidence", default="")
    p.add_argument("--verify", action="store_true", help="verify it at once (modules that need verification)")
    p.add_argument(
        "--repeat",
        action="store_true",
        help="they really completed it again on the same day (otherwise refused as a double entry)",
    )
    p.set_defaults(handler=cmd_complete)

    p = sub.add_parser("signoff", help="record a competency sign-off (you re-enter your password to sign)")
    p.add_argument("external_id")
    p.add_argument("competency", help="competency code, e.g. C4")
    p.add_argument("--scale", required=True, help="scale code, e.g. ENTRUST5")
    p.add_argument("--level", required=True, help="level code on that scale")
    p.add_argument("--date", required=True, help="assessment date YYYY-MM-DD")
    p.add_argument("--method", default="direct_observation")
    p.add_argument("--setting", default="")
    p.add_argument("--comment", default="")
    p.add_argument("--framework", help="framework code if the competency code is ambiguous")
    p.add_argument(
        "--attest",
        action="store_true",
        required=True,
        help="I attest that I assessed this learner myself and the record is true",
    )
    p.set_defaults(handler=cmd_signoff)

    p = sub.add_parser("progress", help="a person's progress on each credential")
    p.add_argument("external_id")
    p.add_argument("--credential", help="only this credential code")
    p.set_defaults(handler=cmd_progress)

    p = sub.add_parser("audit", help="the hash-chained audit log")
    asub = p.add_subparsers(dest="audit_command", required=True)
    v = asub.add_parser(
        "verify",
        help="check the chain's links, the chain against its signed checkpoints, and every certificate, sign-off, "
        "completion, person and account against what the log says of it (the record check is also "
        "'credtrack-cli db check'); exit 0 when all agree, 1 with each problem and what to do",
    )
    v.add_argument("--chain-only", action="store_true", help="check the chain and checkpoints, not the records")
    v.set_defaults(handler=cmd_audit_verify)
    c = asub.add_parser(
        "checkpoint",
        help="write a signed checkpoint of the log's newest event now (one is also "
        "written after every certificate issue, revocation and batch)",
    )
    c.set_defaults(handler=cmd_audit_checkpoint)
    e = asub.add_parser(
        "export",
        help="write the whole log with its checkpoints and the public keys to one .zip "
        "for an auditor, which 'audit verify-export' checks without the database "
        "(admin; audited)",
    )
    e.add_argument("file", type=Path, metavar="FILE.zip")
    e.set_defaults(handler=cmd_audit_export)
    x = asub.add_parser(
        "verify-export",
        help="check an audit export on its own: its chain, its checkpoints' "
        "signatures and the end of the log they saw; exit 0 when it verifies",
    )
    x.add_argument("file", type=Path, metavar="FILE.zip")
    x.add_argument(
        "--jwks",
        type=Path,
        metavar="KEYS.json",
        help="check signatures against the institution's published keys instead of those the export carries",
    )
    x.set_defaults(handler=cmd_audit_verify_export)


def cmd_people_add(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = people.create_person(
        db.unit_of_work(),
        actor,
        external_id=args.external_id,
        full_name=args.name,
        email=args.email,
        profession_code=args.profession,
        unit=args.unit,
        start_date=args.start_date,
    ).value
    print(f"Added {row.full_name} ({row.external_id}).")
    return 0


def cmd_people_find(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    limit = max(args.limit, 0) or None
    rows = people.search_people(db.unit_of_work(), actor, args.query, limit=limit)
    for r in rows:
        print(f"{r.external_id}\t{r.full_name}\t{r.profession_name or ''}\t{r.status}")
    if not rows:
        print("No one matches.", file=sys.stderr)
    elif limit is not None and len(rows) == limit:
        total = people.count_matching(db.unit_of_work(), actor, args.query)
        if total > limit:
            print(
                f"Showing the first {limit:,} of {total:,} people ({total - limit:,} more): narrow the search, "
                f"or use --limit {total} (or --limit 0) to see them all.",
                file=sys.stderr,
            )
    return 0


def cmd_people_archive(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    people.archive_person(db.unit_of_work(), actor, person.id, args.reason)
    print(f"Archived {person.full_name}; their records are kept.")
    return 0


def cmd_framework_import(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = frameworks.import_framework(db.unit_of_work(), actor, args.file, code=args.code, name=args.name).value
    print(f"Imported {row.name} ({row.code}): {row.competency_count} competencies in {len(row.domains)} domains.")
    return 0


def cmd_framework_list(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    for fw in frameworks.list_frameworks(db.unit_of_work(), actor):
        print(f"{fw.code}\t{fw.name} {fw.version_label}")
        for d in fw.domains:
            print(f"  {d.code}\t{d.name}")
            for c in d.competencies:
                print(f"    {c.code}\t{c.label}")
    return 0


def cmd_complete(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    password = _signing_password() if args.verify else None
    row = completion_records.record_completion(
        db.unit_of_work(),
        actor,
        person_id=person.id,
        module_code=args.module,
        completed_on=args.date,
        evidence=args.evidence,
        verify=args.verify,
        password=password,
        repeat=args.repeat,
    ).value
    note = " (awaiting verification)" if row.verification == "pending" else ""
    print(f"Recorded {row.module_code} for {person.full_name} on {row.completed_on.isoformat()}{note}.")
    return 0


def cmd_signoff(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    password = _signing_password()
    row = signoff_records.record_signoff(
        db.unit_of_work(),
        actor,
        person_id=person.id,
        competency_code=args.competency,
        scale_code=args.scale,
        level_code=args.level,
        assessed_on=args.date,
        method=args.method,
        setting=args.setting,
        comment=args.comment,
        framework_code=args.framework,
        password=password,
        attestation_accepted=args.attest,
    ).value
    print(
        f"Signed off {row.competency_code} for {person.full_name}: {row.level_label} ({row.scale_code}) "
        f"on {row.assessed_on.isoformat()}."
    )
    return 0


def _signing_password() -> str:
    password = os.environ.get("CREDTRACK_PASSWORD")
    if password is None:
        password = getpass.getpass("Re-enter your password to sign: ")
    return password


def cmd_progress(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    if args.credential:
        cred = catalog.get_credential(db.unit_of_work(), actor, args.credential)
        results = [progress.person_progress(db.unit_of_work(), actor, person.id, cred.id)]
    else:
        results = progress.person_all_progress(db.unit_of_work(), actor, person.id)
    print(f"{person.full_name} ({person.external_id})")
    if not results:
        print("  No credentials assigned or started.")
    for p in results:
        print(f"\n{p.credential_code} – {p.credential_title}: {p.status_label} ({p.met}/{p.total} requirements)")
        for r in p.requirements:
            mark = {"met": "✓", "missing": "·", "expired": "✗", "below_level": "…"}[r.state]
            detail = r.evidence.summary if r.evidence else r.needed
            print(f"  {mark} {r.code:<8} {r.label} — {detail}")
        if p.min_assessor_professions:
            print(
                f"  Assessor professions: {len(p.assessor_professions)} of {p.min_assessor_professions} needed "
                f"({', '.join(p.assessor_professions) or 'none yet'})"
            )
    return 0


def cmd_audit_verify(args) -> int:
    db = context.database(args)
    with db.unit_of_work() as uow:
        verdict = audit_check.verify(uow.session, records=not getattr(args, "chain_only", False))
    print(verdict.describe())
    return 0 if verdict.intact else 1


def cmd_audit_export(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    info = audit_export.export_log(db.unit_of_work(), actor, args.file).value
    print(
        f"Audit log exported to {info.path}: {info.events} events, {info.checkpoints} checkpoints. "
        f"Check it anywhere with: credtrack-cli audit verify-export {info.path}"
    )
    return 0


def cmd_audit_verify_export(args) -> int:
    published = files.read_jwks(args.jwks) if args.jwks is not None else None
    if not args.file.is_file():
        raise ValidationError(f"{args.file} is not a file; give the audit export (.zip) to check.")
    report = audit_export.verify_export(args.file, published_jwks=published)
    print(report.describe())
    return 0 if report.intact else 1


def cmd_audit_checkpoint(args) -> int:
    db = context.database(args)
    made = checkpoints.after(db.unit_of_work(), reason="cli")
    if made is None:
        print("No checkpoint written: the log is empty, or the checkpoint file cannot be written (see the log).")
        return 1
    print(f"Checkpoint written: {made.describe()}.")
    return 0

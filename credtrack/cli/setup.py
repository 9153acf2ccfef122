"""Set-up commands: init, demo, database backup and check, user accounts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from credtrack import config, demo, paths, schema
from credtrack.backup import integrity_ok
from credtrack.cli import context
from credtrack.errors import DatabaseDamagedError, ValidationError
from credtrack.services import backups, people, setup
from credtrack.services.accounts import users as accounts
from credtrack.services.audit import check as audit_check
from credtrack.services.permissions import SYSTEM


def register(sub) -> None:
    p = sub.add_parser(
        "init", help="create (or upgrade) the database and load the starter frameworks, professions and scales"
    )
    p.add_argument(
        "--admin",
        metavar="USERNAME",
        help="also create the first administrator account, only "
        "while the database has no accounts (password from $CREDTRACK_PASSWORD or a prompt)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="make a database for trying credtrack out, which "
        "`credtrack-cli demo` may fill with made-up people and accounts whose password is published "
        "(without it the database is for real use and refuses demo data)",
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="fill the database with realistic demo people, records and accounts")
    p.add_argument("--people", type=int, default=50, help="how many learners (default 50)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--extra-modules", type=int, default=0, help=argparse_hidden())
    p.add_argument("--extra-credentials", type=int, default=0, help=argparse_hidden())
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("db", help="database information, integrity check and backups")
    dsub = p.add_subparsers(dest="db_command", required=True)
    d = dsub.add_parser("info", help="which database is in use and its schema version")
    d.set_defaults(handler=cmd_db_info)
    d = dsub.add_parser(
        "check",
        help="SQLite integrity check, then the audit check of 'credtrack-cli audit verify': "
        "the chain, its checkpoints, and every record against the log",
    )
    d.set_defaults(handler=cmd_db_check)
    d = dsub.add_parser(
        "backup",
        help="back up the SQLite database, audit checkpoints and signing key into one "
        "file (admin); on PostgreSQL, says how to use pg_dump",
    )
    d.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="a signing key without a passphrase goes in encrypted "
        "with the backup passphrase in this variable (else you are asked)",
    )
    d.add_argument("--without-key", action="store_true", help="leave the signing key out of this backup")
    d.add_argument("--to", type=Path, metavar="FOLDER", help="write the backup here (default: the backups folder)")
    d.set_defaults(handler=cmd_db_backup)
    d = dsub.add_parser("backups", help="list the backups in the backups folder")
    d.set_defaults(handler=cmd_db_backups)
    d = dsub.add_parser(
        "restore",
        help="replace the SQLite database with a backup after checking it (admin); "
        "the current database is backed up first",
    )
    d.add_argument("file", type=Path, metavar="FILE")
    d.set_defaults(handler=cmd_db_restore)

    p = sub.add_parser("users", help="user accounts (admin)")
    usub = p.add_subparsers(dest="users_command", required=True)
    u = usub.add_parser("add", help="create an account (its password from $CREDTRACK_NEW_PASSWORD or a prompt)")
    u.add_argument("username")
    u.add_argument("--role", required=True, choices=["admin", "educator", "preceptor", "viewer"])
    u.add_argument("--name", default="", help="display name")
    u.add_argument("--person", metavar="EXTERNAL_ID", help="link the account to this person")
    u.set_defaults(handler=cmd_users_add)
    u = usub.add_parser("list", help="list accounts")
    u.set_defaults(handler=cmd_users_list)
    u = usub.add_parser(
        "unlock",
        help="lift the pause after wrong passwords; without --user, the owner of "
        "the data folder may run it (when no administrator can sign in)",
    )
    u.add_argument("username")
    u.set_defaults(handler=cmd_users_unlock)


def argparse_hidden():
    return argparse.SUPPRESS


def _new_password(prompt: str, env: str) -> str:
    password = os.environ.get(env)
    if password is None:
        if not sys.stdin.isatty():
            raise ValidationError(f"No password given: set {env} or run from a terminal.")
        password = getpass.getpass(prompt)
        if getpass.getpass("Again: ") != password:
            raise ValidationError("The two passwords differ; nothing was created.")
    return password


def cmd_init(args) -> int:
    db = context.database(args)
    if args.admin and accounts.count_users(db.unit_of_work()):
        raise accounts.FirstAccountExists()  # before a password prompt, and before anything is written
    purpose = setup.declare_purpose(db.unit_of_work(), "demo" if args.demo else "live").value
    summary = setup.load_starter_data(db.unit_of_work()).value
    print(f"Database ready: {db.describe()} (for {'a demo' if purpose == 'demo' else 'real use'})")
    print(
        f"Starter data added: {summary.professions} professions, {summary.frameworks} frameworks, "
        f"{summary.scales} scales, {summary.rating_sources} rating sources"
        + (", and the preceptor development pathway." if summary.pathway_parts else ".")
    )
    if args.admin:
        password = _new_password(f"Password for {args.admin}: ", "CREDTRACK_PASSWORD")
        accounts.create_user(
            db.unit_of_work(), SYSTEM, username=args.admin, password=password, role="admin", display_name=args.admin
        )
        print(f"Administrator account {args.admin!r} created.")
    return 0


def cmd_demo(args) -> int:
    db = context.database(args)
    summary = demo.load_demo(
        db,
        args.people,
        seed=args.seed,
        extra_modules=args.extra_modules,
        extra_credentials=args.extra_credentials,
        progress=lambda step: print(f"  {step}…", file=sys.stderr),
    )
    print(
        f"Demo loaded into {db.describe()}: {summary.people} people in {summary.cohorts} cohorts, "
        f"{summary.completions} completions, {summary.assessments} sign-offs."
    )
    print(
        f"Demo accounts (password {demo.DEMO_PASSWORD!r}): "
        + ", ".join(f"{u} ({r})" for u, r, _n, _p in demo.DEMO_USERS)
    )
    for line in demo.after_demo_hooks(db):
        print(line)
    return 0


def cmd_db_info(args) -> int:
    db = context.database(args)
    print(f"Database: {db.describe()}")
    print(f"Schema version: {schema.current_revision(db)}")
    return 0


def cmd_db_check(args) -> int:
    db = context.database(args)
    if db.sqlite_path is None:
        ok = True
        print("Integrity checks are for SQLite files; PostgreSQL checks itself.")
    else:
        ok, message = integrity_ok(db.sqlite_path)
        print(f"Integrity: {message}")
        if not ok:
            print(DatabaseDamagedError(message, refused="The audit check is not run on a damaged file. ").message)
            return 1
    with db.unit_of_work() as uow:
        verdict = audit_check.verify(uow.session)
    print(verdict.describe())
    return 0 if ok and verdict.intact else 1


def cmd_db_backup(args) -> int:
    db = context.database(args)
    if db.sqlite_path is None:
        print(backups.POSTGRES_BACKUPS)
        return 0
    actor = context.actor(args, db)
    passphrase = _backup_passphrase(args) if not args.without_key else None
    if (
        passphrase is None
        and not args.without_key
        and backups.key_needs_passphrase(db.sqlite_path)
        and sys.stdin.isatty()
    ):
        passphrase = _new_password("Backup passphrase for the signing key: ", "CREDTRACK_BACKUP_PASSPHRASE")
    info = backups.create_backup(db, actor, passphrase=passphrase, without_key=args.without_key, folder=args.to).value
    print(f"Backup written: {info.path}")
    print(
        f"  schema {info.schema_revision}; audit checkpoints {'included' if info.checkpoints else 'none yet'}; "
        f"signing key {info.key}"
    )
    return 0


def _backup_passphrase(args) -> str | None:
    if not args.passphrase_env:
        return None
    value = os.environ.get(args.passphrase_env)
    if not value:
        raise ValidationError(
            f"The environment variable {args.passphrase_env} is empty; set it to the backup "
            "passphrase. No backup was made."
        )
    return value


def cmd_db_backups(args) -> int:
    found = backups.list_backups()
    if not found:
        print(f"No backups in {paths.backups_dir()}.", file=sys.stderr)
    for info in found:
        print(
            f"{info.path.name}\t{info.created_at:%Y-%m-%d %H:%M} UTC\t{info.reason}\tschema "
            f"{info.schema_revision}\tkey {info.key}"
        )
    return 0


def cmd_db_restore(args) -> int:
    url = config.database_url(getattr(args, "database_url", None))
    if not url.startswith("sqlite"):
        raise ValidationError(
            "This workstation uses a PostgreSQL database; restore it on the server with "
            "pg_restore. Nothing was restored."
        )
    target = Path(make_url(url).database or "")
    actor = None
    if backups.usable(target):
        db = context.database(args)
        try:
            actor = context.actor(args, db)
        finally:
            db.dispose()
    report = backups.restore(target, args.file, actor).value
    print(f"Restored {report.restored_from.name} (schema {report.schema_revision}) into {target}.")
    if report.previous is not None:
        print(f"  the database it replaced was backed up first: {report.previous}")
    print(f"  audit checkpoints {'restored' if report.checkpoints else 'not in the backup'}; signing key {report.key}")
    return 0


def cmd_users_add(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person_id = people.find_by_external_id(db.unit_of_work(), actor, args.person).id if args.person else None
    password = _new_password(f"Password for {args.username}: ", "CREDTRACK_NEW_PASSWORD")
    row = accounts.create_user(
        db.unit_of_work(),
        actor,
        username=args.username,
        password=password,
        role=args.role,
        display_name=args.name,
        person_id=person_id,
    ).value
    print(f"Account {row.username!r} ({row.role}) created.")
    return 0


def cmd_users_list(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    for u in accounts.list_users(db.unit_of_work(), actor):
        state = "locked" if u.locked else ("active" if u.active else "switched off")
        print(f"{u.username}\t{u.role}\t{state}\t{u.display_name}")
    return 0


def cmd_users_unlock(args) -> int:
    """Signed in as an administrator, or without signing in by the owner of the data folder: the way back
    in when every administrator is locked out."""

    db = context.database(args)
    if getattr(args, "user", None) or os.environ.get("CREDTRACK_USER"):
        actor = context.actor(args, db)
    else:
        actor = context.data_folder_owner()
    accounts.unlock_by_name(db.unit_of_work(), actor, args.username)
    print(f"Account {args.username!r} unlocked: its sign-in pauses are lifted on every workstation.")
    return 0

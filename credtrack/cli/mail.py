"""Mail commands: `mail settings` shows or changes the SMTP settings, `mail test` sends a test message, and
`certificates email` / `certificates zip` hand issued certificates to their holders."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import os
import sys
from pathlib import Path

from credtrack.cli import context
from credtrack.errors import ValidationError
from credtrack.mail.settings import SECURITY
from credtrack.services import mail
from credtrack.services.certificates import delivery, learner_files, learner_zip


def register(sub) -> None:
    p = sub.add_parser("mail", help="the mail server credtrack sends from (staff)")
    msub = p.add_subparsers(dest="mail_command", required=True)
    s = msub.add_parser("settings", help="show the mail settings, or change those given")
    s.add_argument("--host", help="the SMTP server, e.g. smtp.riverbend.example")
    s.add_argument("--port", type=int)
    s.add_argument("--security", choices=list(SECURITY), help="starttls (port 587), tls (465) or none")
    s.add_argument("--username", help="the account on the server; an empty value: no sign-in")
    s.add_argument("--sender", dest="sender_address", help="the From address")
    s.add_argument("--sender-name")
    s.add_argument("--reply-to")
    s.add_argument("--trust-certificate", dest="ca_file", help="a PEM certificate to trust for this server")
    s.add_argument("--timeout", dest="timeout_seconds", type=int, help="seconds to wait for the server")
    s.add_argument("--password-env", metavar="VAR", help="read the server password from this environment variable")
    s.add_argument("--ask-password", action="store_true", help="ask for the server password at the terminal")
    s.add_argument("--forget-password", action="store_true", help="remove the saved server password")
    s.set_defaults(handler=cmd_settings)
    t = msub.add_parser("test", help="send a test message with the saved settings")
    t.add_argument("to", help="the address to send it to")
    t.set_defaults(handler=cmd_test)

    p = sub.add_parser("certificates", help="hand issued certificates to their holders (e-mail or ZIP)")
    csub = p.add_subparsers(dest="certificates_command", required=True)
    e = csub.add_parser("email", help="e-mail each holder their certificate's PDF; or retry an earlier mailing")
    e.add_argument("codes", nargs="*", help="certificate codes")
    e.add_argument("--from-file", type=Path, help="codes one per line (first column), e.g. issue-cohort's output")
    e.add_argument("--cohort", help="every certificate in force that the cohort's people hold for its credentials")
    e.add_argument("--subject", default=learner_files.DEFAULT_SUBJECT, help="fields: {name} {credential} {code} ...")
    e.add_argument("--message-file", type=Path, help="the message text (default: a short standard letter)")
    e.add_argument("--badge", action="store_true", help="attach the signed Open Badges credential too")
    e.add_argument("--passphrase-env", metavar="VAR", help="the signing key's passphrase, for --badge")
    e.add_argument("--retry", type=int, metavar="MAILING", help="send what an earlier mailing has not yet sent")
    e.set_defaults(handler=cmd_email)
    z = csub.add_parser("zip", help="save the certificates' PDFs in one ZIP, one file per person")
    z.add_argument("codes", nargs="*", help="certificate codes")
    z.add_argument("--from-file", type=Path, help="codes one per line (first column)")
    z.add_argument("--cohort", help="every certificate in force that the cohort's people hold for its credentials")
    z.add_argument("--out", type=Path, required=True, help="the .zip file to write")
    z.set_defaults(handler=cmd_zip)


def cmd_settings(args: argparse.Namespace) -> int:
    db = context.database(args)
    names = {f.name for f in dataclasses.fields(mail.MailSettings)}
    given = {k: v for k, v in vars(args).items() if k in names and v is not None}
    password: str | None = None
    if args.forget_password:
        password = ""
    elif args.password_env:
        password = os.environ.get(args.password_env) or ""
        if not password:
            raise ValidationError(f"The environment variable {args.password_env} is empty; set it to the password.")
    elif args.ask_password:
        password = getpass.getpass("Password for the mail server: ")
    if given or password is not None:
        actor = context.actor(args, db)
        current = mail.get_mail_settings(db.unit_of_work())
        if "security" in given and "port" not in given and current.port in mail.DEFAULT_PORTS.values():
            given["port"] = mail.DEFAULT_PORTS[given["security"]]
        mail.update_mail_settings(db.unit_of_work(), actor, dataclasses.replace(current, **given), password=password)
    setup = mail.get_mail_setup(db.unit_of_work())
    s = setup.settings
    print(f"server\t{s.host}:{s.port}\t{SECURITY[s.security]}" if s.host else "server\t(not set)")
    print(f"sender\t{s.sender or '(not set)'}")
    print(f"reply-to\t{s.reply_to or '(none)'}")
    print(f"sign-in\t{s.username or '(none)'}" + ("\tpassword saved" if setup.password_saved else ""))
    print(f"trusted certificate\t{s.ca_file or '(the system authorities only)'}")
    print(f"passwords kept in\t{setup.password_store}")
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    mail.send_test(db.unit_of_work(), actor, args.to)
    print(f"Test message sent to {args.to.strip()}.")
    return 0


def _codes(args: argparse.Namespace, db, actor) -> list[str]:
    codes = list(args.codes)
    if args.cohort:
        codes += delivery.cohort_certificates(db.unit_of_work(), actor, args.cohort)
    if args.from_file:
        for line in args.from_file.read_text(encoding="utf-8").splitlines():
            first = line.split("\t")[0].strip()
            if first and not first.startswith("#"):
                codes.append(first)
    return codes


def cmd_email(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    if args.retry is not None:
        mailing_id = args.retry
    else:
        body = args.message_file.read_text(encoding="utf-8") if args.message_file else learner_files.DEFAULT_BODY
        plan = delivery.queue_mailing(
            db.unit_of_work(), actor, _codes(args, db, actor), args.subject, body, include_badge=args.badge
        ).value
        mailing_id = plan.mailing_id
        for s in plan.skipped:
            print(f"not sent\t{s.code}\t{s.holder_name}\t{s.reason}", file=sys.stderr)
        print(f"Mailing {mailing_id}: {plan.queued} queued, {len(plan.skipped)} not sent.", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        print(f"\r  sent {done}/{total}", end="", file=sys.stderr, flush=True)

    passphrase = os.environ.get(args.passphrase_env) if args.passphrase_env else None
    report = delivery.deliver(db, actor, mailing_id, progress=progress, passphrase=passphrase).value
    print(file=sys.stderr)
    for f in report.failed:
        print(f"failed\t{f.code}\t{f.holder_name}\t{f.recipient}\t{f.reason}")
    print(
        f"Sent {report.sent}; failed {len(report.failed)}; still queued {report.waiting}"
        + (f"; sent before {report.sent_before}" if report.sent_before else "")
        + "."
    )
    if report.stopped or report.failed:
        if report.stopped:
            print(report.stopped, file=sys.stderr)
        print(f"Retry with: credtrack-cli certificates email --retry {mailing_id}", file=sys.stderr)
        return 2
    return 0


def cmd_zip(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    result = learner_zip.save_for_learners(db, actor, _codes(args, db, actor), args.out).value
    for s in result.skipped:
        print(f"left out\t{s.code}\t{s.holder_name}\t{s.reason}", file=sys.stderr)
    print(result.path)
    print(f"{len(result.files)} certificates saved.", file=sys.stderr)
    return 0

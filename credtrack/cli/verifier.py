"""The offline verifier page: ``verifier export OUT.html``."""

from __future__ import annotations

import argparse
from pathlib import Path

from credtrack.cli import context
from credtrack.cli.certificates import _passphrase
from credtrack.services.certificates import verifier_export


def register(sub) -> None:
    p = sub.add_parser("verifier", help="the one-file offline verifier page for phones and browsers")
    vsub = p.add_subparsers(dest="verifier_command", required=True)
    v = vsub.add_parser("export", help="write the page: our public keys, trusted issuers and revocations as of now")
    v.add_argument("file", type=Path, metavar="OUT.html")
    v.add_argument("--passphrase-env", metavar="VAR", help="the signing key passphrase is in this variable")
    v.set_defaults(handler=cmd_verifier_export)


def cmd_verifier_export(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    html = verifier_export.export_verifier_page(db.unit_of_work(), actor, passphrase=_passphrase(args)).value
    tmp = args.file.with_name(args.file.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(args.file)
    print(
        f"{args.file} ({len(html.encode('utf-8')) // 1024} KB). Publish it on your web site, or hand the file over; "
        "it needs no network."
    )
    return 0

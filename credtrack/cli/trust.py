"""Trusted issuers (admin): ``trust list | import-jwks | import-bundle | retire | distrust | export-bundle``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from credtrack.cli import context, files
from credtrack.cli.certificates import _passphrase
from credtrack.services import trust

if TYPE_CHECKING:
    from credtrack.services.trust import IssuerInfo


def register(sub) -> None:
    p = sub.add_parser("trust", help="other institutions whose certificates we accept (admin)")
    tsub = p.add_subparsers(dest="trust_command", required=True)
    t = tsub.add_parser("list", help="trusted issuers, their key fingerprints and revocation lists")
    t.set_defaults(handler=cmd_list)
    t = tsub.add_parser("import-jwks", help="trust an institution's public keys (JWKS file)")
    t.add_argument("file", type=Path)
    t.add_argument("--name", required=True, help="the institution's name")
    t.set_defaults(handler=cmd_import_jwks)
    t = tsub.add_parser("import-bundle", help="import an institution's trust bundle: keys and revocation list")
    t.add_argument("file", type=Path)
    t.add_argument("--name", help="the institution's name (default: as the bundle gives it)")
    t.set_defaults(handler=cmd_import_bundle)
    for command, status, words in (
        ("retire", "retired", "its certificates still verify"),
        ("distrust", "distrusted", "its certificates no longer verify"),
        ("trust-again", "trusted", "trust it again"),
    ):
        t = tsub.add_parser(command, help=f"mark a trusted issuer's key {status} ({words})")
        t.add_argument("key", metavar="FINGERPRINT_OR_KID")
        t.set_defaults(handler=cmd_status, status=status)
    t = tsub.add_parser("export-bundle", help="write our trust bundle (our keys + revocations as of now, signed)")
    t.add_argument("file", type=Path)
    t.add_argument("--passphrase-env", metavar="VAR", help="the signing key passphrase is in this variable")
    t.set_defaults(handler=cmd_export_bundle)


def _print(info: IssuerInfo) -> None:
    listed = (
        f"revocations as of {info.revocation_list_as_of:%Y-%m-%d %H:%M}"
        if info.revocation_list_as_of
        else "no revocation list yet"
    )
    print(f"{info.name} ({listed})")
    for _kid, fingerprint, status in info.keys:
        print(f"  {fingerprint}\t{status}")


def cmd_list(args: argparse.Namespace) -> int:
    db = context.database(args)
    issuers = trust.list_issuers(db.unit_of_work())
    if not issuers:
        print(
            "No other institution is trusted yet: only certificates signed with our own keys verify here. "
            "'credtrack-cli trust import-bundle FILE' trusts one."
        )
    for info in issuers:
        _print(info)
    return 0


def cmd_import_jwks(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    _print(trust.import_jwks(db.unit_of_work(), actor, args.name, files.read_jwks(args.file)).value)
    print("Compare these fingerprints with the institution (by phone or letter) before relying on them.")
    return 0


def cmd_import_bundle(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    text = files.read_text(args.file, "trust bundle")
    _print(trust.import_bundle(db.unit_of_work(), actor, text, name=args.name).value)
    print("Compare these fingerprints with the institution (by phone or letter) before relying on them.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    _print(trust.set_key_status(db.unit_of_work(), actor, args.key, args.status).value)
    return 0


def cmd_export_bundle(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    args.file.write_text(
        trust.export_bundle(db.unit_of_work(), actor, passphrase=_passphrase(args)).value + "\n", encoding="utf-8"
    )
    print(args.file)
    return 0

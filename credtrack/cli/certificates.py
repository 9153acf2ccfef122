"""Certificate commands: issue, issue-cohort, revoke, reprint, verify, export-openbadge, revocations, keys."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from credtrack.certificates import openbadge_token
from credtrack.cli import context, files
from credtrack.errors import ValidationError
from credtrack.services import keys
from credtrack.services.accounts import users as accounts
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import openbadge_check, revocations
from credtrack.services.permissions import SYSTEM, require

# One exit code per verdict, so scripts can branch on the outcome.
VERIFY_EXIT_CODES = {
    "valid": 0,
    "expired": 10,
    "revoked": 11,
    "superseded": 12,
    "unknown_issuer": 13,
    "altered_or_forged": 14,
    "unreadable": 15,
    "internal_error": 16,
}
_VERIFY_EPILOG = "exit status: " + ", ".join(f"{code} {verdict}" for verdict, code in VERIFY_EXIT_CODES.items())


def register(sub) -> None:
    p = sub.add_parser("issue", help="issue a credential to an eligible person and write its PDF")
    p.add_argument("--person", required=True, metavar="EXTERNAL_ID")
    p.add_argument("--credential", required=True, metavar="CODE")
    p.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="folder for the PDF (default: here)")
    p.add_argument("--renew", action="store_true", help="replace the person's current certificate with a new one")
    p.add_argument(
        "--override-reason",
        metavar="TEXT",
        help="(admin) issue although the person is not eligible, for this written reason",
    )
    p.set_defaults(handler=cmd_issue)

    p = sub.add_parser("issue-cohort", help="issue every eligible person in a cohort their credentials")
    p.add_argument("cohort", metavar="COHORT")
    p.add_argument("--out", type=Path, default=Path("."), metavar="DIR")
    p.add_argument("--workers", type=int, default=None, help="processes for rendering (default: every core)")
    p.set_defaults(handler=cmd_issue_cohort)

    p = sub.add_parser("revoke", help="revoke a certificate")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(handler=cmd_revoke)

    p = sub.add_parser(
        "reprint", help="write an issued certificate's PDF again (a withdrawn one only as a marked copy)"
    )
    p.add_argument("code", metavar="CODE")
    p.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="folder for the PDF (default: here)")
    p.set_defaults(handler=cmd_reprint)

    p = sub.add_parser(
        "verify", help="check a certificate: QR text, typed code, PDF, PNG or JPEG", epilog=_VERIFY_EPILOG
    )
    p.add_argument("source", metavar="TEXT_OR_FILE")
    p.add_argument("--jwks", type=Path, action="append", default=[], help="also trust the keys in this JWKS file")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser("export-openbadge", help="export a certificate as an Open Badges 3.0 VC-JWT")
    p.add_argument("code", metavar="CODE")
    p.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="where to write the JWT; a name ending in .json gets the credential JSON instead",
    )
    p.set_defaults(handler=cmd_export_openbadge)

    p = sub.add_parser("revocations", help="signed revocation lists")
    rsub = p.add_subparsers(dest="revocations_command", required=True)
    r = rsub.add_parser("export", help="write a signed list of every revoked certificate, as of now")
    r.add_argument("file", type=Path, metavar="FILE")
    r.set_defaults(handler=cmd_revocations_export)
    r = rsub.add_parser("import", help="check and import a revocation list from an issuer")
    r.add_argument("file", type=Path, metavar="FILE")
    r.add_argument("--jwks", type=Path, action="append", default=[], help="the issuer's public keys (JWKS)")
    r.set_defaults(handler=cmd_revocations_import)

    p = sub.add_parser("keys", help="the certificate signing key (admin)")
    ksub = p.add_subparsers(dest="keys_command", required=True)
    k = ksub.add_parser(
        "create", help="create the signing key (first set-up); asks for a passphrase from a terminal. " + KEY_CHOICE
    )
    choice = k.add_mutually_exclusive_group()
    choice.add_argument("--passphrase-env", metavar="VAR", help="encrypt the key with the passphrase in this variable")
    choice.add_argument(
        "--no-passphrase",
        action="store_true",
        help="store the key unencrypted (needed to choose that without a terminal)",
    )
    k.set_defaults(handler=cmd_keys_create)
    k = ksub.add_parser("rotate", help="retire the signing key and create a new one; old certificates still verify")
    k.add_argument("--passphrase-env", metavar="VAR", help="encrypt the new key with the passphrase in this variable")
    k.set_defaults(handler=cmd_keys_rotate)
    k = ksub.add_parser("export-jwks", help="write every public key (current and retired) as a JWKS file")
    k.add_argument("file", type=Path, metavar="FILE")
    k.set_defaults(handler=cmd_keys_export)
    k = ksub.add_parser("list", help="list signing keys with their fingerprints")
    k.set_defaults(handler=cmd_keys_list)
    k = ksub.add_parser(
        "export-private",
        help="write the signing key, encrypted under a passphrase, to install "
        "on another issuing workstation (admin; audited)",
    )
    k.add_argument("file", type=Path, metavar="FILE")
    k.add_argument(
        "--passphrase-env", metavar="VAR", help="the export passphrase is in this variable (else you are asked)"
    )
    k.add_argument(
        "--key-passphrase-env",
        metavar="VAR",
        help="the passphrase of the key on this workstation, if it has one (default: $CREDTRACK_KEY_PASSPHRASE)",
    )
    k.set_defaults(handler=cmd_keys_export_private)
    k = ksub.add_parser(
        "install",
        help="make this workstation an issuing workstation: install a key written by "
        "keys export-private (admin; audited)",
    )
    k.add_argument("file", type=Path, metavar="FILE")
    k.add_argument(
        "--passphrase-env", metavar="VAR", help="the export passphrase is in this variable (else you are asked)"
    )
    k.add_argument(
        "--store-passphrase-env",
        metavar="VAR",
        help="store the key here under this passphrase instead of the export passphrase",
    )
    k.set_defaults(handler=cmd_keys_install)


KEY_CHOICE = (
    "With a passphrase, a copy of the data folder cannot sign certificates without it, and it is "
    "asked for whenever certificates are issued or revocations exported (or read from "
    "$CREDTRACK_KEY_PASSPHRASE). Without one, anyone who can read the data folder can sign "
    "certificates in the institution's name."
)


def _chosen_passphrase(args: argparse.Namespace) -> str | None:
    """The new key's passphrase: --passphrase-env, --no-passphrase, or asked at the terminal after saying
    what the choice means. Without a terminal one of the two options is required."""

    if getattr(args, "passphrase_env", None) or getattr(args, "no_passphrase", False):
        return _passphrase(args)
    if not sys.stdin.isatty():
        raise ValidationError(
            "Choose how the signing key is kept: --passphrase-env VAR to encrypt it, or "
            "--no-passphrase to store it unencrypted. " + KEY_CHOICE
        )
    print(KEY_CHOICE, file=sys.stderr)
    passphrase = getpass.getpass("Passphrase for the signing key (Enter for none): ")
    if passphrase and getpass.getpass("Again: ") != passphrase:
        raise ValidationError("The two passphrases differ; no key was created.")
    return passphrase or None


def _passphrase(args: argparse.Namespace) -> str | None:
    name = getattr(args, "passphrase_env", None)
    if not name:
        return None
    value = os.environ.get(name)
    if not value:
        raise ValidationError(f"The environment variable {name} is empty; set it to the key passphrase.")
    return value


def cmd_issue(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person_id, credential_id = certificates.find_person_and_credential(db.unit_of_work(), args.person, args.credential)
    result = certificates.issue_certificate(
        db.unit_of_work(),
        actor,
        person_id,
        credential_id,
        out_dir=args.out,
        override_reason=args.override_reason,
        renew=args.renew,
    )
    cert = result.value
    print(cert.code)
    print(cert.pdf_path)
    if cert.supersedes:
        print(f"(replaces {cert.supersedes})", file=sys.stderr)
    return 0


def cmd_issue_cohort(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)

    def progress(done: int, total: int) -> None:
        print(f"\r  rendered {done}/{total}", end="", file=sys.stderr, flush=True)

    result = certificate_cohort.issue_cohort(db, actor, args.cohort, args.out, workers=args.workers, progress=progress)
    summary = result.value
    print(file=sys.stderr)
    for cert in summary.issued:
        print(f"{cert.code}\t{cert.holder_name}\t{cert.pdf_path}")
    print(
        f"Issued {len(summary.issued)}; not yet eligible {summary.skipped_not_eligible}; "
        f"already holding {summary.skipped_already_held}.",
        file=sys.stderr,
    )
    if summary.combined_pdf:
        print(f"All certificates in one file: {summary.combined_pdf}", file=sys.stderr)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    cert = certificates.revoke_certificate(db.unit_of_work(), actor, args.code, args.reason).value
    print(f"Revoked {cert.code} ({cert.holder_name}, {cert.credential_title}).")
    return 0


def cmd_reprint(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    copy = certificate_copies.reprint(db.unit_of_work(), actor, args.code, args.out).value
    print(copy.path)
    if copy.marked:
        print(f"(a copy marked {copy.marked}: the certificate is no longer in force)", file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """No log-in needed: checking a certificate uses only public keys and revocations."""

    db = context.database(args)
    extra = [files.read_jwks(path) for path in args.jwks]
    source = args.source
    if openbadge_token.looks_like_token(source):
        return _verify_openbadge_token(db, source, extra, args.json)
    source = files.certificate_source(source)
    result = revocations.verify_input(db.unit_of_work(), source, extra_jwks=extra)
    claims = result.claims
    if args.json:
        out: dict[str, object] = {
            "verdict": result.verdict.value,
            "message": result.message,
            "issuer": result.issuer_name,
            "kid": result.kid,
        }
        if claims:
            out.update(
                code=claims.code,
                holder=claims.holder_name,
                credential=claims.credential_title,
                issued_on=claims.issued_on.isoformat(),
                expires_on=claims.expires_on.isoformat() if claims.expires_on else None,
                competencies=list(claims.competencies),
                issued_by_exception=result.by_exception,
            )
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(f"{result.verdict.label.upper()}: {result.message}")
        if claims:
            print(f"  Certificate: {claims.code}")
            print(f"  Holder:      {claims.holder_name}")
            print(f"  Credential:  {claims.credential_title}")
            print(f"  Issued:      {claims.issued_on.isoformat()}")
            print(f"  Expires:     {claims.expires_on.isoformat() if claims.expires_on else 'never'}")
            if claims.competencies:
                print(f"  Competencies: {', '.join(claims.competencies)}")
            print(
                "  Basis:       "
                + ("issued by exception (not every requirement met)" if result.by_exception else "earned")
            )
            print(f"  Issuer:      {result.issuer_name or '(unnamed)'}")
    return VERIFY_EXIT_CODES[result.verdict.value]


def cmd_export_openbadge(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    token, badge = certificate_copies.export_openbadge(db.unit_of_work(), actor, args.code).value
    if args.file.suffix.lower() == ".json":
        args.file.write_text(json.dumps(badge, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        args.file.write_text(token + "\n", encoding="ascii")
    print(args.file)
    return 0


def _verify_openbadge_token(db, text: str, extra: list[dict], as_json: bool) -> int:
    """A pasted Open Badges VC-JWT: say it is one, then its signature, validity and status."""

    result, code = openbadge_check.verify_token(db.unit_of_work(), text, extra_jwks=extra)
    if as_json:
        print(
            json.dumps(
                {
                    "kind": "open_badge_token",
                    "verdict": result.verdict.value,
                    "message": result.message,
                    "issuer": result.issuer_name,
                    "kid": result.kid,
                    "code": code,
                    "credential": result.name or None,
                    "holder": result.holder_name or None,
                    "valid_from": result.valid_from.isoformat() if result.valid_from else None,
                    "valid_until": result.valid_until.isoformat() if result.valid_until else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(f"Open Badges 3.0 credential (VC-JWT). {result.verdict.label.upper()}: {result.message}")
        if result.credential_id:
            print(f"  Credential:  {result.name}")
            if code:
                print(f"  Certificate: {code}")
            print(f"  Valid from:  {result.valid_from.isoformat() if result.valid_from else '?'}")
            print(f"  Valid until: {result.valid_until.isoformat() if result.valid_until else 'no end date'}")
            print(f"  Issuer:      {result.issuer_name or '(unnamed)'}")
            if not code and result.verdict.value == "valid":
                print("  Status:      not issued from this database, so its revocation status is not known here")
    return VERIFY_EXIT_CODES[result.verdict.value]


def cmd_revocations_export(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    args.file.write_text(revocations.export_revocation_list(db.unit_of_work(), actor) + "\n", encoding="ascii")
    print(args.file)
    return 0


def cmd_revocations_import(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    extra = [files.read_jwks(path) for path in args.jwks]
    text = files.read_text(args.file, "revocation list")
    summary = revocations.import_revocation_list(db.unit_of_work(), actor, text, extra_jwks=extra).value
    print(
        f"Revocation list from {summary.issuer_name or 'the issuer'} as of {summary.as_of:%Y-%m-%d %H:%M}: "
        f"{summary.total} revoked, {summary.new} new here."
    )
    return 0


def cmd_keys_create(args: argparse.Namespace) -> int:
    db = context.database(args)
    existing = keys.list_keys(db.unit_of_work())
    # Without a log-in only on a database being set up: no key and no account yet.
    actor = SYSTEM if not existing and not accounts.count_users(db.unit_of_work()) else context.actor(args, db)
    info = keys.create_issuer_key(db.unit_of_work(), actor, passphrase=_chosen_passphrase(args)).value
    kept = (
        "encrypted with your passphrase"
        if info.encrypted
        else "unencrypted: anyone who can read the data folder can sign with it"
    )
    print(f"Signing key created ({kept}). Fingerprint: {info.fingerprint}")
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    info = keys.rotate_issuer_key(db.unit_of_work(), actor, passphrase=_passphrase(args)).value
    print(f"New signing key. Fingerprint: {info.fingerprint}. Publish the new JWKS (keys export-jwks).")
    return 0


def cmd_keys_export(args: argparse.Namespace) -> int:
    db = context.database(args)
    document = keys.export_jwks(db.unit_of_work())
    args.file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(args.file)
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    db = context.database(args)
    for info in keys.list_keys(db.unit_of_work()):
        where = "private key here" if info.private_key_here else "public key only"
        lock = ", passphrase" if info.encrypted else ""
        print(f"{info.fingerprint}\t{info.status}\t{info.created_at:%Y-%m-%d}\t{where}{lock}")
    return 0


def _secret(name: str | None, what: str, *, twice: bool = False) -> str:
    """A passphrase from the environment variable ``name``, else typed at a terminal."""

    if name:
        value = os.environ.get(name)
        if not value:
            raise ValidationError(f"The environment variable {name} is empty; set it to the {what}.")
        return value
    if not sys.stdin.isatty():
        raise ValidationError(f"No {what}: give --passphrase-env VAR or run from a terminal.")
    value = getpass.getpass(f"{what.capitalize()}: ")
    if twice and getpass.getpass("Again: ") != value:
        raise ValidationError("The two passphrases differ; nothing was written.")
    return value


def cmd_keys_export_private(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    require(actor, "keys.manage")  # before asking for any passphrase
    passphrase = _secret(args.passphrase_env, "export passphrase", twice=True)
    key_passphrase = _secret(args.key_passphrase_env, "key passphrase") if args.key_passphrase_env else None
    info = keys.export_private_key(
        db.unit_of_work(), actor, args.file, passphrase=passphrase, key_passphrase=key_passphrase
    ).value
    print(f"Signing key {info.fingerprint} written to {args.file}, encrypted under the export passphrase.")
    print(
        "Install it on the issuing workstation with: credtrack-cli keys install FILE; then delete this file, "
        "and give the passphrase only to the staff who issue there."
    )
    return 0


def cmd_keys_install(args: argparse.Namespace) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    require(actor, "keys.manage")  # before asking for any passphrase
    pem = files.read_text(args.file, "key file written by keys export-private").encode("utf-8")
    passphrase = _secret(args.passphrase_env, "export passphrase")
    store = _secret(args.store_passphrase_env, "store passphrase") if args.store_passphrase_env else None
    info = keys.install_private_key(db.unit_of_work(), actor, pem, passphrase=passphrase, store_passphrase=store).value
    print(
        f"Signing key {info.fingerprint} installed: this workstation can now issue certificates "
        f"(the key passphrase is {'the store' if store else 'the export'} passphrase)."
    )
    return 0

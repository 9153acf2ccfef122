"""Correcting records from the command line: list a person's records with their ids, void, verify, confirm."""

from __future__ import annotations

from credtrack.cli import context
from credtrack.cli.records import _signing_password
from credtrack.services import people
from credtrack.services.records import completions as completion_records
from credtrack.services.records import listing as record_listing
from credtrack.services.records import signoffs as signoff_records

KINDS = ("completion", "signoff")


def register(sub) -> None:
    p = sub.add_parser("records", help="list, void and verify a person's completions and sign-offs")
    rsub = p.add_subparsers(dest="records_command", required=True)
    s = rsub.add_parser("list", help="a person's completions and sign-offs with their ids, voided ones included")
    s.add_argument("external_id")
    s.set_defaults(handler=cmd_records_list)
    v = rsub.add_parser("void", help="void a wrong completion or sign-off; it stays in history with the reason")
    v.add_argument("kind", choices=KINDS)
    v.add_argument("id", type=int, help="the record id, as `records list` shows it")
    v.add_argument("--reason", required=True, help="why the record is wrong")
    v.set_defaults(handler=cmd_records_void)
    c = rsub.add_parser(
        "verify",
        help="verify a completion awaiting verification, or confirm a historical "
        "sign-off (you re-enter your password to sign)",
    )
    c.add_argument("kind", choices=KINDS)
    c.add_argument("id", type=int, help="the record id, as `records list` shows it")
    c.set_defaults(handler=cmd_records_verify)


def _state(voided: bool, reason: str | None, verification: str, pending_words: str) -> str:
    if voided:
        return f"VOIDED: {reason}"
    return pending_words if verification == "pending" else ""


def cmd_records_list(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    completions, signoffs = record_listing.person_records(db.unit_of_work(), actor, person.id)
    print(f"{person.full_name} ({person.external_id})")
    print("Completions:" if completions else "Completions: none")
    for c in completions:
        state = _state(c.voided, c.void_reason, c.verification, "awaiting verification")
        print(f"  completion {c.id}\t{c.completed_on.isoformat()}\t{c.module_code}\t{state}".rstrip())
    print("Sign-offs:" if signoffs else "Sign-offs: none")
    for a in signoffs:
        state = _state(a.voided, a.void_reason, a.verification, "historical, unverified: not counted until confirmed")
        who = a.assessor_name + (f", {a.assessor_profession}" if a.assessor_profession else "")
        print(
            f"  signoff {a.id}\t{a.assessed_on.isoformat()}\t{a.competency_code} {a.level_label} "
            f"({a.scale_code})\tby {who}\t{state}".rstrip()
        )
    return 0


def cmd_records_void(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    if args.kind == "completion":
        completion = completion_records.void_completion(db.unit_of_work(), actor, args.id, args.reason).value
        what = f"completion {completion.id} ({completion.module_code} on {completion.completed_on.isoformat()})"
        resting = completion.resting_certificates
    else:
        signoff = signoff_records.void_assessment(db.unit_of_work(), actor, args.id, args.reason).value
        what = f"sign-off {signoff.id} ({signoff.competency_code} on {signoff.assessed_on.isoformat()})"
        resting = signoff.resting_certificates
    print(f"Voided {what}: {args.reason}. Progress now leaves it out.")
    for code in resting:
        print(
            f"Certificate {code} was issued on this record. It stays valid until you revoke or reissue it; "
            f"see `credtrack-cli progress` for whether the remaining records still meet the credential."
        )
    return 0


def cmd_records_verify(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    password = _signing_password()
    if args.kind == "completion":
        row = completion_records.verify_completion(db.unit_of_work(), actor, args.id, password=password).value
        print(f"Verified completion {row.id} ({row.module_code} on {row.completed_on.isoformat()}); it now counts.")
    else:
        a = signoff_records.confirm_assessment(db.unit_of_work(), actor, args.id, password=password).value
        print(
            f"Confirmed sign-off {a.id} ({a.competency_code} by {a.assessor_name} on {a.assessed_on.isoformat()}); "
            "it now counts."
        )
    return 0

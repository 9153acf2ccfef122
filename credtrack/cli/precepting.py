"""Preceptor development: what a person has precepted, and the starter pathway for an existing database."""

from __future__ import annotations

from credtrack.cli import context
from credtrack.services import pathways, people
from credtrack.services.precepting import precepted_record


def register(sub) -> None:
    p = sub.add_parser("catalog", help="the starter catalog: add the preceptor development pathway")
    csub = p.add_subparsers(dest="catalog_command", required=True)
    a = csub.add_parser(
        "add-starter",
        help="add the preceptor development pathway (facilitation framework, modules, learner rating source and "
        "the credential 'Interprofessional facilitation') to a database set up before it; adds only what is missing",
    )
    a.set_defaults(handler=cmd_catalog_add_starter)


def register_people(psub) -> None:
    """``people precepted``: registered with the other people commands."""
    r = psub.add_parser(
        "precepted",
        help="the sign-offs a person gave as assessor, with counts by learner profession "
        "(preceptors see their own; educators, administrators and auditors anyone's)",
    )
    r.add_argument("external_id")
    r.set_defaults(handler=cmd_people_precepted)


def cmd_catalog_add_starter(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    summary = pathways.add_preceptor_pathway(db.unit_of_work(), actor).value
    if not summary.added:
        print("The preceptor development pathway is already in this database; nothing was added.")
        return 0
    for what, codes in (
        ("framework", summary.frameworks),
        ("modules", summary.modules),
        ("rating source", summary.rating_sources),
        ("credential", summary.credentials),
    ):
        if codes:
            print(f"Added {what}: {', '.join(codes)}")
    return 0


def cmd_people_precepted(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    record = precepted_record(db.unit_of_work(), actor, person.id)
    own = record.profession or "profession not recorded"
    accounts = ", ".join(record.accounts) or "none"
    print(f"{record.person_name} ({person.external_id}), {own}; linked accounts: {accounts}")
    if record.note:
        print(f"  {record.note}")
    if not record.sign_offs:
        return 0
    print(
        f"Counted towards precepting: {record.counted} sign-offs to learners of "
        f"{record.professions_counted} other professions"
    )
    print("Standing sign-offs by learner profession:")
    for row in record.by_profession:
        why = "counted" if row.counted else "not counted (their own profession, or none recorded)"
        print(f"  {row.profession:<28} {row.given:>5}  {why}")
    print("Sign-offs given, newest first:")
    for s in record.sign_offs:
        state = " [voided]" if s.voided else " [awaiting confirmation]" if s.pending else ""
        learner_prof = s.learner_profession or "profession not recorded"
        print(
            f"  {s.assessed_on.isoformat()}  {s.learner_external_id:<14} {s.learner_name} ({learner_prof})  "
            f"{s.competency_code} {s.level_label} ({s.scale_code}){state}"
        )
    return 0

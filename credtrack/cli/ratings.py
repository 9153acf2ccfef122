"""Ratings from other sources: the sources and their forms, recording a rating, listing and voiding."""

from __future__ import annotations

from pathlib import Path

from credtrack.cli import context
from credtrack.cli.records import _signing_password
from credtrack.errors import ValidationError
from credtrack.models.enums import RATING_COLLECTION
from credtrack.reports.rating_form import write_rating_form
from credtrack.services import people, rating_sources, ratings
from credtrack.services.rating_forms import read_scanned_form


def register(sub) -> None:
    p = sub.add_parser("ratings", help="ratings from colleagues, patient advisors, team members and the learner")
    rsub = p.add_subparsers(dest="ratings_command", required=True)

    s = rsub.add_parser("sources", help="list the rating sources and the competencies each may rate")
    s.add_argument("--all", action="store_true", help="include sources no longer offered")
    s.set_defaults(handler=cmd_sources)

    a = rsub.add_parser("add-source", help="add a rating source with its form")
    a.add_argument("code")
    a.add_argument("name")
    a.add_argument("--scale", required=True, help="scale code its raters use, e.g. OBSERVED5")
    a.add_argument("--competencies", required=True, help="comma-separated competency codes it may rate")
    a.add_argument("--description", default="")
    a.add_argument("--attestation", default="", help="what the person recording a rating attests")
    a.set_defaults(handler=cmd_add_source)

    e = rsub.add_parser("edit-source", help="rename a source, change its competencies, or stop offering it")
    e.add_argument("code")
    e.add_argument("--name")
    e.add_argument("--competencies", help="comma-separated competency codes it may rate")
    e.add_argument("--retire", action="store_true", help="no longer offer it (its ratings stay and count)")
    e.add_argument("--offer", action="store_true", help="offer it again")
    e.set_defaults(handler=cmd_edit_source)

    r = rsub.add_parser("record", help="record one rater's rating of a learner (you re-enter your password)")
    r.add_argument("external_id")
    r.add_argument("source", help="rating source code, e.g. PATIENT")
    r.add_argument("--date", required=True, help="the day the rating was given, YYYY-MM-DD")
    r.add_argument(
        "--score",
        action="append",
        required=True,
        metavar="COMPETENCY=LEVEL",
        help="a competency and its level on the source's scale, e.g. C1=4 (repeat for each)",
    )
    r.add_argument(
        "--collected",
        choices=RATING_COLLECTION,
        required=True,
        help="signed: you are the rater; otherwise how you collected the rater's feedback",
    )
    r.add_argument("--rater", default="", help="the rater's name (not needed when you are the rater)")
    r.add_argument("--rater-profession", help="the rater's profession code, if they have one")
    r.add_argument("--comment", default="")
    r.add_argument(
        "--attest", action="store_true", required=True, help="I attest the rating is recorded as the rater gave it"
    )
    r.set_defaults(handler=cmd_record)

    li = rsub.add_parser("list", help="a person's ratings, voided ones marked")
    li.add_argument("external_id")
    li.set_defaults(handler=cmd_list)

    fo = rsub.add_parser("form", help="a blank form of a source for a learner, to print and fill in by hand (PDF)")
    fo.add_argument("external_id")
    fo.add_argument("source", help="rating source code, e.g. PATIENT")
    fo.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    fo.set_defaults(handler=cmd_form)

    sc = rsub.add_parser("read-form", help="whom a filled-in form was printed for, from its scan or photo (PDF/image)")
    sc.add_argument("file", type=Path)
    sc.set_defaults(handler=cmd_read_form)

    v = rsub.add_parser("void", help="void a rating with a reason (it stays in history)")
    v.add_argument("rating_id", type=int)
    v.add_argument("--reason", required=True)
    v.set_defaults(handler=cmd_void)


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def cmd_sources(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    for s in rating_sources.list_sources(db.unit_of_work(), actor, include_inactive=args.all):
        retired = "" if s.active else "  (no longer offered)"
        print(f"{s.code:<10} {s.name}{retired}")
        print(f"{'':<10} scale {s.scale_code}; rates {', '.join(s.competency_codes)}")
    return 0


def cmd_add_source(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = rating_sources.create_source(
        db.unit_of_work(),
        actor,
        code=args.code,
        name=args.name,
        scale_code=args.scale,
        competency_codes=_codes(args.competencies),
        description=args.description,
        attestation_text=args.attestation,
    ).value
    print(f"Rating source {row.code} added: {row.name}, on {row.scale_code}, rates {', '.join(row.competency_codes)}.")
    return 0


def cmd_edit_source(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    if args.retire and args.offer:
        raise ValidationError("Choose --retire or --offer, not both.")
    found = {s.code: s for s in rating_sources.list_sources(db.unit_of_work(), actor, include_inactive=True)}
    source = found.get(args.code.strip().upper())
    if source is None:
        raise ValidationError(f"No rating source with code {args.code!r}; see credtrack-cli ratings sources --all.")
    row = rating_sources.update_source(
        db.unit_of_work(),
        actor,
        source.id,
        name=args.name,
        competency_codes=_codes(args.competencies) if args.competencies is not None else None,
        active=False if args.retire else True if args.offer else None,
    ).value
    state = "offered" if row.active else "no longer offered"
    print(f"Rating source {row.code}: {row.name}, rates {', '.join(row.competency_codes)}; {state}.")
    return 0


def _scores(pairs: list[str]) -> dict[str, str]:
    scores: dict[str, str] = {}
    for pair in pairs:
        competency, sep, level = pair.partition("=")
        if not sep or not competency.strip() or not level.strip():
            raise ValidationError(f"--score {pair!r}: write it as COMPETENCY=LEVEL, for example C1=4.")
        scores[competency.strip()] = level.strip()
    return scores


def cmd_record(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    scores = _scores(args.score)
    password = _signing_password()
    row = ratings.record_rating(
        db.unit_of_work(),
        actor,
        person_id=person.id,
        source_code=args.source,
        rated_on=args.date,
        scores=scores,
        collection=args.collected,
        rater_name=args.rater,
        rater_profession_code=args.rater_profession,
        comment=args.comment,
        password=password,
        attestation_accepted=args.attest,
    ).value
    levels = ", ".join(f"{c} {label}" for c, _code, label in row.scores)
    print(
        f"Rating {row.id} recorded for {person.full_name}: {row.source_name}, by {row.rater_name} "
        f"on {row.rated_on.isoformat()} ({levels})."
    )
    return 0


def cmd_list(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.external_id)
    rows = ratings.person_ratings(db.unit_of_work(), actor, person.id)
    print(f"{person.full_name} ({person.external_id}): {len(rows)} rating{'s' if len(rows) != 1 else ''}")
    for r in rows:
        levels = ", ".join(f"{c}={code}" for c, code, _label in r.scores)
        void = f"  VOIDED: {r.void_reason}" if r.voided else ""
        who = f"{r.rater_name} ({r.collection_label})"
        print(f"  {r.id:>6}  {r.rated_on.isoformat()}  {r.source_code:<8} {who}: {levels}{void}")
    return 0


def cmd_form(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    path = write_rating_form(db.unit_of_work(), actor, args.external_id, args.source, args.out)
    print(f"Blank {args.source.strip().upper()} rating form for {args.external_id} written to {path}.")
    return 0


def cmd_read_form(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ValidationError(f"Cannot read {args.file}: {exc.strerror or exc}.") from None
    form = read_scanned_form(db.unit_of_work(), actor, data)
    print(
        f"A {form.source_name} ({form.source_code}) form for {form.learner_name} ({form.external_id}), "
        f"printed {form.printed_on.isoformat()}."
    )
    print(
        f"Record it with: credtrack-cli ratings record {form.external_id} {form.source_code} --date YYYY-MM-DD "
        "--score COMPETENCY=LEVEL ... --collected paper_form --rater NAME --attest"
    )
    return 0


def cmd_void(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = ratings.void_rating(db.unit_of_work(), actor, args.rating_id, args.reason).value
    print(f"Rating {row.id} voided: {row.void_reason}")
    return 0

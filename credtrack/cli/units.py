"""Unit commands: list, add, edit and deactivate units; move a person to a unit from a day; a person's unit history."""

from __future__ import annotations

import sys
from typing import Any

from credtrack.cli import context
from credtrack.services import people, units


def register(sub) -> None:
    p = sub.add_parser("units", help="units (wards, departments) and who was in which unit when")
    usub = p.add_subparsers(dest="units_command", required=True)
    s = usub.add_parser("list", help="units with their service line, site and how many people are in each")
    s.add_argument("--active", action="store_true", help="only units still in use")
    s.set_defaults(handler=cmd_units_list)
    a = usub.add_parser("add", help="add a unit (names are unique whatever their case)")
    a.add_argument("name")
    a.add_argument("--service-line", help="e.g. Medicine, Critical care")
    a.add_argument("--site", help="the hospital or campus")
    a.set_defaults(handler=cmd_units_add)
    e = usub.add_parser("edit", help="rename a unit or change its service line or site (an empty value clears it)")
    e.add_argument("unit", metavar="UNIT", help="the unit's name")
    e.add_argument("--name", help="its new name; the people in it read the new name")
    e.add_argument("--service-line")
    e.add_argument("--site")
    e.set_defaults(handler=cmd_units_edit)
    d = usub.add_parser("deactivate", help="a unit no longer in use: its history stays, nobody can move into it")
    d.add_argument("unit", metavar="UNIT", help="the unit's name")
    d.set_defaults(handler=cmd_units_deactivate)
    m = usub.add_parser(
        "move", help="move a person to a unit from a day: their previous unit ends the day before (audited)"
    )
    m.add_argument("person", metavar="PERSON", help="the person's external id")
    m.add_argument("unit", metavar="UNIT", help="the unit's name")
    m.add_argument("--on", required=True, metavar="DATE", help="the first day in the new unit, YYYY-MM-DD")
    m.set_defaults(handler=cmd_units_move)
    h = usub.add_parser("history", help="which units a person was in, from when to when")
    h.add_argument("person", metavar="PERSON", help="the person's external id")
    h.set_defaults(handler=cmd_units_history)


def _describe(row: units.UnitRow) -> str:
    where = " · ".join(part for part in (row.service_line, row.site) if part)
    return f"{row.name}" + (f" ({where})" if where else "")


def cmd_units_list(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    rows = units.list_units(db.unit_of_work(), actor, include_inactive=not args.active)
    for r in rows:
        state = "" if r.active else "deactivated"
        print(f"{r.name}\t{r.service_line or ''}\t{r.site or ''}\t{r.members}\t{state}".rstrip())
    if not rows:
        print("No units yet: add one with `credtrack-cli units add NAME`.", file=sys.stderr)
    return 0


def cmd_units_add(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = units.create_unit(
        db.unit_of_work(), actor, name=args.name, service_line=args.service_line, site=args.site
    ).value
    print(f"Added the unit {_describe(row)}.")
    return 0


def cmd_units_edit(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    # Only the options given change: an option left out keeps its value, an empty one clears it.
    changes: dict[str, Any] = {"name": args.name}
    if args.service_line is not None:
        changes["service_line"] = args.service_line
    if args.site is not None:
        changes["site"] = args.site
    result = units.update_unit(db.unit_of_work(), actor, args.unit, **changes)
    if not result.changes:
        print(f"Nothing to change: {_describe(result.value)} is already so.")
    else:
        print(f"Updated the unit {_describe(result.value)}.")
    return 0


def cmd_units_deactivate(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    row = units.deactivate_unit(db.unit_of_work(), actor, args.unit).value
    print(f"Deactivated {row.name}: nobody can be moved into it; who was in it when stays in their history.")
    return 0


def cmd_units_move(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.person)
    row = units.move_person(db.unit_of_work(), actor, person.id, args.unit, args.on).value
    print(f"{row.full_name} ({row.external_id}) is in {row.unit_name} from {row.start_date.isoformat()}.")
    return 0


def cmd_units_history(args) -> int:
    db = context.database(args)
    actor = context.actor(args, db)
    person = people.find_by_external_id(db.unit_of_work(), actor, args.person)
    rows = units.history(db.unit_of_work(), actor, person.id)
    print(f"{person.full_name} ({person.external_id})")
    if not rows:
        print("  In no unit.")
    for m in rows:
        until = m.end_date.isoformat() if m.end_date else "now"
        print(f"  {m.start_date.isoformat()} to {until}\t{m.unit_name}\t(membership {m.id})")
    return 0

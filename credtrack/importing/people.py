"""Checking a people (or preceptors) file against the database: new people, changed people, problems."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.importing.memberships import check_leavings, check_moves, last_units_of_leavers, unit_lookup
from credtrack.importing.plan import (
    ImportOptions,
    Leaving,
    Plan,
    RowReader,
    UnitMove,
    describe_choices,
    lookup_key,
)
from credtrack.models import Person, Profession, fold, unit_key, utcnow
from credtrack.models.enums import PERSON_STATUSES

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Fields a file may set on a person; a blank cell leaves the stored value as it is.
PERSON_FIELDS = ("full_name", "email", "profession_id", "unit", "start_date", "end_date", "status")


def profession_lookup(session: Session) -> tuple[dict[str, int], list[str]]:
    """Profession code or name (any case) -> id, and the codes to suggest when one is unknown."""
    lookup: dict[str, int] = {}
    codes: list[str] = []
    for pid, code, name in session.execute(select(Profession.id, Profession.code, Profession.name)):
        lookup[lookup_key(code)] = pid
        lookup[lookup_key(name)] = pid
        codes.append(code)
    return lookup, codes


def plan_people(session: Session, reader: RowReader, plan: Plan, options: ImportOptions) -> None:
    has_name = reader.has("full_name") or (reader.has("first_name") and reader.has("last_name"))
    reader.require_columns("external_id")
    if not has_name:
        reader.require_columns("full_name")
    if plan.problems:
        return
    reader.prepare_dates("start_date", "end_date")
    professions, profession_codes = profession_lookup(session)
    units, unit_names = unit_lookup(session)
    existing = {
        row.external_id: row
        for row in session.connection().execute(
            select(Person.id, Person.external_id, Person.version, *(getattr(Person, f) for f in PERSON_FIELDS))
        )
    }
    left_from = last_units_of_leavers(session) if reader.has("unit") else {}
    seen: dict[str, int] = {}
    now = utcnow()
    plan.constants = {"version": 1, "created_at": now, "updated_at": now}
    for row in reader:
        external_id = reader.text("external_id", required=True, max_length=64)
        if external_id:
            if external_id in seen:
                reader.problem("external_id", f"duplicate id {external_id!r}: row {seen[external_id]} has it too")
            else:
                seen[external_id] = row
        values: dict[str, Any] = {}
        name = reader.text("full_name")
        if not name and reader.has("first_name"):
            name = " ".join(p for p in (reader.text("first_name"), reader.text("last_name")) if p)
        if name:
            values["full_name"] = " ".join(name.split())
        elif external_id not in existing:
            reader.problem("full_name", "missing required field")
        email = reader.text("email", max_length=254)
        if email:
            if _EMAIL.match(email):
                values["email"] = email
            else:
                reader.problem("email", f"{email!r} is not an email address")
        profession = reader.text("profession")
        if profession:
            pid = professions.get(lookup_key(profession))
            if pid is None:
                reader.problem(
                    "profession", f"unknown profession {profession!r} (known: {describe_choices(profession_codes)})"
                )
            else:
                values["profession_id"] = pid
        current = existing.get(external_id)
        known_problems = len(plan.problems)
        unit = reader.text("unit", max_length=120)
        unit_id = None
        if unit and len(plan.problems) == known_problems:  # a name already refused (too long...) is not looked up
            found = units.get(unit_key(unit))
            if found is None:
                reader.problem(
                    "unit",
                    f"unknown unit {unit!r} (known: {describe_choices(unit_names) or 'none yet'}); "
                    "add it first (Units, or credtrack-cli units add)",
                )
            elif not found.active and (current is None or current.unit != found.name):
                reader.problem("unit", f"the unit {found.name!r} is deactivated: nobody can be moved into it")
            else:
                values["unit"], unit_id = found.name, found.id  # spelt as the unit is named
        start = reader.date("start_date")
        end = reader.date("end_date")
        if start is not None:
            values["start_date"] = start
        if end is not None:
            values["end_date"] = end
        status = reader.text("status").casefold()
        if status:
            if status in PERSON_STATUSES:
                values["status"] = status
            else:
                reader.problem("status", f"unknown status {status!r} (use {', '.join(PERSON_STATUSES)})")
        if not external_id:
            continue
        if current is not None:
            start = values.get("start_date", current.start_date)
            end = values.get("end_date", current.end_date)
            if (
                end is not None
                and current.unit is None
                and unit_id is not None
                and left_from.get(current.id) == unit_id
            ):
                values.pop("unit")  # the unit they were in when they left, as their history already says
                unit_id = None
        if start is not None and end is not None and end < start:
            reader.problem(
                "end_date", f"impossible date: end date {end.isoformat()} is before the start date {start.isoformat()}"
            )
        if (
            "status" not in values
            and end is not None
            and end <= reader.today
            and (current is None or current.status == "active")
        ):
            values["status"] = "inactive"  # they have left: no longer active from their leaving date
        if current is None:
            full = {
                "external_id": external_id,
                "full_name": values.get("full_name", ""),
                "email": values.get("email"),
                "profession_id": values.get("profession_id"),
                # Someone added with an end date has left: in their unit until then, and in none now.
                "unit": values.get("unit") if end is None else None,
                "start_date": values.get("start_date"),
                "end_date": values.get("end_date"),
                "status": values.get("status", "active"),
            }
            full["search_key"] = f"{fold(full['full_name'])} {fold(external_id)}"
            plan.inserts.append(full)
            plan.inserted_keys.append(external_id)
            if unit_id is not None:  # in their unit from their first day, as the person form does
                plan.unit_moves.append(UnitMove(row, external_id, unit_id, start or reader.today))
                if end is not None:
                    plan.leavings.append(Leaving(row, external_id, end))
            continue
        diff = {f: (getattr(current, f), v) for f, v in values.items() if getattr(current, f) != v}
        if not diff:
            plan.unchanged += 1
            continue
        merged = {f: getattr(current, f) for f in PERSON_FIELDS}
        merged.update(values)
        merged["search_key"] = f"{fold(merged['full_name'])} {fold(external_id)}"
        merged.update(b_id=current.id, b_version=current.version, version=current.version + 1, updated_at=now)
        plan.updates.append(merged)
        plan.updated_keys.append(external_id)
        plan.update_diffs.append(
            {"external_id": external_id, "changed": {f: [old, new] for f, (old, new) in diff.items()}}
        )
        if "unit" in diff and unit_id is not None:  # moved from the day of the import (or their start, if later)
            on = max(reader.today, start or reader.today)
            plan.unit_moves.append(UnitMove(row, external_id, unit_id, on, current.id))
        if "end_date" in diff:
            ending = Leaving(row, external_id, values["end_date"], current.end_date, current.id, len(plan.updates) - 1)
            plan.leavings.append(ending)
    check_moves(session, reader, plan)
    check_leavings(session, reader, plan)

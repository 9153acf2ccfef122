"""Checking an improvement work file (one piece of work a row, its team in one column) against the database.

Each row is checked against the rules ``services.improvement.record_work`` applies to one piece of work: a
known, unarchived learner who is not the importer, a kind of work credtrack knows, a title, real start and
end dates not in the future (the end not before the start), and a team written
``Name (PROFESSION); Name (PROFESSION, external id)`` with professions of the catalog and people in the
database. Work already recorded (same learner, kind, title and start) or given twice in the file is
refused. Imported work awaits a supervisor's confirmation, which only the supervisor can sign.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.errors import ValidationError
from credtrack.importing.fields import FIELDS
from credtrack.importing.people import profession_lookup
from credtrack.importing.plan import ImportOptions, Plan, RowReader, describe_choices, lookup_key
from credtrack.importing.records import archived_people, person_lookup, row_person
from credtrack.models import ImprovementWork, Person, utcnow
from credtrack.models.enums import IMPROVEMENT_KINDS, label
from credtrack.services.improvement import MAX_TEAM, parse_team
from credtrack.services.permissions import Actor

KIND_NAMES = {lookup_key(k): k for k in IMPROVEMENT_KINDS} | {
    lookup_key(k.replace("_", " ")): k for k in IMPROVEMENT_KINDS
}
KIND_NAMES |= {lookup_key(label(k)): k for k in IMPROVEMENT_KINDS}


def plan_improvement(session: Session, reader: RowReader, plan: Plan, options: ImportOptions, actor: Actor) -> None:
    required = [spec.name for spec in FIELDS["improvement"] if spec.required]
    if not reader.require_columns(*required):
        return
    reader.prepare_dates("started_on", "ended_on")
    people = person_lookup(session)
    archived = archived_people(session)
    professions, profession_codes = profession_lookup(session)
    learner_professions = dict(session.connection().execute(select(Person.id, Person.profession_id)).all())
    W = ImprovementWork
    existing: dict[tuple[int, str, str, dt.date], int] = {
        (r.person_id, r.kind, lookup_key(r.title), r.started_on): r.id
        for r in session.connection().execute(
            select(W.id, W.person_id, W.kind, W.title, W.started_on).where(W.voided_at.is_(None))
        )
    }
    seen: dict[tuple[int, str, str, dt.date], int] = {}
    now = utcnow()
    plan.constants = {"recorded_by_id": actor.id, "recorded_at": now, "version": 1, "updated_at": now}
    for row in reader:
        person_id = _learner(reader, people, archived, actor)
        kind = _kind(reader)
        title = reader.text("title", required=True, max_length=200)
        started = reader.date("started_on", required=True, not_future=True)
        ended = reader.date("ended_on", not_future=True) if reader.has("ended_on") else None
        if started is not None and ended is not None and ended < started:
            reader.problem("ended_on", f"the end {ended.isoformat()} is before the start {started.isoformat()}")
            continue
        team = _team(reader, professions, profession_codes, people, person_id)
        texts = {name: reader.text(name, max_length=limit) for name, limit in _OPTIONAL.items() if reader.has(name)}
        if person_id is None or kind is None or not title or started is None or team is None:
            continue
        key = (person_id, kind, lookup_key(title), started)
        if key in seen:
            reader.problem("title", f"duplicate row: row {seen[key]} records the same work; keep one row")
            continue
        seen[key] = row
        if key in existing:
            reader.problem(
                "title",
                f"already recorded: work {existing[key]} is this learner's {label(kind)} {title!r} started "
                f"{started.isoformat()}; remove the row, or void that work first if this row replaces it",
            )
            continue
        plan.inserts.append(
            {
                "person_id": person_id,
                "kind": kind,
                "title": title,
                "aim": texts.get("aim", ""),
                "role": texts.get("role", ""),
                "started_on": started,
                "ended_on": ended,
                "outcome": texts.get("outcome", ""),
                "learner_profession_id": learner_professions.get(person_id),
            }
        )
        plan.scores.append(team)  # the work's team members, written once the work has its id
        plan.inserted_keys.append(f"{reader.text('external_id')}:{kind}:{started.isoformat()}")


_OPTIONAL = {"aim": 4000, "role": 120, "outcome": 4000}


def _learner(reader: RowReader, people: dict[str, int], archived: set[int], actor: Actor) -> int | None:
    person_id = row_person(reader, people, archived)
    if person_id is not None and actor.person_id is not None and person_id == actor.person_id:
        reader.problem("external_id", "this work is your own: nobody records their own work; ask a colleague")
        return None
    return person_id


def _kind(reader: RowReader) -> str | None:
    value = reader.text("kind", required=True, max_length=40)
    if not value:
        return None
    found = KIND_NAMES.get(lookup_key(value)) or KIND_NAMES.get(lookup_key(value.replace("_", " ")))
    if found is None:
        known = ", ".join(f"{k} ({label(k)})" for k in IMPROVEMENT_KINDS)
        reader.problem("kind", f"unknown kind of work {value!r} (use one of: {known})")
    return found


def _team(
    reader: RowReader, professions: dict[str, int], codes: list[str], people: dict[str, int], learner: int | None
) -> list[dict] | None:
    """The team's member rows, or None when the cell is wrong (each problem said)."""
    value = reader.text("team", max_length=4000) if reader.has("team") else ""
    try:
        members = parse_team(value)
    except ValidationError as exc:
        reader.problem("team", exc.message)
        return None
    if len(members) > MAX_TEAM:
        reader.problem("team", f"at most {MAX_TEAM} members besides the learner")
        return None
    rows = []
    ok = True
    for position, m in enumerate(members):
        profession = professions.get(lookup_key(m.profession_code))
        if profession is None:
            reader.problem(
                "team", f"{m.name}: unknown profession {m.profession_code!r} (known: {describe_choices(codes)})"
            )
            ok = False
            continue
        person_id = None
        if m.external_id:
            person_id = people.get(m.external_id.strip())
            if person_id is None:
                reader.problem("team", f"{m.name}: unknown person {m.external_id!r}; leave the id out or add them")
                ok = False
                continue
            if person_id == learner:
                reader.problem("team", f"{m.name} is the learner: list the team's other members")
                ok = False
                continue
        rows.append({"position": position, "name": m.name[:200], "profession_id": profession, "person_id": person_id})
    return rows if ok else None

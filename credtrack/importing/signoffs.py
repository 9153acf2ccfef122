"""Checking a competency sign-off (assessment) file against the database."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.importing.people import profession_lookup
from credtrack.importing.plan import ImportOptions, Plan, RowReader, describe_choices, lookup_key
from credtrack.importing.problems import Problem
from credtrack.importing.records import IMPORT_SOURCE, archived_people
from credtrack.models import Assessment, Competency, Framework, Person, Scale, ScaleLevel, utcnow
from credtrack.models.enums import ASSESSMENT_METHODS, label

IMPORTED_ATTESTATION = "Imported from the program's earlier records; the source record is the assessor's attestation."


class _Catalog:
    """Competencies, scales and levels keyed the ways a file may name them."""

    def __init__(self, session: Session) -> None:
        by_code: dict[str, list[int]] = defaultdict(list)
        for cid, code, fw in session.execute(select(Competency.id, Competency.code, Framework.code).join(Framework)):
            by_code[lookup_key(code)].append(cid)
            by_code[lookup_key(f"{fw}:{code}")].append(cid)
        self.competencies = dict(by_code)
        self.scales = {lookup_key(code): (sid, code) for sid, code in session.execute(select(Scale.id, Scale.code))}
        self.levels: dict[int, dict[str, int]] = defaultdict(dict)
        self.level_codes: dict[int, list[str]] = defaultdict(list)
        for lid, sid, code, level_label, rank in session.execute(
            select(ScaleLevel.id, ScaleLevel.scale_id, ScaleLevel.code, ScaleLevel.label, ScaleLevel.rank)
        ):
            keys = self.levels[sid]
            for key in (lookup_key(level_label), str(rank), lookup_key(code)):  # code wins over rank
                keys[key] = lid
            self.level_codes[sid].append(code)
        self.methods = {lookup_key(m): m for m in ASSESSMENT_METHODS}
        self.methods.update({lookup_key(label(m)): m for m in ASSESSMENT_METHODS})
        self.methods.update({lookup_key(m.replace("_", " ")): m for m in ASSESSMENT_METHODS})


def plan_assessments(session: Session, reader: RowReader, plan: Plan, options: ImportOptions) -> None:
    if not reader.require_columns("external_id", "competency", "level", "assessed_on"):
        return
    catalog = _Catalog(session)
    default_scale = _default_scale(reader, catalog, options)
    if default_scale is False:
        return
    reader.prepare_dates("assessed_on")
    people: dict[str, tuple[int, int | None, str]] = {}
    by_name: dict[str, list[tuple[int, int | None, str]]] = defaultdict(list)
    for pid, ext, prof, name in session.connection().execute(
        select(Person.id, Person.external_id, Person.profession_id, Person.full_name)
    ):
        people[ext] = (pid, prof, name)
        by_name[lookup_key(name)].append((pid, prof, name))
    professions, profession_codes = profession_lookup(session)
    archived = archived_people(session)
    existing = {
        (r.person_id, r.competency_id, r.assessed_on, r.level_id, r.assessor_person_id or lookup_key(r.assessor_name))
        for r in session.connection().execute(
            select(
                Assessment.person_id,
                Assessment.competency_id,
                Assessment.assessed_on,
                Assessment.level_id,
                Assessment.assessor_person_id,
                Assessment.assessor_name,
            ).where(Assessment.voided_at.is_(None))
        )
    }
    seen: dict[tuple, int] = {}
    plan.constants = {
        "attestation_text": IMPORTED_ATTESTATION,
        "attestation_accepted": True,
        "assessor_user_id": None,
        "reauthenticated": False,
        "source": IMPORT_SOURCE,
        "recorded_at": utcnow(),
        "version": 1,
        "updated_at": utcnow(),
    }
    for row in reader:
        external_id = reader.text("external_id", required=True, max_length=64)
        person = people.get(external_id) if external_id else None
        if external_id and person is None:
            reader.problem("external_id", f"unknown person {external_id!r}: import them as people first")
        elif person is not None and person[0] in archived:
            reader.problem("external_id", f"person {external_id!r} is archived; records can no longer be added")
            person = None
        competency_id = _competency(reader, catalog)
        scale = _scale(reader, catalog, default_scale)
        level_id = _level(reader, catalog, scale)
        assessed_on = reader.date("assessed_on", required=True, not_future=True)
        method = _method(reader, catalog)
        found = _assessor(reader, people, by_name, professions, profession_codes, options.historical)
        assessor, assessor_name, assessor_profession, verification = found or (False, "", None, "")
        setting = reader.text("setting", max_length=200)
        comment = reader.text("comment", max_length=4000)
        if (
            person is None
            or competency_id is None
            or scale is None
            or level_id is None
            or assessed_on is None
            or method is None
            or assessor is False
        ):
            continue
        if assessor is not None and assessor == person[0]:
            reader.problem("assessor_external_id", "a person cannot sign off their own competencies")
            continue
        key = (person[0], competency_id, assessed_on, level_id, assessor or lookup_key(assessor_name))
        if key in seen:
            reader.problem(None, f"duplicate row: row {seen[key]} records the same sign-off")
            continue
        seen[key] = row
        if key in existing:
            plan.unchanged += 1
            continue
        plan.inserts.append(
            {
                "person_id": person[0],
                "competency_id": competency_id,
                "scale_id": scale[0],
                "level_id": level_id,
                "assessed_on": assessed_on,
                "method": method,
                "setting": setting,
                "comment": comment,
                "assessor_person_id": assessor,
                "assessor_name": assessor_name,
                "assessor_profession_id": assessor_profession,
                "verification": verification,
            }
        )


def _default_scale(reader: RowReader, catalog: _Catalog, options: ImportOptions) -> tuple[int, str] | None | bool:
    if options.default_scale:
        scale = catalog.scales.get(lookup_key(options.default_scale))
        if scale is None:
            reader.plan.problems.append(
                reader_problem(
                    f"unknown scale {options.default_scale!r} (known: "
                    f"{describe_choices([c for _, c in catalog.scales.values()])})"
                )
            )
            return False
        return scale
    if reader.has("scale"):
        return None
    if len(catalog.scales) == 1:
        return next(iter(catalog.scales.values()))
    reader.plan.problems.append(
        reader_problem(
            "missing required field: no column is mapped to Scale and several scales exist; add a scale column "
            "or choose a default scale"
        )
    )
    return False


def reader_problem(message: str) -> Problem:
    return Problem(None, "Scale", message)


def _competency(reader: RowReader, catalog: _Catalog) -> int | None:
    code = reader.text("competency", required=True, max_length=80)
    if not code:
        return None
    matches = catalog.competencies.get(lookup_key(code), [])
    if not matches:
        reader.problem("competency", f"unknown competency code {code!r}")
        return None
    if len(matches) > 1:
        reader.problem(
            "competency",
            f"competency code {code!r} is in several frameworks; write it as FRAMEWORK:CODE, e.g. IPEC-2023:VE1",
        )
        return None
    return matches[0]


def _scale(reader: RowReader, catalog: _Catalog, default: tuple[int, str] | None | bool) -> tuple[int, str] | None:
    code = reader.text("scale") if reader.has("scale") else ""
    if not code:
        if isinstance(default, tuple):
            return default
        reader.problem("scale", "missing required field")
        return None
    scale = catalog.scales.get(lookup_key(code))
    if scale is None:
        reader.problem(
            "scale", f"unknown scale {code!r} (known: {describe_choices([c for _, c in catalog.scales.values()])})"
        )
    return scale


def _level(reader: RowReader, catalog: _Catalog, scale: tuple[int, str] | None) -> int | None:
    value = reader.text("level", required=True, max_length=120)
    if not value or scale is None:
        return None
    level_id = catalog.levels.get(scale[0], {}).get(lookup_key(value))
    if level_id is None:
        reader.problem(
            "level",
            f"level {value!r} is not in the scale {scale[1]} (levels: "
            f"{', '.join(catalog.level_codes.get(scale[0], []))})",
        )
    return level_id


def _method(reader: RowReader, catalog: _Catalog) -> str | None:
    value = reader.text("method")
    if not value:
        return "other"
    method = catalog.methods.get(lookup_key(value.replace("_", " "))) or catalog.methods.get(lookup_key(value))
    if method is None:
        reader.problem("method", f"unknown method {value!r} (use {', '.join(ASSESSMENT_METHODS)})")
    return method


def _assessor(
    reader: RowReader,
    people: dict[str, tuple[int, int | None, str]],
    by_name: dict[str, list[tuple[int, int | None, str]]],
    professions: dict[str, int],
    profession_codes: list[str],
    historical: bool,
) -> tuple[int | None, str, int | None, str] | None:
    """(assessor person id, name, profession id, verification state), or None when the row cannot be imported.

    A sign-off counts towards the rules only when its assessor is a person on record with a profession,
    found by external id or by exact name (one person only); the profession is theirs, never the file's
    word alone. Without such an assessor the row is refused, or — when the user chose to — imported as
    historical and unverified ("pending"), which the rules ignore until an educator confirms it.
    """
    external_id = reader.text("assessor_external_id", max_length=64)
    name = reader.text("assessor_name")
    profession_text = reader.text("assessor_profession")
    column = "assessor_external_id" if external_id else "assessor_name"
    if not external_id and not name:
        reader.problem(
            "assessor_name" if reader.has("assessor_name") else "assessor_external_id",
            "missing required field: give the assessor's external id or name",
        )
        return None
    stated = None
    if profession_text:
        stated = professions.get(lookup_key(profession_text))
        if stated is None:
            reader.problem(
                "assessor_profession",
                f"unknown profession {profession_text!r} (known: {describe_choices(profession_codes)})",
            )
            return None
    person = people.get(external_id) if external_id else None
    if external_id and person is None:
        reader.problem("assessor_external_id", f"unknown person {external_id!r}: import preceptors as people first")
        return None
    if person is None:
        matches = by_name.get(lookup_key(name), [])
        if len(matches) > 1:
            reader.problem(
                "assessor_name", f"{len(matches)} people are named {name!r}: give the assessor's external id instead"
            )
            return None
        person = matches[0] if matches else None
    if person is not None and person[1] is not None:
        if stated is not None and stated != person[1]:
            reader.problem(
                "assessor_profession",
                f"{person[2]}'s record gives another profession than "
                f"{profession_text!r}: correct the file or their record",
            )
            return None
        return person[0], name if external_id and name else person[2], person[1], "not_required"
    why = (
        f"the assessor {person[2]!r} has no profession on record"
        if person is not None
        else f"the assessor {name!r} is not a person on record"
    )
    if not historical:
        reader.problem(
            column,
            f"{why}: import preceptors as people (with their profession) first, or import "
            "these rows as historical, unverified sign-offs for an educator to confirm",
        )
        return None
    return (person[0] if person else None), (person[2] if person else name), stated, "pending"

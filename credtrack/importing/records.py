"""Checking enrolment, completion and sign-off files against the database with a few set-based lookups."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.importing.plan import ImportOptions, Plan, RowReader, describe_choices, lookup_key
from credtrack.models import (
    Cohort,
    CohortCredential,
    Completion,
    CredentialRequirement,
    Enrolment,
    Module,
    Person,
    utcnow,
)
from credtrack.models.enums import ENROLMENT_STATUSES

IMPORT_SOURCE = "import"


def person_lookup(session: Session) -> dict[str, int]:
    """External id -> person id. Reads of a whole roster or record table go through the session's
    connection: plain columns gain nothing from the ORM's work on each row."""
    return dict(session.connection().execute(select(Person.external_id, Person.id)).all())


def archived_people(session: Session) -> set[int]:
    return set(session.connection().scalars(select(Person.id).where(Person.status == "archived")))


def row_person(reader: RowReader, people: dict[str, int], archived: set[int] | None = None) -> int | None:
    """The person a row's external id names; an unknown or archived one is a problem of the row (None)."""
    external_id = reader.text("external_id", required=True, max_length=64)
    if not external_id:
        return None
    pid = people.get(external_id)
    if pid is None:
        reader.problem("external_id", f"unknown person {external_id!r}: import them as people first")
    elif archived and pid in archived:
        reader.problem("external_id", f"person {external_id!r} is archived; records can no longer be added")
        return None
    return pid


def enrolled_for_module(session: Session, module_ids: list[int]) -> set[tuple[int, int]]:
    """(person, module) pairs where the person is actively enrolled in a cohort whose credentials need the module."""
    if not module_ids:
        return set()
    return {
        (p, m)
        for p, m in session.execute(  # module_id IN (...) is never NULL: the test only narrows
            select(Enrolment.person_id, CredentialRequirement.module_id)
            .distinct()
            .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
            .join(CredentialRequirement, CredentialRequirement.credential_id == CohortCredential.credential_id)
            .where(Enrolment.status == "active", CredentialRequirement.module_id.in_(module_ids))
        )
        if m is not None
    }


def plan_enrolments(session: Session, reader: RowReader, plan: Plan, options: ImportOptions) -> None:
    if not reader.require_columns("external_id", "cohort"):
        return
    reader.prepare_dates("enrolled_on")
    people = person_lookup(session)
    cohorts: dict[str, tuple[int, dt.date | None]] = {}
    codes = []
    for cid, code, name, start in session.execute(select(Cohort.id, Cohort.code, Cohort.name, Cohort.start_date)):
        cohorts[lookup_key(code)] = (cid, start)
        cohorts.setdefault(lookup_key(name), (cid, start))
        codes.append(code)
    existing = {
        (r.cohort_id, r.person_id): r
        for r in session.connection().execute(
            select(Enrolment.id, Enrolment.cohort_id, Enrolment.person_id, Enrolment.status, Enrolment.version)
        )
    }
    seen: dict[tuple[int, int], int] = {}
    now = utcnow()
    plan.constants = {"version": 1, "updated_at": now}
    for row in reader:
        pid = row_person(reader, people)
        cohort_text = reader.text("cohort", required=True)
        cohort = cohorts.get(lookup_key(cohort_text)) if cohort_text else None
        if cohort_text and cohort is None:
            reader.problem("cohort", f"unknown cohort {cohort_text!r} (known: {describe_choices(codes)})")
        enrolled_on = reader.date("enrolled_on")
        status = reader.text("status").casefold() or "active"
        if status not in ENROLMENT_STATUSES:
            reader.problem("status", f"unknown status {status!r} (use {', '.join(ENROLMENT_STATUSES)})")
        if pid is None or cohort is None:
            continue
        key = (cohort[0], pid)
        if key in seen:
            reader.problem(
                "external_id", f"duplicate enrolment: row {seen[key]} enrols the same person in {cohort_text!r}"
            )
            continue
        seen[key] = row
        current = existing.get(key)
        if current is None:
            plan.inserts.append(
                {
                    "cohort_id": cohort[0],
                    "person_id": pid,
                    "status": status,
                    "enrolled_on": enrolled_on or cohort[1] or options.now(),
                }
            )
            plan.inserted_keys.append(f"{cohort_text}:{reader.text('external_id')}")
        elif reader.has("status") and current.status != status:
            plan.updates.append(
                {
                    "b_id": current.id,
                    "b_version": current.version,
                    "status": status,
                    "version": current.version + 1,
                    "updated_at": now,
                }
            )
            plan.updated_keys.append(f"{cohort_text}:{reader.text('external_id')}")
            plan.update_diffs.append({"enrolment_id": current.id, "changed": {"status": [current.status, status]}})
        else:
            plan.unchanged += 1


def plan_completions(
    session: Session, reader: RowReader, plan: Plan, options: ImportOptions, recorded_by: int | None
) -> None:
    if not reader.require_columns("external_id", "module", "completed_on"):
        return
    reader.prepare_dates("completed_on")
    people = person_lookup(session)
    archived = archived_people(session)
    modules: dict[str, tuple[int, bool, bool, bool]] = {}
    codes = []
    for mid, code, verify, enrol, active in session.execute(
        select(Module.id, Module.code, Module.requires_verification, Module.requires_enrolment, Module.active)
    ):
        modules[lookup_key(code)] = (mid, verify, enrol, active)
        codes.append(code)
    enrolled = enrolled_for_module(session, [m[0] for m in modules.values() if m[2]])
    module_ids = [m[0] for m in modules.values()]
    existing = (
        set(
            session.connection()
            .execute(
                select(Completion.person_id, Completion.module_id, Completion.completed_on).where(
                    Completion.voided_at.is_(None), Completion.module_id.in_(module_ids)
                )
            )
            .all()
        )
        if module_ids
        else set()
    )
    seen: dict[tuple[int, int, dt.date], int] = {}
    now = utcnow()
    plan.constants = {
        "source": IMPORT_SOURCE,
        "recorded_by_id": recorded_by,
        "recorded_at": now,
        "version": 1,
        "updated_at": now,
    }
    evidence_mapped = reader.has("evidence")
    for row in reader:
        pid = row_person(reader, people, archived)
        module_text = reader.text("module", required=True, max_length=40)
        module = modules.get(lookup_key(module_text)) if module_text else None
        if module_text and module is None:
            reader.problem("module", f"unknown module code {module_text!r} (known: {describe_choices(codes)})")
        elif module is not None and not module[3]:
            reader.problem("module", f"module {module_text!r} is retired; records can no longer be added to it")
            module = None
        completed_on = reader.date("completed_on", required=True, not_future=True)
        evidence = reader.text("evidence", max_length=4000) if evidence_mapped else ""
        if pid is None or module is None or completed_on is None:
            continue
        if module[2] and (pid, module[0]) not in enrolled:
            reader.problem(
                "module",
                f"module {module_text!r} requires an enrolment, and this person is not "
                "actively enrolled in a cohort that includes it: import the enrolment first",
            )
            continue
        key = (pid, module[0], completed_on)
        if key in seen:
            reader.problem(None, f"duplicate row: row {seen[key]} records the same completion")
            continue
        seen[key] = row
        if key in existing:
            plan.unchanged += 1
            continue
        plan.inserts.append(
            {
                "person_id": pid,
                "module_id": module[0],
                "completed_on": completed_on,
                "evidence": evidence,
                "verification": "pending" if module[1] else "not_required",
            }
        )

"""A realistic demo database: professions, modules, credentials, cohorts, people, sign-offs.

Small demos go through the same services a user would; the people, completions and
sign-offs are written in bulk so a 100,000-person demo (for benchmarks) takes minutes,
not hours. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from credtrack import demo_improvement, demo_mail, demo_precepting, demo_ratings, demo_reminders
from credtrack.db import Database
from credtrack.demo_history import after_demo_hooks  # noqa: F401  (demo.after_demo_hooks, as set-up calls it)
from credtrack.demo_names import COMMENTS, NAME_GROUPS, SETTINGS, UNITS
from credtrack.demo_units import ensure_units, membership_rows, unit_history
from credtrack.errors import ValidationError
from credtrack.models import (
    Assessment,
    Cohort,
    Completion,
    Credential,
    CredentialRequirement,
    Enrolment,
    Module,
    Person,
    Profession,
    ScaleLevel,
    UnitMembership,
    User,
    evidence,
    fold,
    utcnow,
)
from credtrack.reports import achieved_refresh
from credtrack.services import catalog, cohorts, settings, setup
from credtrack.services.accounts import users as accounts
from credtrack.services.audit import log as audit
from credtrack.services.audit import record_state
from credtrack.services.catalog import RequirementSpec
from credtrack.services.permissions import SYSTEM, Actor
from credtrack.services.records.signoffs import DEFAULT_ATTESTATION
from credtrack.services.setup import starter_json

DEMO_PASSWORD = "demo-password"
DEMO_USERS = [  # username, role, display name, profession code of the linked person (None: no person)
    ("educator", "educator", "Dana Whitfield", None),
    ("preceptor", "preceptor", "Renée Marchand", "NURS"),
    ("preceptor.pharm", "preceptor", "Tomasz Zieliński", "PHARM"),
    ("preceptor.med", "preceptor", "Adaeze Nwosu", "MED"),
    ("preceptor.sw", "preceptor", "Hiroshi Tanaka", "SW"),
    ("viewer", "viewer", "Quality office", None),
]
PROFESSION_MIX = [
    ("NURS", 40),
    ("MED", 14),
    ("PHARM", 10),
    ("PT", 8),
    ("OT", 6),
    ("SW", 8),
    ("RT", 5),
    ("DIET", 3),
    ("SLP", 3),
    ("PA", 3),
]


@dataclass(frozen=True)
class DemoSummary:
    people: int
    completions: int
    assessments: int
    cohorts: int


def _ensure_catalog(db: Database, actor: Actor, extra_modules: int, extra_credentials: int) -> None:
    setup.load_starter_data(db.unit_of_work())
    data = starter_json("demo-catalog.json")
    with db.unit_of_work() as uow:
        have = set(uow.session.scalars(select(Module.code)))
    for m in data["modules"]:
        if m["code"] not in have:
            catalog.create_module(
                db.unit_of_work(),
                actor,
                code=m["code"],
                title=m["title"],
                kind=m["kind"],
                contact_hours=m["hours"],
                validity_months=m.get("validity"),
                requires_verification=m.get("verify", False),
                competency_codes=m["competencies"],
            )
    for i in range(extra_modules):
        code = f"GEN-{i + 1:03d}"
        if code not in have:
            catalog.create_module(
                db.unit_of_work(),
                actor,
                code=code,
                title=f"Unit orientation topic {i + 1}",
                kind="e_learning",
                contact_hours=1,
                validity_months=24 if i % 5 == 0 else None,
            )
    with db.unit_of_work() as uow:
        have_creds = set(uow.session.scalars(select(Credential.code)))
    for c in data["credentials"]:
        if c["code"] in have_creds:
            continue
        specs = [RequirementSpec("module", module_code=code) for code in c["modules"]]
        specs += [
            RequirementSpec(
                "competency", competency_code=cc, framework_code="IPEC-2023", scale_code=sc, min_level_code=lv
            )
            for cc, sc, lv in c["competencies"]
        ]
        specs += [
            RequirementSpec("ratings", source_code=source, min_count=count, min_level_code=level)
            for source, count, level in c.get("ratings", [])
        ]
        if c.get("rating_sources"):
            specs.append(RequirementSpec("rating_sources", min_count=c["rating_sources"]))
        specs += [
            RequirementSpec("improvement", work_kind=kind, min_count=count, min_professions=professions)
            for kind, count, professions in c.get("improvement", [])
        ]
        catalog.create_credential(
            db.unit_of_work(),
            actor,
            code=c["code"],
            title=c["title"],
            description=c["description"],
            criteria=c["criteria"],
            validity_months=c["validity_months"],
            min_assessor_professions=c.get("min_assessor_professions"),
            requirements=specs,
        )
    for i in range(extra_credentials):
        code = f"UNIT-{i + 1:02d}"
        if code in have_creds:
            continue
        modules = [f"GEN-{(i * 5 + k) % max(extra_modules, 1) + 1:03d}" for k in range(4)] if extra_modules else []
        specs = [RequirementSpec("module", module_code=m) for m in dict.fromkeys(modules)]
        specs.append(
            RequirementSpec(
                "competency",
                competency_code=["C1", "TT1", "RR2", "VE3"][i % 4],
                framework_code="IPEC-2023",
                scale_code="ENTRUST5",
                min_level_code="3",
            )
        )
        catalog.create_credential(
            db.unit_of_work(), actor, code=code, title=f"Unit readiness {i + 1}", validity_months=24, requirements=specs
        )


def _ensure_institution(db: Database) -> None:
    """A fictional institution and signatory, unless the installation already has its own."""

    current = settings.get_institution(db.unit_of_work())
    wanted = {
        "institution_name": "Riverbend Health Sciences Centre",
        "signatory_name": "Dr. Amara Okonkwo-Lindqvist",
        "signatory_title": "Director, Interprofessional Education",
    }
    missing = {k: v for k, v in wanted.items() if not getattr(current, k)}
    if missing:
        settings.update_institution(db.unit_of_work(), SYSTEM, **missing)


def _ensure_users(db: Database, unit_ids: dict[str, int]) -> dict[str, int]:
    """Demo accounts, each preceptor linked to a person of their profession, in a unit since they started."""
    ids = {}
    with db.unit_of_work() as uow:
        s = uow.session
        professions = dict(s.execute(select(Profession.code, Profession.id)).all())
        for n, (username, role, name, prof) in enumerate(DEMO_USERS):
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                person_id = None
                if prof:
                    unit, started = UNITS[n % len(UNITS)], dt.date(2015 + n, 3, 1)
                    person = Person(
                        external_id=f"STAFF-{n + 1:03d}",
                        full_name=name,
                        profession_id=professions[prof],
                        unit=unit,
                        start_date=started,
                    )
                    person.refresh_search_key()
                    s.add(person)
                    s.flush()
                    s.add(UnitMembership(person_id=person.id, unit_id=unit_ids[unit], start_date=started))
                    person_id = person.id
                user = User(
                    username=username,
                    display_name=name,
                    role=role,
                    person_id=person_id,
                    password_hash=accounts.hash_password(DEMO_PASSWORD),
                )
                s.add(user)
                s.flush()
                audit.record(
                    s, SYSTEM, "user.create", "user", user.id, after={"username": username, "role": role, "demo": True}
                )
            ids[username] = user.id
        uow.commit()
    return ids


def _name(rng: random.Random) -> str:
    given, family = rng.choice(NAME_GROUPS)
    g, f = rng.choice(given), rng.choice(family)
    if family is NAME_GROUPS[0][1]:
        return f"{f} {g}"  # Vietnamese order: family name first
    return f"{g} {f}"


def load_demo(
    db: Database,
    people: int = 50,
    *,
    seed: int = 7,
    today: dt.date | None = None,
    extra_modules: int = 0,
    extra_credentials: int = 0,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill ``db`` with a demo of ``people`` learners. Refuses to run twice on one database, and refuses a
    database not created for a demo (its accounts' password is published)."""
    if people < 1:
        raise ValidationError("A demo needs at least one person.")
    rng = random.Random(seed)
    today = today or dt.date.today()
    say = progress or (lambda _msg: None)
    with db.unit_of_work() as uow:
        if uow.session.scalar(select(func.count()).select_from(Person).where(Person.external_id.like("DEMO-%"))):
            raise ValidationError("This database already has demo people; make a new database for a fresh demo.")
    setup.require_demo_database(db.unit_of_work())
    actor = SYSTEM
    say("catalog")
    _ensure_institution(db)
    _ensure_catalog(db, actor, extra_modules, extra_credentials)
    unit_ids = ensure_units(db, actor)
    users = _ensure_users(db, unit_ids)
    with db.unit_of_work() as uow:
        credential_codes = set(uow.session.scalars(select(Credential.code)))
    demo_reminders.add_reminder_setup(db, actor, credential_codes)
    with db.unit_of_work() as uow:
        s = uow.session
        professions = dict(s.execute(select(Profession.code, Profession.id)).all())
        modules_by_id = {m.id: m for m in s.scalars(select(Module))}
        credentials = {c.code: c for c in s.scalars(select(Credential))}
        levels = {(lv.scale_id, lv.rank): lv.id for lv in s.scalars(select(ScaleLevel))}
        requirements = s.execute(select(CredentialRequirement)).scalars().all()
        preceptors = s.execute(
            select(User.id, User.display_name, Person.id, Person.profession_id)
            .join(Person, Person.id == User.person_id)
            .where(User.role == "preceptor")
        ).all()
    say("cohorts")
    n_cohorts = max(1, min(people // 25, 400))
    cohort_codes = []
    voices_cohorts: set[str] = set()
    for i in range(n_cohorts):
        # Cohorts started over the last ~33 months, so the demo has certificates at every age.
        start = today - dt.timedelta(days=20 + (n_cohorts - 1 - i) * 1000 // max(1, n_cohorts - 1))
        code = f"DEMO-{start:%Y-%m}-{i + 1:03d}"
        cohorts.create_cohort(
            db.unit_of_work(), actor, code=code, name=f"Onboarding {start:%B %Y} group {i + 1}", start_date=start
        )
        main = ["IPC-FOUND", "IPC-SAFE"] if i % 3 else ["IPC-FOUND"]
        if start >= today - dt.timedelta(days=365) and i % 2 == 0:
            # Half of the last year's groups also work towards the multi-source credential, begun that year.
            main.append("IPC-VOICES")
            voices_cohorts.add(code)
        for credential_code in main:
            cohorts.assign_credential(db.unit_of_work(), actor, code, credential_code, start + dt.timedelta(days=120))
        cohort_codes.append((code, start))

    say("people")
    weights = [w for _c, w in PROFESSION_MIX]
    prof_codes = [c for c, _w in PROFESSION_MIX]
    with db.unit_of_work() as uow:
        s = uow.session
        cohort_ids = dict(s.execute(select(Cohort.code, Cohort.id)).all())
        person_rows: list[dict[str, Any]] = []
        unit_spans = []  # each person's unit history, by row
        moves = random.Random(seed + 1)  # who moved unit is drawn apart, so the rest of the demo stays as it was
        for i in range(people):
            name = _name(rng)
            code, start = cohort_codes[i % len(cohort_codes)]
            started = start - dt.timedelta(days=rng.randint(0, 14))
            left = started + dt.timedelta(days=rng.randint(60, 700)) if rng.random() < 0.12 else None
            if left and left > today:
                left = None
            ext = f"DEMO-{i + 1:06d}"
            unit_spans.append(unit_history(moves, rng.choice(UNITS), started, left, today))
            person_rows.append(
                {
                    "external_id": ext,
                    "full_name": name,
                    "search_key": f"{fold(name)} {fold(ext)}",
                    "email": f"learner{i + 1}@example.org",
                    "unit": unit_spans[-1][-1][0],  # the unit they are in now
                    "profession_id": professions[rng.choices(prof_codes, weights)[0]],
                    "start_date": started,
                    "end_date": left,
                    "status": "inactive" if left else "active",
                    "created_at": utcnow(),
                    "version": 1,
                    "updated_at": utcnow(),
                }
            )
        record_state.touch_new(s, "person")
        s.execute(insert(Person), person_rows)
        ids = dict(s.execute(select(Person.external_id, Person.id).where(Person.external_id.like("DEMO-%"))).all())
        enrol_rows = [
            {
                "cohort_id": cohort_ids[cohort_codes[i % len(cohort_codes)][0]],
                "person_id": ids[r["external_id"]],
                "enrolled_on": r["start_date"],
                "status": "active",
                "version": 1,
                "updated_at": utcnow(),
            }
            for i, r in enumerate(person_rows)
        ]
        s.execute(insert(Enrolment), enrol_rows)
        record_state.touch_new(s, "unit_membership")
        histories = [(ids[r["external_id"]], spans) for r, spans in zip(person_rows, unit_spans, strict=True)]
        s.execute(insert(UnitMembership), membership_rows(histories, unit_ids))

        say("records")
        completions, assessments = [], []
        req_by_cred: dict[int, list[CredentialRequirement]] = {}
        for requirement in requirements:
            req_by_cred.setdefault(requirement.credential_id, []).append(requirement)
        targets = [credentials[c] for c in ("IPC-FOUND", "IPC-SAFE") if c in credentials]
        extra_targets = [c for code, c in credentials.items() if code.startswith("UNIT-")]
        for r in person_rows:
            pid = ids[r["external_id"]]
            started = r["start_date"]
            # Most onboarding work happens in the first months after someone starts.
            horizon = max(1, min((min(today, r["end_date"] or today) - started).days, 150))
            diligence = rng.random()
            chosen = list(targets) + (rng.sample(extra_targets, k=min(len(extra_targets), 3)) if extra_targets else [])
            for cred in chosen:
                for req in req_by_cred.get(cred.id, []):
                    if rng.random() > diligence + 0.15:
                        continue
                    day = started + dt.timedelta(days=rng.randint(0, horizon))
                    if day > today:
                        day = today
                    # The requirement's shape constraint: a module one names its module, a competency one its scale.
                    if req.kind == "module":
                        assert req.module_id is not None
                        module = modules_by_id[req.module_id]
                        if module.validity_months and rng.random() < 0.25:
                            day = started - dt.timedelta(days=rng.randint(380, 900))  # an old, lapsed completion
                        pending = module.requires_verification and rng.random() < 0.1
                        completions.append(
                            {
                                "person_id": pid,
                                "module_id": module.id,
                                "completed_on": day,
                                "evidence": "LMS record" if module.kind == "e_learning" else "Attendance sheet",
                                "source": "demo",
                                "verification": ("pending" if pending else "verified")
                                if module.requires_verification
                                else "not_required",
                                "recorded_by_id": users["educator"],
                                "recorded_at": utcnow(),
                                "version": 1,
                                "updated_at": utcnow(),
                            }
                        )
                    else:
                        scale_id = req.scale_id
                        assert scale_id is not None
                        top = max(rank for (sid, rank) in levels if sid == scale_id)
                        for _attempt in range(rng.choice([1, 1, 2])):
                            rank = max(1, min(top, rng.choice([top - 2, top - 1, top - 1, top, top])))
                            who = rng.choice(preceptors)
                            assessments.append(
                                {
                                    "person_id": pid,
                                    "competency_id": req.competency_id,
                                    "scale_id": scale_id,
                                    "level_id": levels[(scale_id, rank)],
                                    "assessed_on": day,
                                    "method": rng.choice(["direct_observation", "simulation", "case_discussion"]),
                                    "setting": rng.choice(SETTINGS),
                                    "comment": rng.choice(COMMENTS),
                                    "attestation_text": DEFAULT_ATTESTATION,
                                    "attestation_accepted": True,
                                    "assessor_user_id": who[0],
                                    "assessor_person_id": who[2],
                                    "assessor_name": who[1],
                                    "assessor_profession_id": who[3],
                                    "reauthenticated": True,
                                    "source": "demo",
                                    "recorded_at": utcnow(),
                                    "version": 1,
                                    "updated_at": utcnow(),
                                }
                            )
                            day = min(today, day + dt.timedelta(days=rng.randint(5, 40)))
            if len(completions) > 50000:
                record_state.touch_new(s, "completion")
                s.execute(insert(Completion), completions)
                completions.clear()
            if len(assessments) > 50000:
                record_state.touch_new(s, "assessment")
                s.execute(insert(Assessment), assessments)
                assessments.clear()
        if completions:
            record_state.touch_new(s, "completion")
            s.execute(insert(Completion), completions)
        if assessments:
            record_state.touch_new(s, "assessment")
            s.execute(insert(Assessment), assessments)
        say("ratings")
        voices = {
            ids[r["external_id"]]: r["start_date"]
            for i, r in enumerate(person_rows)
            if cohort_codes[i % len(cohort_codes)][0] in voices_cohorts
        }
        demo_ratings.add_ratings(
            s, [ids[r["external_id"]] for r in person_rows], today, seed, users, preceptors, focus=voices
        )
        say("improvement work")
        learners = [(ids[r["external_id"]], r["profession_id"], r["start_date"], r["end_date"]) for r in person_rows]
        demo_improvement.add_improvement_work(s, learners, today, seed, users, preceptors)
        demo_mail.add_mail_settings(s, actor)
        say("preceptor pathway")
        demo_precepting.add_pathway_records(
            s, [(p[2], p[1]) for p in sorted(preceptors, key=lambda p: p[0])], today, seed, users["educator"]
        )
        evidence.rebuild(s.connection())
        achieved_refresh.rebuild(s)  # the first days the reports read, as the desktop keeps them
        n_comp = s.scalar(select(func.count()).select_from(Completion)) or 0
        n_assess = s.scalar(select(func.count()).select_from(Assessment)) or 0
        summary = DemoSummary(people, n_comp, n_assess, len(cohort_codes))
        audit.record(
            s,
            actor,
            "demo.load",
            "database",
            "",
            after=summary.__dict__,
            note="Demo data: fabricated people and records for trying credtrack out.",
        )
        uow.commit()
    return summary

"""Helpers, not tests: a small world for the certificate tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from credtrack.db import Database
from credtrack.models import (
    Assessment,
    Cohort,
    CohortCredential,
    Competency,
    Completion,
    Credential,
    CredentialRequirement,
    Enrolment,
    Module,
    Person,
    Profession,
    Scale,
    ScaleLevel,
)
from credtrack.services import keys as key_service
from credtrack.services import settings
from credtrack.services.accounts import users as accounts
from credtrack.services.permissions import SYSTEM, Actor
from credtrack.services.setup import load_starter_data

PASSWORD = "correct horse 42"
DAY = dt.date(2026, 1, 10)


@dataclass
class World:
    db: Database
    admin: Actor
    educator: Actor
    credential_id: int
    eligible_id: int
    pending_id: int


def make_person(session, external_id: str, name: str, *, eligible: bool, module: Module, comps, scale) -> Person:
    person = Person(external_id=external_id, full_name=name, status="active")
    person.refresh_search_key()
    session.add(person)
    session.flush()
    session.add(Completion(person_id=person.id, module_id=module.id, completed_on=DAY - dt.timedelta(days=20)))
    nursing = session.scalar(select(Profession).limit(1))
    level = session.scalar(select(ScaleLevel).where(ScaleLevel.scale_id == scale.id, ScaleLevel.code == "4"))
    for comp in comps if eligible else comps[:1]:
        session.add(
            Assessment(
                person_id=person.id,
                competency_id=comp.id,
                scale_id=scale.id,
                level_id=level.id,
                assessed_on=DAY - dt.timedelta(days=5),
                method="direct_observation",
                attestation_text="I observed this.",
                attestation_accepted=True,
                assessor_name="Dr. Okonkwo",
                assessor_profession_id=nursing.id if nursing else None,
            )
        )
    return person


def build_world(db: Database, names: tuple[str, ...] = ("Nguyễn Thị Minh Khai",)) -> World:
    load_starter_data(db.unit_of_work())
    settings.update_institution(
        db.unit_of_work(),
        SYSTEM,
        institution_name="Riverside Teaching Hospital",
        signatory_name="Dr. Amara Okonkwo",
        signatory_title="Director of Interprofessional Education",
    )
    accounts.create_user(db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin")
    admin = accounts.log_in(db.unit_of_work(), "admin", PASSWORD)
    accounts.create_user(db.unit_of_work(), admin, username="edu", password=PASSWORD, role="educator")
    educator = accounts.log_in(db.unit_of_work(), "edu", PASSWORD)
    key_service.create_issuer_key(db.unit_of_work())
    with db.unit_of_work() as uow:
        s = uow.session
        scale = s.scalar(select(Scale).where(Scale.code == "ENTRUST5"))
        min_level = s.scalar(select(ScaleLevel).where(ScaleLevel.scale_id == scale.id, ScaleLevel.code == "3"))
        comps = list(
            s.scalars(
                select(Competency)
                .where(Competency.code.in_(["VE1", "RR1", "C2", "TT3"]))
                .order_by(Competency.sort_order)
            )
        )
        module = Module(code="IPE-101", title="Introduction to interprofessional practice")
        s.add(module)
        credential = Credential(
            code="IPC-FOUND",
            title="Interprofessional Collaboration Foundations",
            description="Foundations of working in an interprofessional team.",
            criteria="Complete IPE-101 and be signed off on four IPEC competencies.",
            validity_months=24,
        )
        s.add(credential)
        s.flush()
        s.add(CredentialRequirement(credential_id=credential.id, kind="module", module_id=module.id, sort_order=0))
        for i, comp in enumerate(comps, start=1):
            s.add(
                CredentialRequirement(
                    credential_id=credential.id,
                    kind="competency",
                    competency_id=comp.id,
                    scale_id=scale.id,
                    min_level_id=min_level.id,
                    sort_order=i,
                )
            )
        people = [
            make_person(s, f"E{i:04}", name, eligible=True, module=module, comps=comps, scale=scale)
            for i, name in enumerate(names, start=1)
        ]
        pending = make_person(
            s, "P0001", "Zoë O'Brien-Łukasiewicz", eligible=False, module=module, comps=comps, scale=scale
        )
        cohort = Cohort(code="2026-JAN", name="January 2026 residents")
        s.add(cohort)
        s.flush()
        s.add(CohortCredential(cohort_id=cohort.id, credential_id=credential.id))
        for p in [*people, pending]:
            s.add(Enrolment(cohort_id=cohort.id, person_id=p.id, enrolled_on=DAY - dt.timedelta(days=30)))
        uow.commit()
        return World(db, admin, educator, credential.id, people[0].id, pending.id)

"""A small hand-built catalog and roster that the data tests import into and report on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import update

from credtrack.models import (
    Assessment,
    Cohort,
    CohortCredential,
    Competency,
    CompetencyDomain,
    Completion,
    Credential,
    CredentialRequirement,
    Enrolment,
    Framework,
    Module,
    Person,
    Profession,
    Scale,
    ScaleLevel,
    Unit,
    UnitMembership,
    unit_key,
)
from credtrack.services.permissions import Actor

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
EDUCATOR = Actor(id=None, username="edu", role="educator", display_name="Test Educator")
VIEWER = Actor(id=None, username="view", role="viewer")


@dataclass
class Ids:
    professions: dict[str, int]
    people: dict[str, int]
    modules: dict[str, int]
    competencies: dict[str, int]
    domains: dict[str, int]
    scales: dict[str, int]
    levels: dict[tuple[str, str], int]
    cohorts: dict[str, int]
    credentials: dict[str, int]
    units: dict[str, int]


def seed(db) -> Ids:
    """Professions, a four-domain framework, two scales, three modules, one cohort, people and preceptors, and
    two units (4 West and ICU) nobody is in yet."""
    with db.unit_of_work() as uow:
        s = uow.session
        professions = {
            code: Profession(code=code, name=name)
            for code, name in [("NURS", "Nursing"), ("MED", "Medicine"), ("PHARM", "Pharmacy"), ("SW", "Social work")]
        }
        s.add_all(professions.values())
        fw = Framework(code="IPEC-2023", name="IPEC Core Competencies", version_label="3 (2023)")
        s.add(fw)
        s.flush()
        domains = {}
        for order, code in enumerate(["VE", "RR", "C", "TT"]):
            domains[code] = CompetencyDomain(framework_id=fw.id, code=code, name=code, sort_order=order)
        s.add_all(domains.values())
        s.flush()
        competencies = {}
        for order, (code, domain) in enumerate(
            [("VE1", "VE"), ("VE2", "VE"), ("RR1", "RR"), ("RR2", "RR"), ("C1", "C"), ("TT1", "TT")]
        ):
            competencies[code] = Competency(
                framework_id=fw.id,
                domain_id=domains[domain].id,
                code=code,
                label=f"Competency {code}",
                sort_order=order,
            )
        s.add_all(competencies.values())
        scales = {
            "ENTRUST5": Scale(code="ENTRUST5", name="Entrustment (1-5)"),
            "METNOT": Scale(code="METNOT", name="Met / Not met"),
        }
        s.add_all(scales.values())
        s.flush()
        levels = {}
        for rank in range(1, 6):
            levels[("ENTRUST5", str(rank))] = ScaleLevel(
                scale_id=scales["ENTRUST5"].id,
                code=str(rank),
                label=f"Entrustment {rank}",
                rank=rank,
                passing=rank >= 3,
            )
        levels[("METNOT", "NM")] = ScaleLevel(
            scale_id=scales["METNOT"].id, code="NM", label="Not met", rank=1, passing=False
        )
        levels[("METNOT", "M")] = ScaleLevel(scale_id=scales["METNOT"].id, code="M", label="Met", rank=2, passing=True)
        s.add_all(levels.values())
        modules = {
            "IPE-101": Module(code="IPE-101", title="Roles on the interprofessional team", kind="e_learning"),
            "SIM-201": Module(
                code="SIM-201",
                title="Team simulation: deteriorating patient",
                kind="simulation",
                requires_verification=True,
                validity_months=12,
            ),
            "ENR-301": Module(code="ENR-301", title="Residency huddles", kind="huddle", requires_enrolment=True),
        }
        s.add_all(modules.values())
        s.flush()
        credential = Credential(code="IPC-1", title="Interprofessional Collaborator", validity_months=24)
        credential.requirements = [
            CredentialRequirement(kind="module", module_id=modules["IPE-101"].id, sort_order=0),
            CredentialRequirement(
                kind="competency",
                competency_id=competencies["VE1"].id,
                scale_id=scales["ENTRUST5"].id,
                min_level_id=levels[("ENTRUST5", "3")].id,
                sort_order=1,
            ),
        ]
        huddles = Credential(code="RES-1", title="Residency huddle participant")
        huddles.requirements = [CredentialRequirement(kind="module", module_id=modules["ENR-301"].id)]
        s.add_all([credential, huddles])
        cohort = Cohort(code="C2024", name="Spring 2024 residents", start_date=dt.date(2024, 1, 8))
        s.add(cohort)
        s.flush()
        s.add(CohortCredential(cohort_id=cohort.id, credential_id=credential.id, due_date=dt.date(2024, 6, 30)))
        s.add(CohortCredential(cohort_id=cohort.id, credential_id=huddles.id))
        people = {}
        for ext, name, prof in [
            ("P001", "Nguyễn Thị Minh", "NURS"),
            ("P002", "Zoë O'Brien-Łukasiewicz", "MED"),
            ("P003", "Samuel Okafor", "PHARM"),
            ("R001", "Rita Preceptor", "PHARM"),
            ("R002", "Mo Mentor", "MED"),
        ]:
            person = Person(
                external_id=ext, full_name=name, profession_id=professions[prof].id, start_date=dt.date(2024, 1, 8)
            )
            person.refresh_search_key()
            people[ext] = person
        s.add_all(people.values())
        units = {
            name: Unit(name=name, name_key=unit_key(name), service_line=line, site="North")
            for name, line in [("4 West", "Medicine"), ("ICU", "Critical care")]
        }
        s.add_all(units.values())
        s.flush()
        ids = Ids(
            professions={k: v.id for k, v in professions.items()},
            people={k: v.id for k, v in people.items()},
            modules={k: v.id for k, v in modules.items()},
            competencies={k: v.id for k, v in competencies.items()},
            domains={k: v.id for k, v in domains.items()},
            scales={k: v.id for k, v in scales.items()},
            levels={k: v.id for k, v in levels.items()},
            cohorts={"C2024": cohort.id},
            credentials={"IPC-1": credential.id, "RES-1": huddles.id},
            units={k: v.id for k, v in units.items()},
        )
        uow.commit()
    return ids


@pytest.fixture
def seeded(db) -> Ids:
    return seed(db)


D = dt.date


@pytest.fixture
def history(db, seeded):
    """Three learners in cohort C2024 (enrolled 2024-01-08), two preceptors.

    P001 (Nursing, 4 West): IPE-101 on 01-20; VE1 at 2 (01-25, by R001 Pharmacy), at 4 (02-07, by R002 Medicine)
        -> IPC-1 achieved 02-07, 30 days.
    P002 (Medicine, 4 West): IPE-101 on 01-18; VE1 at 3 (01-28, by R001); RR1 Met (02-03, by a visitor with
        no profession); ENR-301 on 02-01 -> IPC-1 in 20 days, RES-1 in 24 days.
    P003 (Pharmacy, ICU, left 2024-03-01): IPE-101 on 01-15; C1 at 3 by R001; a voided VE1 at 5.
    R002 left 2024-09-01.
    """
    p, lv, c = seeded.people, seeded.levels, seeded.competencies
    ent = seeded.scales["ENTRUST5"]
    with db.unit_of_work() as uow:
        s = uow.session
        for ext, unit in [("P001", "4 West"), ("P002", "4 West"), ("P003", "ICU")]:
            s.execute(update(Person).where(Person.id == p[ext]).values(unit=unit))
            s.add(UnitMembership(person_id=p[ext], unit_id=seeded.units[unit], start_date=D(2024, 1, 8)))
        s.execute(update(Person).where(Person.id == p["P003"]).values(end_date=D(2024, 3, 1)))
        s.execute(update(Person).where(Person.id == p["R002"]).values(end_date=D(2024, 9, 1)))
        for ext in ("P001", "P002", "P003"):
            s.add(Enrolment(cohort_id=seeded.cohorts["C2024"], person_id=p[ext], enrolled_on=D(2024, 1, 8)))
        for ext, module, on in [
            ("P001", "IPE-101", D(2024, 1, 20)),
            ("P002", "IPE-101", D(2024, 1, 18)),
            ("P002", "ENR-301", D(2024, 2, 1)),
            ("P003", "IPE-101", D(2024, 1, 15)),
        ]:
            s.add(Completion(person_id=p[ext], module_id=seeded.modules[module], completed_on=on))

        def sign(ext, comp, scale, level, on, assessor=None, name="", prof=None, voided=False):
            s.add(
                Assessment(
                    person_id=p[ext],
                    competency_id=c[comp],
                    scale_id=scale,
                    level_id=level,
                    assessed_on=on,
                    method="direct_observation",
                    attestation_accepted=True,
                    assessor_person_id=p[assessor] if assessor else None,
                    assessor_name=name or assessor or "",
                    assessor_profession_id=seeded.professions[prof] if prof else None,
                    voided_at=dt.datetime(2024, 3, 1) if voided else None,
                    void_reason="entered twice" if voided else None,
                )
            )

        sign("P001", "VE1", ent, lv[("ENTRUST5", "2")], D(2024, 1, 25), "R001", prof="PHARM")
        sign("P001", "VE1", ent, lv[("ENTRUST5", "4")], D(2024, 2, 7), "R002", prof="MED")
        sign("P002", "VE1", ent, lv[("ENTRUST5", "3")], D(2024, 1, 28), "R001", prof="PHARM")
        sign("P002", "RR1", seeded.scales["METNOT"], lv[("METNOT", "M")], D(2024, 2, 3), name="Dana Visiting")
        sign("P003", "C1", ent, lv[("ENTRUST5", "3")], D(2024, 1, 30), "R001", prof="PHARM")
        sign("P003", "VE1", ent, lv[("ENTRUST5", "5")], D(2024, 1, 31), "R002", prof="MED", voided=True)
        uow.commit()
    return seeded


SIGNER_PASSWORD = "correct horse battery"


@pytest.fixture
def signer(db):
    """A real educator account, for imports that are signed with a re-entered password."""
    from unittest import mock

    from argon2 import PasswordHasher

    from credtrack.services.accounts import users as accounts
    from credtrack.services.permissions import SYSTEM

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

    with mock.patch.object(accounts, "hash_password", cheap.hash):
        accounts.create_user(db.unit_of_work(), SYSTEM, username="admin", password=SIGNER_PASSWORD, role="admin")
        admin = accounts.log_in(db.unit_of_work(), "admin", SIGNER_PASSWORD)
        row = accounts.create_user(
            db.unit_of_work(),
            admin,
            username="importer",
            password=SIGNER_PASSWORD,
            role="educator",
            display_name="Ida Importer",
        ).value
    return Actor(id=row.id, username=row.username, role=row.role, display_name=row.display_name)

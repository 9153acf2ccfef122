"""A small hand-built catalog and roster that the data tests import into and report on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from credtrack.models import (
    Cohort,
    CohortCredential,
    Competency,
    CompetencyDomain,
    Credential,
    CredentialRequirement,
    Framework,
    Module,
    Person,
    Profession,
    Scale,
    ScaleLevel,
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


def seed(db) -> Ids:
    """Professions, a four-domain framework, two scales, three modules, one cohort, people and preceptors."""
    with db.unit_of_work() as uow:
        s = uow.session
        professions = {code: Profession(code=code, name=name) for code, name in
                       [("NURS", "Nursing"), ("MED", "Medicine"), ("PHARM", "Pharmacy"), ("SW", "Social work")]}
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
        for order, (code, domain) in enumerate([("VE1", "VE"), ("VE2", "VE"), ("RR1", "RR"), ("RR2", "RR"),
                                                ("C1", "C"), ("TT1", "TT")]):
            competencies[code] = Competency(framework_id=fw.id, domain_id=domains[domain].id, code=code,
                                            label=f"Competency {code}", sort_order=order)
        s.add_all(competencies.values())
        scales = {"ENTRUST5": Scale(code="ENTRUST5", name="Entrustment (1-5)"),
                  "METNOT": Scale(code="METNOT", name="Met / Not met")}
        s.add_all(scales.values())
        s.flush()
        levels = {}
        for rank in range(1, 6):
            levels[("ENTRUST5", str(rank))] = ScaleLevel(scale_id=scales["ENTRUST5"].id, code=str(rank),
                                                         label=f"Entrustment {rank}", rank=rank, passing=rank >= 3)
        levels[("METNOT", "NM")] = ScaleLevel(scale_id=scales["METNOT"].id, code="NM", label="Not met", rank=1,
                                              passing=False)
        levels[("METNOT", "M")] = ScaleLevel(scale_id=scales["METNOT"].id, code="M", label="Met", rank=2,
                                             passing=True)
        s.add_all(levels.values())
        modules = {
            "IPE-101": Module(code="IPE-101", title="Roles on the interprofessional team", kind="e_learning"),
            "SIM-201": Module(code="SIM-201", title="Team simulation: deteriorating patient", kind="simulation",
                              requires_verification=True, validity_months=12),
            "ENR-301": Module(code="ENR-301", title="Residency huddles", kind="huddle", requires_enrolment=True),
        }
        s.add_all(modules.values())
        s.flush()
        credential = Credential(code="IPC-1", title="Interprofessional Collaborator", validity_months=24)
        credential.requirements = [
            CredentialRequirement(kind="module", module_id=modules["IPE-101"].id, sort_order=0),
            CredentialRequirement(kind="competency", competency_id=competencies["VE1"].id,
                                  scale_id=scales["ENTRUST5"].id, min_level_id=levels[("ENTRUST5", "3")].id,
                                  sort_order=1),
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
        for ext, name, prof in [("P001", "Nguyễn Thị Minh", "NURS"), ("P002", "Zoë O'Brien-Łukasiewicz", "MED"),
                                ("P003", "Samuel Okafor", "PHARM"), ("R001", "Rita Preceptor", "PHARM"),
                                ("R002", "Mo Mentor", "MED")]:
            person = Person(external_id=ext, full_name=name, profession_id=professions[prof].id,
                            start_date=dt.date(2024, 1, 8))
            person.refresh_search_key()
            people[ext] = person
        s.add_all(people.values())
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
        )
        uow.commit()
    return ids


@pytest.fixture
def seeded(db) -> Ids:
    return seed(db)

"""A small, realistic credtrack world built through the services, shared by the records tests.

Every account's password is hashed with argon2id at deliberately cheap parameters while the
world is built, so that re-entering a password to sign costs milliseconds instead of a quarter
of a second; the services verify it exactly as they verify a production hash. Tests of the
hashing itself (``test_accounts``) use the real parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from argon2 import PasswordHasher
from sqlalchemy import select, text

from credtrack.db import Database, UnitOfWork
from credtrack.models import Base, Certificate, IssuerKey
from credtrack.services import catalog, cohorts, people, setup
from credtrack.services.accounts import users as accounts
from credtrack.services.catalog import RequirementSpec
from credtrack.services.permissions import SYSTEM, Actor
from credtrack.services.records import completions as completion_records
from credtrack.services.records import signoffs as signoff_records

PASSWORD = "correct horse battery"
TODAY = dt.date(2026, 6, 15)
ROLES = ("admin", "educator", "preceptor", "viewer")

_cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@contextmanager
def cheap_hashing() -> Iterator[None]:
    with mock.patch.object(accounts, "hash_password", _cheap.hash):
        yield


def actor_of(row: accounts.UserRow) -> Actor:
    return Actor(
        id=row.id, username=row.username, role=row.role, display_name=row.display_name, person_id=row.person_id
    )


@dataclass
class World:
    db: Database
    admin: Actor
    educator: Actor
    preceptor: Actor  # a nurse
    preceptor_pharm: Actor  # a pharmacist
    preceptor_med: Actor  # a physician
    viewer: Actor
    learner: int  # a nurse, enrolled in the cohort
    learner2: int  # a physician, enrolled in nothing
    preceptor_person: int  # the nurse preceptor's own person record
    cohort: str = "COH-A"
    credential: str = "IPC-CORE"
    credential_id: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return self.db.unit_of_work()

    def as_role(self, role: str) -> Actor:
        return {"admin": self.admin, "educator": self.educator, "preceptor": self.preceptor, "viewer": self.viewer}[
            role
        ]


def add_person(db: Database, actor: Actor, ext: str, name: str, profession: str | None = "NURS", **kw: object) -> int:
    return people.create_person(
        db.unit_of_work(), actor, external_id=ext, full_name=name, profession_code=profession, **kw
    ).value.id  # type: ignore[arg-type]


def build_world(db: Database) -> World:
    """Starter data, one account per role, modules of each kind, a credential and a cohort."""
    setup.load_starter_data(db.unit_of_work())
    with cheap_hashing():
        admin = actor_of(
            accounts.create_user(
                db.unit_of_work(), SYSTEM, username="admin", password=PASSWORD, role="admin", display_name="Ada Admin"
            ).value
        )
        staff = {}
        for ext, name, prof in (
            ("STAFF-1", "Renée Marchand", "NURS"),
            ("STAFF-2", "Tomasz Zieliński", "PHARM"),
            ("STAFF-3", "Adaeze Nwosu", "MED"),
        ):
            staff[prof] = add_person(db, admin, ext, name, prof, start_date="2015-03-01")

        def user(username: str, role: str, name: str, person_id: int | None = None) -> Actor:
            return actor_of(
                accounts.create_user(
                    db.unit_of_work(),
                    admin,
                    username=username,
                    password=PASSWORD,
                    role=role,
                    display_name=name,
                    person_id=person_id,
                ).value
            )

        educator = user("educator", "educator", "Dana Whitfield")
        preceptor = user("preceptor", "preceptor", "Renée Marchand", staff["NURS"])
        preceptor_pharm = user("preceptor.pharm", "preceptor", "Tomasz Zieliński", staff["PHARM"])
        preceptor_med = user("preceptor.med", "preceptor", "Adaeze Nwosu", staff["MED"])
        viewer = user("viewer", "viewer", "Quality office")
    learner = add_person(db, admin, "EMP-001", "Nguyễn Thị Minh", "NURS", start_date="2026-01-05")
    learner2 = add_person(db, admin, "EMP-002", "José Álvarez", "MED", start_date="2026-01-05")

    def module(code: str, **kw: object) -> None:
        catalog.create_module(db.unit_of_work(), educator, code=code, title=f"Module {code}", **kw)  # type: ignore[arg-type]

    module("ONB-101", competency_codes=["VE1", "RR1"])
    module("BLS", kind="simulation", validity_months=12)
    module("SIM-1", kind="simulation", requires_verification=True)
    module("UNIT-ORI", kind="shadowing", requires_enrolment=True)
    credential_id = catalog.create_credential(
        db.unit_of_work(),
        educator,
        code="IPC-CORE",
        title="Interprofessional collaboration: core",
        validity_months=24,
        min_assessor_professions=2,
        requirements=[RequirementSpec("module", module_code=m) for m in ("ONB-101", "BLS", "SIM-1", "UNIT-ORI")]
        + [
            RequirementSpec("competency", competency_code=c, scale_code="ENTRUST5", min_level_code="3")
            for c in ("C1", "TT1")
        ],
    ).value.id
    cohorts.create_cohort(
        db.unit_of_work(), educator, code="COH-A", name="January nurses", start_date="2026-01-05", end_date="2026-07-05"
    )
    cohorts.assign_credential(db.unit_of_work(), educator, "COH-A", "IPC-CORE", "2026-05-01")
    cohorts.enrol(db.unit_of_work(), educator, "COH-A", [learner], "2026-01-05")
    return World(
        db,
        admin,
        educator,
        preceptor,
        preceptor_pharm,
        preceptor_med,
        viewer,
        learner,
        learner2,
        staff["NURS"],
        credential_id=credential_id,
    )


# Records ----------------------------------------------------------------------------------------


def complete(
    w: World, module: str, on: dt.date | str, person: int | None = None, actor: Actor | None = None, **kw: object
) -> completion_records.CompletionRow:
    return completion_records.record_completion(
        w.uow(),
        actor or w.educator,
        person_id=person or w.learner,
        module_code=module,
        completed_on=on,
        today=TODAY,
        **kw,
    ).value  # type: ignore[arg-type]


def signoff(
    w: World,
    competency: str,
    level: str,
    on: dt.date | str,
    *,
    person: int | None = None,
    actor: Actor | None = None,
    scale: str = "ENTRUST5",
    password: str = PASSWORD,
) -> signoff_records.AssessmentRow:
    return signoff_records.record_signoff(
        w.uow(),
        actor or w.preceptor,
        person_id=person or w.learner,
        competency_code=competency,
        scale_code=scale,
        level_code=level,
        assessed_on=on,
        method="direct_observation",
        password=password,
        attestation_accepted=True,
        today=TODAY,
    ).value


def credential(
    w: World,
    code: str,
    *,
    modules: tuple[str, ...] = (),
    competencies: tuple[tuple[str, str, str], ...] = (),
    min_professions: int | None = None,
) -> int:
    specs = [RequirementSpec("module", module_code=m) for m in modules]
    specs += [
        RequirementSpec("competency", competency_code=c, scale_code=s, min_level_code=lv) for c, s, lv in competencies
    ]
    return catalog.create_credential(
        w.uow(),
        w.educator,
        code=code,
        title=f"Credential {code}",
        min_assessor_professions=min_professions,
        requirements=specs,
    ).value.id


def add_certificate(
    db: Database,
    person_id: int,
    credential_id: int,
    issued_on: dt.date,
    expires_on: dt.date | None,
    status: str = "valid",
) -> None:
    """Insert an issued certificate directly (certificate issuing is a separate service)."""
    with db.unit_of_work() as uow:
        s = uow.session
        if s.scalar(select(IssuerKey.id).where(IssuerKey.kid == "test-kid")) is None:
            s.add(IssuerKey(kid="test-kid", public_jwk="{}", issuer_name="Test hospital"))
            s.flush()
        n = len(s.scalars(select(Certificate.id)).all()) + 1
        s.add(
            Certificate(
                code=f"CT-TEST-{n}",
                person_id=person_id,
                credential_id=credential_id,
                holder_name="holder",
                credential_title="title",
                issued_on=issued_on,
                expires_on=expires_on,
                issuer_kid="test-kid",
                qr_payload="CT1:TEST",
                status=status,
            )
        )
        uow.commit()


# Observing the database -----------------------------------------------------------------------


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in key order: equal snapshots mean nothing was written."""
    out: dict[str, list[tuple]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            keys = [c for c in table.primary_key.columns] or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(table.select().order_by(*keys))]
    return out


def audit_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one())


def historical_signoff(
    w: World,
    competency: str = "C1",
    level: str = "4",
    on: dt.date | str = "2025-09-01",
    *,
    person: int | None = None,
    assessor: str = "Jane Doe",
    profession: str | None = "SW",
) -> int:
    """A sign-off as an import leaves it when its assessor is not on record: historical, awaiting confirmation."""
    from credtrack.models import Assessment, Competency, Profession, Scale, ScaleLevel

    with w.uow() as uow:
        s = uow.session
        comp = s.scalar(select(Competency).where(Competency.code == competency))
        scale = s.scalar(select(Scale).where(Scale.code == "ENTRUST5"))
        lv = s.scalar(select(ScaleLevel).where(ScaleLevel.scale_id == scale.id, ScaleLevel.code == level))
        prof = s.scalar(select(Profession.id).where(Profession.code == profession)) if profession else None
        a = Assessment(
            person_id=person or w.learner,
            competency_id=comp.id,
            scale_id=scale.id,
            level_id=lv.id,
            assessed_on=dt.date.fromisoformat(str(on)),
            method="other",
            attestation_accepted=True,
            attestation_text="imported",
            assessor_name=assessor,
            assessor_profession_id=prof,
            source="import",
            verification="pending",
        )
        s.add(a)
        s.flush()
        aid = a.id
        uow.commit()
    return aid

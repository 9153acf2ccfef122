"""Setting up a new database: the starter frameworks, professions, scales and rating sources from
resources/starter, and the preceptor development pathway (``services.pathways``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack import paths
from credtrack.db import UnitOfWork, intend_to_write
from credtrack.errors import ValidationError
from credtrack.models import Framework, Person, Profession, RatingSource, Scale, Setting, User
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.frameworks import _create_framework, _create_scale
from credtrack.services.pathways import add_missing_pathway
from credtrack.services.permissions import SYSTEM, Actor
from credtrack.services.rating_sources import DEFAULT_ATTESTATION

STARTER_FRAMEWORKS = ("ipec-2023.json",)


@dataclass(frozen=True)
class StarterSummary:
    professions: int
    frameworks: int
    scales: int
    rating_sources: int = 0
    pathway_parts: int = 0  # frameworks, modules, sources and credentials of the preceptor pathway


def starter_json(name: str):
    return json.loads(paths.resource_path("starter", name).read_text(encoding="utf-8"))


def load_starter_data(uow: UnitOfWork, actor: Actor = SYSTEM) -> Result[StarterSummary]:
    """Add whichever starter professions, frameworks, scales, rating sources and parts of the preceptor
    pathway are missing. Safe to run twice."""
    with uow:
        session = uow.session
        added_prof = 0
        for p in starter_json("professions.json"):
            exists = session.scalar(select(Profession.id).where(func.upper(Profession.code) == p["code"].upper()))
            if exists is None:
                session.add(Profession(code=p["code"], name=p["name"]))
                added_prof += 1
        added_fw = 0
        for name in STARTER_FRAMEWORKS:
            data = starter_json(name)
            if session.scalar(select(Framework.id).where(Framework.code == data["code"])) is None:
                _create_framework(session, data, code=None, name=None)
                added_fw += 1
        added_scales = 0
        for data in starter_json("scales.json"):
            if session.scalar(select(Scale.id).where(Scale.code == data["code"])) is None:
                _create_scale(session, data)
                added_scales += 1
        session.flush()
        added_sources = _starter_rating_sources(session)
        pathway = add_missing_pathway(session)
        parts = len(pathway.frameworks + pathway.modules + pathway.rating_sources + pathway.credentials)
        summary = StarterSummary(added_prof, added_fw, added_scales, added_sources, parts)
        if added_prof or added_fw or added_scales or added_sources or parts:
            session.flush()
            audit.record(session, actor, "setup.starter_data", "database", "", after=summary.__dict__)
        uow.commit()
        return Result(summary, Change.CATALOG | Change.PEOPLE | Change.AUDIT)


def _starter_rating_sources(session: Session) -> int:
    """The starter rating sources (a colleague of another profession, a patient or family advisor, a team
    member, the learner) that are missing, each on its starter scale with the competencies it may rate."""
    added = 0
    framework = session.scalar(select(Framework).where(Framework.code == starter_json(STARTER_FRAMEWORKS[0])["code"]))
    for data in starter_json("rating-sources.json"):
        if session.scalar(select(RatingSource.id).where(RatingSource.code == data["code"])) is not None:
            continue
        scale = session.scalar(select(Scale).where(Scale.code == data["scale"]))
        if scale is None or framework is None:
            continue  # its scale or framework was removed from this database: an educator can add the source
        wanted = set(data["competencies"])
        source = RatingSource(
            code=data["code"],
            name=data["name"],
            description=data["description"],
            scale_id=scale.id,
            attestation_text=DEFAULT_ATTESTATION,
            active=True,
        )
        source.competencies = [c for c in framework.competencies if c.code in wanted]
        session.add(source)
        added += 1
    return added


PURPOSE_SETTING = "database.purpose"
PURPOSES = ("live", "demo")


def purpose(session: Session) -> str | None:
    """What the database was created for: "live" (real people), "demo", or None (made before this was kept)."""
    row = session.get(Setting, PURPOSE_SETTING)
    return row.value if row is not None else None


def declare_purpose(uow: UnitOfWork, wanted: str, actor: Actor = SYSTEM) -> Result[str]:
    """Write what a new database is for, once. A database already declared for the other purpose is refused."""
    if wanted not in PURPOSES:
        raise ValidationError(f"A database is for one of: {', '.join(PURPOSES)}.")
    with uow:
        intend_to_write()
        session = uow.session
        current = purpose(session)
        if current == wanted:
            return Result(current, Change.NONE)
        if current is not None:
            raise ValidationError(
                f"This database was created for {current} use; it cannot become a {wanted} database. "
                "Make a new one (credtrack-cli --data-dir NEW_FOLDER init" + (" --demo)." if wanted == "demo" else ").")
            )
        if wanted == "demo" and _holds_real_use(session):
            raise ValidationError(DEMO_REFUSED)
        session.add(Setting(key=PURPOSE_SETTING, value=wanted))
        audit.record(session, actor, "setup.purpose", "database", "", after={"purpose": wanted})
        uow.commit()
        return Result(wanted, Change.SETTINGS | Change.AUDIT)


DEMO_REFUSED = (
    "This database was not created for a demo: demo data adds accounts whose password is published, "
    "so it goes only into a database made for one. Make a new one with "
    "credtrack-cli --data-dir NEW_FOLDER init --demo (or tick 'Load demo data' when setting up)."
)


def _holds_real_use(session: Session) -> bool:
    """Accounts or people that a demo did not make."""

    people = (
        session.scalar(
            select(func.count())
            .select_from(Person)
            .where(~Person.external_id.like("DEMO-%"), ~Person.external_id.like("STAFF-%"))
        )
        or 0
    )
    users = session.scalar(select(func.count()).select_from(User)) or 0
    return bool(people or users)


def require_demo_database(uow: UnitOfWork) -> None:
    """Refuse demo data unless the database was created for a demo (or is brand new: it then becomes one)."""
    with uow:
        current = purpose(uow.session)
        if current == "demo":
            return
        if current is not None or _holds_real_use(uow.session):
            raise ValidationError(DEMO_REFUSED)
    declare_purpose(uow, "demo")

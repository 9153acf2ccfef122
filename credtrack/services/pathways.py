"""The starter preceptor and coach development pathway: a small facilitation framework, modules on
facilitation, feedback and psychological safety, a rating source for learners rating their preceptor, and
the credential "Interprofessional facilitation", from resources/starter/preceptor-pathway.json.

A new database gets it with the rest of the starter data (``services.setup.load_starter_data``); an
existing one gets it only when an educator asks (``add_preceptor_pathway``, ``credtrack-cli catalog
add-starter``), never from a schema upgrade: an institution may have its own pathway already.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack import paths
from credtrack.db import UnitOfWork
from credtrack.models import Competency, Credential, Framework, Module, RatingSource, Scale
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.frameworks import _create_framework
from credtrack.services.permissions import Actor, require
from credtrack.services.rating_sources import DEFAULT_ATTESTATION
from credtrack.services.requirements import RequirementSpec, build_requirements

PATHWAY_FILE = "preceptor-pathway.json"


@dataclass(frozen=True)
class PathwaySummary:
    """What was added (codes); empty lists where the database already had it."""

    frameworks: list[str]
    modules: list[str]
    rating_sources: list[str]
    credentials: list[str]

    @property
    def added(self) -> bool:
        return bool(self.frameworks or self.modules or self.rating_sources or self.credentials)


def pathway_data() -> dict:
    return json.loads(paths.resource_path("starter", PATHWAY_FILE).read_text(encoding="utf-8"))


def add_missing_pathway(session: Session) -> PathwaySummary:
    """Add whichever parts of the pathway are missing, in the caller's transaction (no audit event: the
    caller writes one for all it added). A part whose code is taken is left as the database has it."""
    data = pathway_data()
    frameworks, modules, sources, credentials = [], [], [], []
    fw = data["framework"]
    framework = session.scalar(select(Framework).where(Framework.code == fw["code"]))
    if framework is None:
        framework = _create_framework(session, fw, code=None, name=None)
        frameworks.append(framework.code)
    session.flush()
    owned = {c.code: c for c in session.scalars(select(Competency).where(Competency.framework_id == framework.id))}
    for m in data["modules"]:
        if session.scalar(select(Module.id).where(func.upper(Module.code) == m["code"])) is not None:
            continue
        module = Module(
            code=m["code"],
            title=m["title"],
            description=m["description"],
            kind=m["kind"],
            contact_hours=Decimal(str(m["hours"])),
            validity_months=m.get("validity"),
        )
        module.competencies = [owned[c] for c in m["competencies"] if c in owned]
        session.add(module)
        modules.append(m["code"])
    src = data["rating_source"]
    scale = session.scalar(select(Scale).where(Scale.code == src["scale"]))
    if scale is not None and session.scalar(select(RatingSource.id).where(RatingSource.code == src["code"])) is None:
        source = RatingSource(
            code=src["code"],
            name=src["name"],
            description=src["description"],
            scale_id=scale.id,
            attestation_text=DEFAULT_ATTESTATION,
            active=True,
        )
        source.competencies = [owned[c] for c in src["competencies"] if c in owned]
        session.add(source)
        sources.append(src["code"])
    session.flush()
    cred = data["credential"]
    if session.scalar(select(Credential.id).where(func.upper(Credential.code) == cred["code"])) is None:
        have_source = session.scalar(select(RatingSource.id).where(RatingSource.code == src["code"])) is not None
        specs = [RequirementSpec("module", module_code=code) for code in cred["modules"]]
        specs.append(
            RequirementSpec(
                "precepting",
                min_count=cred["precepting"]["sign_offs"],
                min_professions=cred["precepting"]["professions"],
            )
        )
        if have_source:  # without its scale the source could not be added: the credential asks the rest
            specs += [
                RequirementSpec("ratings", source_code=code, min_count=count, min_level_code=level)
                for code, count, level in cred["ratings"]
            ]
        credential = Credential(
            code=cred["code"],
            title=cred["title"],
            description=cred["description"],
            criteria=cred["criteria"],
            validity_months=cred["validity_months"],
        )
        credential.requirements = build_requirements(session, specs)
        session.add(credential)
        credentials.append(cred["code"])
    session.flush()
    return PathwaySummary(frameworks, modules, sources, credentials)


def add_preceptor_pathway(uow: UnitOfWork, actor: Actor) -> Result[PathwaySummary]:
    """Add the starter preceptor development pathway to an existing database (what is missing of it),
    with one audit event naming what was added. Safe to run twice: the second run adds nothing."""
    with uow:
        require(actor, "catalog.edit")
        summary = add_missing_pathway(uow.session)
        if not summary.added:
            return Result(summary, Change.NONE)
        audit.record(uow.session, actor, "catalog.starter_pathway", "database", "", after=asdict(summary))
        uow.commit()
        return Result(summary, Change.CATALOG | Change.AUDIT)

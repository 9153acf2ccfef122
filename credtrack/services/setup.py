"""Setting up a new database: the starter frameworks, professions and scales from resources/starter."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from credtrack import paths
from credtrack.db import UnitOfWork
from credtrack.models import Framework, Profession, Scale
from credtrack.services import audit
from credtrack.services.changes import Change, Result
from credtrack.services.frameworks import _create_framework, _create_scale
from credtrack.services.permissions import SYSTEM, Actor

STARTER_FRAMEWORKS = ("ipec-2023.json",)


@dataclass(frozen=True)
class StarterSummary:
    professions: int
    frameworks: int
    scales: int


def starter_json(name: str):
    return json.loads(paths.resource_path("starter", name).read_text(encoding="utf-8"))


def load_starter_data(uow: UnitOfWork, actor: Actor = SYSTEM) -> Result[StarterSummary]:
    """Add whichever starter professions, frameworks and scales are missing. Safe to run twice."""
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
        summary = StarterSummary(added_prof, added_fw, added_scales)
        if added_prof or added_fw or added_scales:
            session.flush()
            audit.record(session, actor, "setup.starter_data", "database", "", after=summary.__dict__)
        uow.commit()
        return Result(summary, Change.CATALOG | Change.PEOPLE | Change.AUDIT)

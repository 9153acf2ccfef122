"""A credential's rules as plain data: what the judge reads, loaded once per credential."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MODULE, COMPETENCY = "module", "competency"


@dataclass(frozen=True)
class RequirementRule:
    """One requirement: a module (target = module id) or a competency (target = competency id),
    with what its kind needs (a module's validity; a competency's scale and minimum level)."""

    id: int
    kind: str
    target_id: int
    code: str
    label: str
    validity_months: int | None = None
    scale_id: int | None = None
    min_rank: int | None = None
    min_label: str | None = None


@dataclass(frozen=True)
class CredentialRules:
    id: int
    code: str
    title: str
    min_assessor_professions: int | None
    requirements: tuple[RequirementRule, ...]


@dataclass(frozen=True)
class Held:
    """The latest valid certificate someone holds for a credential: what the status needs of it."""

    code: str | None
    expires_on: dt.date | None

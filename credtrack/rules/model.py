"""A credential's rules as plain data: what the judge reads, loaded once per credential."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MODULE, COMPETENCY = "module", "competency"
# Multi-source assessment: ratings from one source at or above a level, and ratings from several sources.
RATINGS, RATING_SOURCES = "ratings", "rating_sources"
# Improvement work: at least N confirmed works of a kind, each with a team spanning at least P professions.
IMPROVEMENT = "improvement"
# A preceptor's own record: sign-offs they gave to learners of professions other than theirs.
PRECEPTING = "precepting"


@dataclass(frozen=True)
class RequirementRule:
    """One requirement: a module (target = module id), a competency (target = competency id), ratings
    from one source (target = rating source id), ratings from several sources or a precepting record
    (target unused, 0), with what its kind needs (a module's validity; a competency's or a source's scale
    and minimum level; how many ratings, sources or sign-offs given; how many learner professions).
    Improvement work (target unused, 0) names the kind of work (``work_kind``), how many works
    (``min_count``) and how many professions each team spans (``min_professions``)."""

    id: int
    kind: str
    target_id: int
    code: str
    label: str
    validity_months: int | None = None
    scale_id: int | None = None
    min_rank: int | None = None
    min_label: str | None = None
    min_count: int | None = None
    work_kind: str | None = None
    min_professions: int | None = None


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

"""Credentials' rules as the judge reads them (``credtrack.rules.model``), loaded from the catalog: each
requirement with what its kind needs, and the words the checklist shows for it."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.errors import NotFoundError
from credtrack.models import Competency, Credential, CredentialRequirement, Module, RatingSource, ScaleLevel
from credtrack.rules.model import IMPROVEMENT, PRECEPTING, RATING_SOURCES, RATINGS, CredentialRules, RequirementRule
from credtrack.services.requirements import precepting_needed, ratings_needed, sources_needed, works_needed


def load_rules(session: Session, credential_ids: list[int] | set[int]) -> dict[int, CredentialRules]:
    """The requirements of the given credentials, read in two queries."""
    ids = list(credential_ids)
    if not ids:
        return {}
    R = CredentialRequirement
    reqs: dict[int, list[RequirementRule]] = defaultdict(list)
    stmt = (
        select(
            R.id,
            R.credential_id,
            R.kind,
            R.module_id,
            Module.code,
            Module.title,
            Module.validity_months,
            R.competency_id,
            Competency.code,
            Competency.label,
            R.scale_id,
            ScaleLevel.rank,
            ScaleLevel.label,
            R.source_id,
            RatingSource.code,
            RatingSource.name,
            R.min_count,
            R.work_kind,
            R.min_professions,
        )
        .outerjoin(Module, Module.id == R.module_id)
        .outerjoin(Competency, Competency.id == R.competency_id)
        .outerjoin(ScaleLevel, ScaleLevel.id == R.min_level_id)
        .outerjoin(RatingSource, RatingSource.id == R.source_id)
        .where(R.credential_id.in_(ids))
        .order_by(R.credential_id, R.sort_order, R.id)
    )
    for (
        rid,
        cid,
        kind,
        mid,
        mcode,
        mtitle,
        validity,
        comp_id,
        ccode,
        clabel,
        scale_id,
        rank,
        level_label,
        source_id,
        source_code,
        source_name,
        min_count,
        work_kind,
        min_professions,
    ) in session.execute(stmt):
        # The requirement's shape constraint: a module requirement names its module, a competency one its
        # competency, a ratings one its source.
        if kind == "module":
            assert mid is not None
            reqs[cid].append(RequirementRule(rid, kind, mid, mcode, mtitle, validity))
        elif kind == RATINGS:
            assert source_id is not None
            label = ratings_needed(min_count, source_name, level_label)
            reqs[cid].append(
                RequirementRule(rid, kind, source_id, source_code, label, None, scale_id, rank, level_label, min_count)
            )
        elif kind == RATING_SOURCES:
            label = sources_needed(min_count)
            reqs[cid].append(RequirementRule(rid, kind, 0, "SOURCES", label, min_count=min_count))
        elif kind == IMPROVEMENT:
            label = works_needed(min_count, work_kind, min_professions)
            reqs[cid].append(
                RequirementRule(
                    rid,
                    kind,
                    0,
                    work_kind.upper(),
                    label,
                    min_count=min_count,
                    work_kind=work_kind,
                    min_professions=min_professions,
                )
            )
        elif kind == PRECEPTING:
            label = precepting_needed(min_count, min_professions)
            reqs[cid].append(
                RequirementRule(rid, kind, 0, "PRECEPTING", label, min_count=min_count, min_professions=min_professions)
            )
        else:
            assert comp_id is not None
            reqs[cid].append(RequirementRule(rid, kind, comp_id, ccode, clabel, None, scale_id, rank, level_label))
    return {
        cid: CredentialRules(cid, code, title, minimum, tuple(reqs.get(cid, ())))
        for cid, code, title, minimum in session.execute(
            select(Credential.id, Credential.code, Credential.title, Credential.min_assessor_professions).where(
                Credential.id.in_(ids)
            )
        )
    }


def credential_rules(session: Session, credential_id: int) -> CredentialRules:
    """One credential's rules; NotFoundError when there is no such credential."""
    rules = load_rules(session, [credential_id]).get(credential_id)
    if rules is None:
        raise NotFoundError(f"No credential with id {credential_id}.")
    return rules

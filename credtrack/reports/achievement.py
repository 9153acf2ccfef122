"""When each person first met every requirement of a credential, as one SQL subquery.

A module requirement is first met on the earliest completion that is not voided and not
awaiting verification; a competency requirement on the earliest sign-off at or above the
required level. A credential is achieved on the latest of those dates once every requirement
is met. Recurring modules lapsing later and the assessor-profession minimum do not move this
first-achievement date (the progress service judges those for the current status).
"""

from __future__ import annotations

from sqlalchemy import Subquery, and_, func, select, union_all
from sqlalchemy.orm import aliased

from credtrack.models import Assessment, Completion, CredentialRequirement, ScaleLevel


def achieved_subquery() -> Subquery:
    """Columns: person_id, credential_id, achieved_on — one row per credential a person has achieved."""
    R = CredentialRequirement
    level = aliased(ScaleLevel)
    minimum = aliased(ScaleLevel)
    module_met = (
        select(Completion.person_id.label("person_id"), R.credential_id.label("credential_id"),
               R.id.label("requirement_id"), func.min(Completion.completed_on).label("met_on"))
        .join(R, R.module_id == Completion.module_id)
        .where(Completion.voided_at.is_(None), Completion.verification != "pending")
        .group_by(Completion.person_id, R.credential_id, R.id)
    )
    competency_met = (
        select(Assessment.person_id, R.credential_id, R.id, func.min(Assessment.assessed_on))
        .join(R, and_(R.competency_id == Assessment.competency_id, R.scale_id == Assessment.scale_id))
        .join(level, level.id == Assessment.level_id)
        .join(minimum, minimum.id == R.min_level_id)
        .where(Assessment.voided_at.is_(None), level.rank >= minimum.rank)
        .group_by(Assessment.person_id, R.credential_id, R.id)
    )
    met = union_all(module_met, competency_met).subquery("met")
    totals = (select(R.credential_id, func.count(R.id).label("total")).group_by(R.credential_id)
              .subquery("totals"))
    return (
        select(met.c.person_id, met.c.credential_id, func.max(met.c.met_on).label("achieved_on"))
        .join(totals, totals.c.credential_id == met.c.credential_id)
        .group_by(met.c.person_id, met.c.credential_id, totals.c.total)
        .having(func.count(met.c.requirement_id) >= totals.c.total)
        .subquery("achieved")
    )

"""The log vouches for each rating's scores: the scores already recorded are vouched for as they stand,
by one audit event, so that from now on a level changed behind credtrack's back is named.

Revision ID: scores1
Revises: ratings1
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "scores1"
down_revision = "ratings1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from sqlalchemy.orm import Session

    from credtrack.services.audit import log as audit
    from credtrack.services.audit import record_state
    from credtrack.services.permissions import SYSTEM

    bind = op.get_bind()
    rated = bind.execute(sa.text("SELECT COUNT(DISTINCT rating_id) FROM rating_score")).scalar_one()
    if not rated:
        return
    session = Session(bind=bind)
    audit.record(session, SYSTEM, "audit.baseline", "database", "", after={"rating_score": rated},
                 note="The scores of each rating as they stood when credtrack began checking them against the "
                      "log; the ratings themselves were vouched for from the start.")
    record_state.touch_everything(session, ["rating_score"])
    session.commit()


def downgrade() -> None:
    """Nothing to undo in the schema; the baseline stays in the log, as every event does."""

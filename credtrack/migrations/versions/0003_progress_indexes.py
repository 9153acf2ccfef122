"""Partial covering indexes for the progress rules: current completions and standing sign-offs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COMPLETION_CURRENT = "voided_at IS NULL AND verification <> 'pending'"


def upgrade() -> None:
    op.create_index("ix_completion_current", "completion", ["person_id", "module_id", "completed_on"],
                    sqlite_where=sa.text(COMPLETION_CURRENT), postgresql_where=sa.text(COMPLETION_CURRENT))
    op.create_index("ix_assessment_current", "assessment", ["person_id", "competency_id", "scale_id", "level_id"],
                    sqlite_where=sa.text("voided_at IS NULL"), postgresql_where=sa.text("voided_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_assessment_current", table_name="assessment")
    op.drop_index("ix_completion_current", table_name="completion")

"""Partial covering index on standing sign-offs by date, for the reports by unit that read a period's sign-offs.

Revision ID: unitrep1
Revises: remind1
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "unitrep1"
down_revision = "remind1"
branch_labels = None
depends_on = None

STANDING = "voided_at IS NULL AND verification <> 'pending'"


def upgrade() -> None:
    op.create_index("ix_assessment_period", "assessment", ["assessed_on", "person_id", "assessor_profession_id"],
                    sqlite_where=sa.text(STANDING), postgresql_where=sa.text(STANDING))


def downgrade() -> None:
    op.drop_index("ix_assessment_period", table_name="assessment")

"""Partial covering index on standing sign-offs with their dates, for when requirements were first met.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assessment_dated", "assessment", ["person_id", "competency_id", "level_id", "assessed_on"],
                    sqlite_where=sa.text("voided_at IS NULL"), postgresql_where=sa.text("voided_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_assessment_dated", table_name="assessment")

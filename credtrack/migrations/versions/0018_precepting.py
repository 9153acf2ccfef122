"""Preceptor development: a credential requirement on a preceptor's own record (how many sign-offs they
gave, to learners of how many professions other than theirs; ``min_professions`` came with improvement
work), and an index to read a preceptor's sign-offs.

Revision ID: precept1
Revises: unitrep1
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "precept1"
down_revision = "unitrep1"
branch_labels = None
depends_on = None

OLD_SHAPE = (
    "(kind = 'module' AND module_id IS NOT NULL AND competency_id IS NULL AND min_level_id IS NULL"
    " AND source_id IS NULL)"
    " OR (kind = 'competency' AND competency_id IS NOT NULL AND module_id IS NULL"
    " AND scale_id IS NOT NULL AND min_level_id IS NOT NULL AND source_id IS NULL)"
    " OR (kind = 'ratings' AND source_id IS NOT NULL AND module_id IS NULL AND competency_id IS NULL"
    " AND min_count >= 1)"
    " OR (kind = 'rating_sources' AND source_id IS NULL AND module_id IS NULL AND competency_id IS NULL"
    " AND min_level_id IS NULL AND min_count >= 1)"
    " OR (kind = 'improvement' AND work_kind IS NOT NULL AND source_id IS NULL AND module_id IS NULL"
    " AND competency_id IS NULL AND min_level_id IS NULL AND min_count >= 1 AND min_professions >= 1)"
)
SHAPE = OLD_SHAPE + (
    " OR (kind = 'precepting' AND source_id IS NULL AND module_id IS NULL AND competency_id IS NULL"
    " AND min_level_id IS NULL AND min_count >= 1 AND min_professions >= 1)"
)
OLD_KINDS = "kind IN ('module', 'competency', 'ratings', 'rating_sources', 'improvement')"
KINDS = "kind IN ('module', 'competency', 'ratings', 'rating_sources', 'improvement', 'precepting')"


def upgrade() -> None:
    with op.batch_alter_table("credential_requirement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_credential_requirement_shape"), type_="check")
        batch_op.create_check_constraint("shape", SHAPE)
        batch_op.drop_constraint(op.f("ck_credential_requirement_kind"), type_="check")
        batch_op.create_check_constraint("kind", KINDS)
    op.create_index("ix_assessment_assessor_person_id", "assessment", ["assessor_person_id"])


def downgrade() -> None:
    op.drop_index("ix_assessment_assessor_person_id", table_name="assessment")
    op.execute("DELETE FROM credential_requirement WHERE kind = 'precepting'")
    with op.batch_alter_table("credential_requirement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_credential_requirement_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
        batch_op.drop_constraint(op.f("ck_credential_requirement_shape"), type_="check")
        batch_op.create_check_constraint("shape", OLD_SHAPE)

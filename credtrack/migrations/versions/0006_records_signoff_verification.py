"""Sign-offs carry a verification state: imported historical sign-offs wait for an educator's confirmation.

Revision ID: records1
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "records1"
down_revision = "0005"
branch_labels = None
depends_on = None

STANDING = "voided_at IS NULL AND verification <> 'pending'"


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verification", sa.String(length=16), nullable=False,
                                      server_default="not_required"))
        batch_op.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_assessment_verified_by_id_user_account"), "user_account",
                                    ["verified_by_id"], ["id"])
        batch_op.create_check_constraint(op.f("ck_assessment_verification"),
                                         "verification IN ('not_required', 'pending', 'verified')")
    # The progress rules' covering indexes hold standing sign-offs only: not voided, not awaiting confirmation.
    op.drop_index("ix_assessment_current", table_name="assessment")
    op.drop_index("ix_assessment_dated", table_name="assessment")
    op.create_index("ix_assessment_current", "assessment", ["person_id", "competency_id", "scale_id", "level_id"],
                    sqlite_where=sa.text(STANDING), postgresql_where=sa.text(STANDING))
    op.create_index("ix_assessment_dated", "assessment", ["person_id", "competency_id", "level_id", "assessed_on"],
                    sqlite_where=sa.text(STANDING), postgresql_where=sa.text(STANDING))
    # Everyone's packed evidence is packed again once the upgrade reaches the newest schema
    # (credtrack.schema.run_upgrade), by the code of that day.


def downgrade() -> None:
    op.drop_index("ix_assessment_dated", table_name="assessment")
    op.drop_index("ix_assessment_current", table_name="assessment")
    op.create_index("ix_assessment_current", "assessment", ["person_id", "competency_id", "scale_id", "level_id"],
                    sqlite_where=sa.text("voided_at IS NULL"), postgresql_where=sa.text("voided_at IS NULL"))
    op.create_index("ix_assessment_dated", "assessment", ["person_id", "competency_id", "level_id", "assessed_on"],
                    sqlite_where=sa.text("voided_at IS NULL"), postgresql_where=sa.text("voided_at IS NULL"))
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_assessment_verification"), type_="check")
        batch_op.drop_constraint(op.f("fk_assessment_verified_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("verified_by_id")
        batch_op.drop_column("verification")

"""Improvement work as evidence: a learner's QI projects, safety event reviews, huddles led and teach-backs,
with their teams, a supervisor's confirmation and attached files; credential requirements on them; each
person's packed evidence gains their standing confirmed works.

Revision ID: improve1
Revises: scores1
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "improve1"
down_revision = "scores1"
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
)
SHAPE = OLD_SHAPE + (
    " OR (kind = 'improvement' AND work_kind IS NOT NULL AND source_id IS NULL AND module_id IS NULL"
    " AND competency_id IS NULL AND min_level_id IS NULL AND min_count >= 1 AND min_professions >= 1)"
)
VOID_SHAPE = "(voided_at IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND length(trim(void_reason)) > 0)"
CONFIRMED_SHAPE = (
    "(confirmed_at IS NULL AND confirmed_by_id IS NULL)"
    " OR (confirmed_at IS NOT NULL AND confirmed_by_id IS NOT NULL AND ended_on IS NOT NULL)"
)


def upgrade() -> None:
    op.create_table(
        "improvement_work",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("aim", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("learner_profession_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmation_text", sa.Text(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('qi_project', 'safety_review', 'huddle_led', 'teach_back')", name=op.f("ck_improvement_work_kind")
        ),
        sa.CheckConstraint(VOID_SHAPE, name=op.f("ck_improvement_work_void")),
        sa.CheckConstraint(CONFIRMED_SHAPE, name=op.f("ck_improvement_work_confirmed")),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name=op.f("ck_improvement_work_dates")),
        sa.CheckConstraint("length(trim(title)) > 0", name=op.f("ck_improvement_work_title_not_blank")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_improvement_work_person_id_person")),
        sa.ForeignKeyConstraint(
            ["learner_profession_id"],
            ["profession.id"],
            name=op.f("fk_improvement_work_learner_profession_id_profession"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_improvement_work_recorded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["user_account.id"], name=op.f("fk_improvement_work_confirmed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"], ["user_account.id"], name=op.f("fk_improvement_work_voided_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_work")),
    )
    op.create_index("ix_improvement_work_person_id", "improvement_work", ["person_id"])
    op.create_table(
        "improvement_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("profession_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_improvement_member_name_not_blank")),
        sa.ForeignKeyConstraint(
            ["work_id"],
            ["improvement_work.id"],
            name=op.f("fk_improvement_member_work_id_improvement_work"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profession_id"], ["profession.id"], name=op.f("fk_improvement_member_profession_id_profession")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_improvement_member_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_member")),
    )
    op.create_index("ix_improvement_member_work_id", "improvement_member", ["work_id"])
    op.create_table(
        "improvement_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_improvement_attachment_sha256")),
        sa.CheckConstraint("size >= 0", name=op.f("ck_improvement_attachment_size")),
        sa.ForeignKeyConstraint(
            ["work_id"],
            ["improvement_work.id"],
            name=op.f("fk_improvement_attachment_work_id_improvement_work"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["user_account.id"], name=op.f("fk_improvement_attachment_added_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_attachment")),
    )
    op.create_index("ix_improvement_attachment_work_id", "improvement_attachment", ["work_id"])
    with op.batch_alter_table("credential_requirement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("min_professions", sa.Integer(), nullable=True))
        batch_op.drop_constraint(op.f("ck_credential_requirement_shape"), type_="check")
        batch_op.create_check_constraint("shape", SHAPE)
        batch_op.drop_constraint(op.f("ck_credential_requirement_kind"), type_="check")
        batch_op.create_check_constraint(
            "kind", "kind IN ('module', 'competency', 'ratings', 'rating_sources', 'improvement')"
        )
    with op.batch_alter_table("person_evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("improvement", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("person_evidence", schema=None) as batch_op:
        batch_op.drop_column("improvement")
    op.execute("DELETE FROM credential_requirement WHERE kind = 'improvement'")
    with op.batch_alter_table("credential_requirement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_credential_requirement_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('module', 'competency', 'ratings', 'rating_sources')")
        batch_op.drop_constraint(op.f("ck_credential_requirement_shape"), type_="check")
        batch_op.create_check_constraint("shape", OLD_SHAPE)
        batch_op.drop_column("min_professions")
        batch_op.drop_column("work_kind")
    op.drop_index("ix_improvement_attachment_work_id", table_name="improvement_attachment")
    op.drop_table("improvement_attachment")
    op.drop_index("ix_improvement_member_work_id", table_name="improvement_member")
    op.drop_table("improvement_member")
    op.drop_index("ix_improvement_work_person_id", table_name="improvement_work")
    op.drop_table("improvement_work")

"""Multi-source assessment: rating sources, ratings with a score per competency, and credential
requirements on them; each person's packed evidence gains their standing ratings.

Revision ID: ratings1
Revises: units1
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ratings1"
down_revision = "units1"
branch_labels = None
depends_on = None

OLD_SHAPE = (
    "(kind = 'module' AND module_id IS NOT NULL AND competency_id IS NULL AND min_level_id IS NULL)"
    " OR (kind = 'competency' AND competency_id IS NOT NULL AND module_id IS NULL"
    " AND scale_id IS NOT NULL AND min_level_id IS NOT NULL)"
)
SHAPE = (
    "(kind = 'module' AND module_id IS NOT NULL AND competency_id IS NULL AND min_level_id IS NULL"
    " AND source_id IS NULL)"
    " OR (kind = 'competency' AND competency_id IS NOT NULL AND module_id IS NULL"
    " AND scale_id IS NOT NULL AND min_level_id IS NOT NULL AND source_id IS NULL)"
    " OR (kind = 'ratings' AND source_id IS NOT NULL AND module_id IS NULL AND competency_id IS NULL"
    " AND min_count >= 1)"
    " OR (kind = 'rating_sources' AND source_id IS NULL AND module_id IS NULL AND competency_id IS NULL"
    " AND min_level_id IS NULL AND min_count >= 1)"
)
VOID_SHAPE = "(voided_at IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND length(trim(void_reason)) > 0)"


def upgrade() -> None:
    op.create_table(
        "rating_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scale_id", sa.Integer(), nullable=False),
        sa.Column("attestation_text", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["scale_id"], ["scale.id"], name=op.f("fk_rating_source_scale_id_scale")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_source")),
        sa.UniqueConstraint("code", name=op.f("uq_rating_source_code")),
    )
    op.create_table(
        "rating_source_competency",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"], ["competency.id"], name=op.f("fk_rating_source_competency_competency_id_competency")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["rating_source.id"],
            name=op.f("fk_rating_source_competency_source_id_rating_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "competency_id", name=op.f("pk_rating_source_competency")),
    )
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("scale_id", sa.Integer(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("rater_name", sa.String(length=200), nullable=False),
        sa.Column("rater_profession_id", sa.Integer(), nullable=True),
        sa.Column("collection", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("attestation_text", sa.Text(), nullable=False),
        sa.Column("attestation_accepted", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("reauthenticated", sa.Boolean(), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint(
            "collection IN ('signed', 'paper_form', 'interview', 'survey_export')", name=op.f("ck_rating_collection")
        ),
        sa.CheckConstraint(VOID_SHAPE, name=op.f("ck_rating_void")),
        sa.CheckConstraint("attestation_accepted", name=op.f("ck_rating_attested")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_rating_person_id_person")),
        sa.ForeignKeyConstraint(
            ["rater_profession_id"], ["profession.id"], name=op.f("fk_rating_rater_profession_id_profession")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_rating_recorded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["scale_id"], ["scale.id"], name=op.f("fk_rating_scale_id_scale")),
        sa.ForeignKeyConstraint(["source_id"], ["rating_source.id"], name=op.f("fk_rating_source_id_rating_source")),
        sa.ForeignKeyConstraint(["voided_by_id"], ["user_account.id"], name=op.f("fk_rating_voided_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating")),
    )
    op.create_index("ix_rating_person_id", "rating", ["person_id"])
    op.create_index("ix_rating_source_id", "rating", ["source_id"])
    op.create_table(
        "rating_score",
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("scale_id", sa.Integer(), nullable=False),
        sa.Column("level_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"], ["competency.id"], name=op.f("fk_rating_score_competency_id_competency")
        ),
        sa.ForeignKeyConstraint(
            ["level_id", "scale_id"],
            ["scale_level.id", "scale_level.scale_id"],
            name="fk_rating_score_level_scale",
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"], ["rating.id"], name=op.f("fk_rating_score_rating_id_rating"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("rating_id", "competency_id", name=op.f("pk_rating_score")),
    )
    with op.batch_alter_table("credential_requirement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("min_count", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_credential_requirement_source_id_rating_source"), "rating_source", ["source_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_credential_requirement_shape"), type_="check")
        batch_op.create_check_constraint("shape", SHAPE)
        batch_op.drop_constraint(op.f("ck_credential_requirement_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('module', 'competency', 'ratings', 'rating_sources')")
    with op.batch_alter_table("person_evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ratings", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("person_evidence", schema=None) as batch_op:
        batch_op.drop_column("ratings")
    op.execute("DELETE FROM credential_requirement WHERE kind IN ('ratings', 'rating_sources')")
    with op.batch_alter_table("credential_requirement", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_credential_requirement_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('module', 'competency')")
        batch_op.drop_constraint(op.f("ck_credential_requirement_shape"), type_="check")
        batch_op.create_check_constraint("shape", OLD_SHAPE)
        batch_op.drop_constraint(op.f("fk_credential_requirement_source_id_rating_source"), type_="foreignkey")
        batch_op.drop_column("min_count")
        batch_op.drop_column("source_id")
    op.drop_table("rating_score")
    op.drop_index("ix_rating_source_id", table_name="rating")
    op.drop_index("ix_rating_person_id", table_name="rating")
    op.drop_table("rating")
    op.drop_table("rating_source_competency")
    op.drop_table("rating_source")

"""Certificates e-mailed to learners: each mailing, and one delivery per certificate and recipient with its state.

Revision ID: mail1
Revises: ratings1
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "mail1"
down_revision = "ratings1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailing",
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("include_badge", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sending_until", sa.DateTime(), nullable=True),
        sa.Column("sending_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_mailing_created_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing")),
    )
    op.create_table(
        "certificate_delivery",
        sa.Column("mailing_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("state IN ('queued', 'sent', 'failed')", name=op.f("ck_certificate_delivery_state")),
        sa.CheckConstraint("(state = 'sent') = (sent_at IS NOT NULL)", name=op.f("ck_certificate_delivery_sent")),
        sa.ForeignKeyConstraint(
            ["mailing_id"], ["mailing.id"], name=op.f("fk_certificate_delivery_mailing_id_mailing")
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"], ["certificate.id"], name=op.f("fk_certificate_delivery_certificate_id_certificate")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_certificate_delivery_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_delivery")),
        sa.UniqueConstraint(
            "mailing_id",
            "certificate_id",
            "recipient",
            name=op.f("uq_certificate_delivery_mailing_id_certificate_id_recipient"),
        ),
    )
    op.create_index("ix_certificate_delivery_certificate_id", "certificate_delivery", ["certificate_id"])


def downgrade() -> None:
    op.drop_index("ix_certificate_delivery_certificate_id", table_name="certificate_delivery")
    op.drop_table("certificate_delivery")
    op.drop_table("mailing")

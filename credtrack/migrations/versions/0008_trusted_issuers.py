"""Trusted issuers: other institutions' public keys (trusted, retired, distrusted) and their latest revocation list.

Revision ID: trust1
Revises: accounts1
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "trust1"
down_revision = "accounts1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trusted_issuer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("revocation_list", sa.Text(), nullable=False),
        sa.Column("revocation_list_as_of", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_issuer")),
        sa.UniqueConstraint("name", name=op.f("uq_trusted_issuer_name")),
    )
    op.create_table(
        "trusted_issuer_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('trusted', 'retired', 'distrusted')", name=op.f("ck_trusted_issuer_key_status")),
        sa.ForeignKeyConstraint(["issuer_id"], ["trusted_issuer.id"],
                                name=op.f("fk_trusted_issuer_key_issuer_id_trusted_issuer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_issuer_key")),
        sa.UniqueConstraint("kid", name=op.f("uq_trusted_issuer_key_kid")),
    )
    op.create_index(op.f("ix_trusted_issuer_key_issuer_id"), "trusted_issuer_key", ["issuer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_trusted_issuer_key_issuer_id"), table_name="trusted_issuer_key")
    op.drop_table("trusted_issuer_key")
    op.drop_table("trusted_issuer")

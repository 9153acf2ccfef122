"""First-achievement days as a rebuildable projection (``models/achieved.py``): people's days with the digest
of the evidence they were judged from, and each credential's rules fingerprint; the packed evidence rows gain
that digest (filled by the re-packing every upgrade ends with).

Revision ID: achieved1
Revises: precept1
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "achieved1"
down_revision = "precept1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.BigInteger(), nullable=True))
    op.create_table(
        "achieved_days",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("evidence_digest", sa.BigInteger(), nullable=False),
        sa.Column("days", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_achieved_days_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_achieved_days")),
    )
    op.create_table(
        "achieved_rules",
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credential.id"],
            name=op.f("fk_achieved_rules_credential_id_credential"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_achieved_rules")),
    )


def downgrade() -> None:
    op.drop_table("achieved_rules")
    op.drop_table("achieved_days")
    with op.batch_alter_table("person_evidence", schema=None) as batch_op:
        batch_op.drop_column("digest")

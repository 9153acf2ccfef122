"""Each person's standing evidence packed into one row, for progress and reports over everyone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_evidence",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("completions", sa.Text(), nullable=False, server_default=""),
        sa.Column("sign_offs", sa.Text(), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_person_evidence_person_id_person")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_evidence")),
    )
    # Filled by revision records1, which last changed what counts as standing evidence: the packing
    # code reads the columns that revision adds.


def downgrade() -> None:
    op.drop_table("person_evidence")

"""Index audit events by actor and action, for filtering the audit log screen.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_event_actor_action", "audit_event", ["actor", "action"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_event_actor_action", table_name="audit_event")

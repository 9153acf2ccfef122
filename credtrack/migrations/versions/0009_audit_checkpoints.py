"""Audit checkpoints and record states: the log proves its own completeness and vouches for every record.

Revision ID: audit1
Revises: trust1
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "audit1"
down_revision = "trust1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("records_digest", sa.String(length=64), nullable=False, server_default=""))
    op.create_table(
        "audit_record_state",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "entity_type", "entity_id", name=op.f("pk_audit_record_state")),
    )
    op.create_index("ix_audit_record_state_entity", "audit_record_state", ["entity_type", "entity_id", "event_id"])
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("event_hash", sa.String(length=64), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("workstation", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("line_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
        sa.UniqueConstraint("line_hash", name=op.f("uq_audit_checkpoint_line_hash")),
    )
    op.create_index("ix_audit_checkpoint_event_id", "audit_checkpoint", ["event_id"])
    _baseline()


def _baseline() -> None:
    """Vouch for the records as they stand now: older changes rest on the older events alone, and say so."""
    from sqlalchemy.orm import Session

    from credtrack.services.audit import log as audit
    from credtrack.services.audit import record_state
    from credtrack.services.permissions import SYSTEM

    bind = op.get_bind()
    # Only the kinds whose tables this revision has: later revisions add tracked kinds of their own.
    existing = set(sa.inspect(bind).get_table_names())
    kinds = [kind for kind, spec in record_state.TRACKED.items() if spec.table.name in existing]
    counts = {kind: bind.execute(sa.select(sa.func.count()).select_from(record_state.TRACKED[kind].table)).scalar_one()
              for kind in kinds}
    if not any(counts.values()):
        return
    session = Session(bind=bind)
    audit.record(session, SYSTEM, "audit.baseline", "database", "", after=counts,
                 note="Records as they stood when credtrack began checking them against the log; what "
                      "happened to them before this rests on the events before this one.")
    record_state.touch_everything(session, kinds)
    session.commit()


def downgrade() -> None:
    op.drop_index("ix_audit_checkpoint_event_id", table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
    op.drop_index("ix_audit_record_state_entity", table_name="audit_record_state")
    op.drop_table("audit_record_state")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("records_digest")

"""Reminders: reminder rules, editable reminder wording, the reminders queued and sent, and an optional
educator e-mail on each unit (copied on its learners' reminders when a rule asks for it).

Revision ID: remind1
Revises: mail1 (ratings1 on its own branch; chained after the mail migration once merged with h-mail)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "remind1"
down_revision = "mail1"
branch_labels = None
depends_on = None

RULE_SHAPE = (
    "(scope = 'default' AND credential_id IS NULL AND module_id IS NULL)"
    " OR (scope = 'credential' AND credential_id IS NOT NULL AND module_id IS NULL)"
    " OR (scope = 'module' AND module_id IS NOT NULL AND credential_id IS NULL)"
)


def _versioned() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "reminder_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("scope_key", sa.String(length=40), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=True),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("days_before", sa.String(length=80), nullable=False),
        sa.Column("on_expiry", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("copy_educator", sa.Boolean(), nullable=False),
        *_versioned(),
        sa.CheckConstraint(RULE_SHAPE, name=op.f("ck_reminder_rule_shape")),
        sa.ForeignKeyConstraint(
            ["credential_id"], ["credential.id"], name=op.f("fk_reminder_rule_credential_id_credential")
        ),
        sa.ForeignKeyConstraint(["module_id"], ["module.id"], name=op.f("fk_reminder_rule_module_id_module")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_rule")),
        sa.UniqueConstraint("scope_key", name=op.f("uq_reminder_rule_scope_key")),
    )
    op.create_table(
        "reminder_template",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_reminder_template")),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("about_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("copy_to", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        *_versioned(),
        sa.CheckConstraint(
            "state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')", name=op.f("ck_reminder_state")
        ),
        sa.CheckConstraint("subject_kind IN ('credential', 'module')", name=op.f("ck_reminder_subject_kind")),
        sa.CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name=op.f("ck_reminder_sent_at")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_reminder_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint(
            "person_id",
            "subject_kind",
            "subject_id",
            "step",
            "about_on",
            name=op.f("uq_reminder_person_id_subject_kind_subject_id_step_about_on"),
        ),
    )
    op.create_index("ix_reminder_state", "reminder", ["state"])
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("educator_email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("educator_email")
    op.drop_index("ix_reminder_state", table_name="reminder")
    op.drop_table("reminder")
    op.drop_table("reminder_template")
    op.drop_table("reminder_rule")

"""Sign-in pauses for names no account has are no longer kept under the name's plain SHA-256.

Such a name may be a password typed into the wrong field, and an unsalted SHA-256 of a password is
quickly guessed. From now on those names are counted under a few bits of a digest keyed with a secret
kept in the workstation's data folder; the counts already kept for them are dropped here (a pause
lasts minutes), while those of real accounts' names are kept.

Revision ID: throttle2
Revises: audit1
Create Date: 2026-12-03
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "throttle2"
down_revision = "audit1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    names = conn.execute(sa.text("SELECT username FROM user_account")).scalars()
    accounts = {hashlib.sha256(name.strip().casefold().encode("utf-8")).hexdigest() for name in names}
    rows = conn.execute(sa.text("SELECT id, name_digest FROM login_throttle")).all()
    stale = [row.id for row in rows if row.name_digest not in accounts]
    if stale:
        conn.execute(sa.text("DELETE FROM login_throttle WHERE id = :id"), [{"id": n} for n in stale])


def downgrade() -> None:
    pass  # the older code never matches the new keys; they wear off like any pause

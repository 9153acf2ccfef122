"""Units as data: each unit a record (name, service line, site), and who was in which unit from when to when.

Every distinct free-text unit people had becomes a unit (names differing only in case or spacing are one
unit, spelt as most people had it), and each such person gets an open membership of it from their start
date (or the day their record was made, when it has none). ``person.unit`` stays, holding the name of the
person's current unit. The new records are audited and vouched for, so the record check stays clean.

Revision ID: units1
Revises: throttle2
Create Date: 2026-12-05
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "units1"
down_revision = "throttle2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("service_line", sa.String(length=120), nullable=True),
        sa.Column("site", sa.String(length=120), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_unit_name_not_blank")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("name_key", name=op.f("uq_unit_name_key")),
    )
    op.create_table(
        "unit_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name=op.f("ck_unit_membership_dates")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_unit_membership_person_id_person")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_unit_membership_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_membership")),
        sa.UniqueConstraint("person_id", "start_date", name=op.f("uq_unit_membership_person_id_start_date")),
    )
    op.create_index("ix_unit_membership_one_open", "unit_membership", ["person_id"], unique=True,
                    sqlite_where=sa.text("end_date IS NULL"), postgresql_where=sa.text("end_date IS NULL"))
    op.create_index("ix_unit_membership_unit_id", "unit_membership", ["unit_id", "start_date"])
    _units_from_free_text()


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _day(value: object) -> dt.date:
    """A date or time column as a date, whether the driver gives a date, a datetime or ISO text (SQLite)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _units_from_free_text() -> None:
    bind = op.get_bind()
    people = bind.execute(sa.text(
        "SELECT id, unit, start_date, created_at FROM person WHERE unit IS NOT NULL AND trim(unit) <> '' ORDER BY id"
    )).all()
    if not people:
        return
    spellings: dict[str, Counter[str]] = {}
    for row in people:
        spelt = " ".join(row.unit.split())
        spellings.setdefault(_key(spelt), Counter())[spelt] += 1
    # The spelling most people had; among equally common ones, the first in alphabetical order.
    names = {key: min(counts, key=lambda s: (-counts[s], s)) for key, counts in spellings.items()}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    unit = sa.table("unit", sa.column("id"), sa.column("name"), sa.column("name_key"), sa.column("active"),
                    sa.column("created_at"), sa.column("version"), sa.column("updated_at"))
    bind.execute(unit.insert(), [{"name": names[k], "name_key": k, "active": True, "created_at": now, "version": 1,
                                  "updated_at": now} for k in sorted(names)])
    ids = dict(bind.execute(sa.select(unit.c.name_key, unit.c.id)).all())
    membership = sa.table("unit_membership", sa.column("person_id"), sa.column("unit_id"), sa.column("start_date"),
                          sa.column("end_date"), sa.column("created_at"), sa.column("version"),
                          sa.column("updated_at"))
    bind.execute(membership.insert(), [
        {"person_id": row.id, "unit_id": ids[_key(row.unit)],
         "start_date": _day(row.start_date if row.start_date is not None else row.created_at), "end_date": None,
         "created_at": now, "version": 1, "updated_at": now}
        for row in people
    ])
    respelt = [{"pid": row.id, "name": names[_key(row.unit)]} for row in people if row.unit != names[_key(row.unit)]]
    if respelt:  # the person's unit reads as its unit is named
        bind.execute(sa.text("UPDATE person SET unit = :name, version = version + 1 WHERE id = :pid"), respelt)
    _vouch(len(names), len(people), [r["pid"] for r in respelt])


def _vouch(units: int, memberships: int, respelt: list[int]) -> None:
    """One audit event for what this upgrade made, vouching for the new records and the people re-spelt."""
    from sqlalchemy.orm import Session

    from credtrack.services.audit import log as audit
    from credtrack.services.audit import record_state
    from credtrack.services.permissions import SYSTEM

    session = Session(bind=op.get_bind())
    audit.record(session, SYSTEM, "unit.from_free_text", "database", "",
                 after={"units": units, "memberships": memberships, "people_respelt": len(respelt)},
                 note="Units made from the free-text unit each person had; each person's membership runs from "
                      "their start date (or the day their record was made).")
    record_state.touch_everything(session, ["unit", "unit_membership"])
    record_state.touch(session, "person", respelt)
    session.commit()


def downgrade() -> None:
    op.drop_index("ix_unit_membership_unit_id", table_name="unit_membership")
    op.drop_index("ix_unit_membership_one_open", table_name="unit_membership")
    op.drop_table("unit_membership")
    op.drop_table("unit")

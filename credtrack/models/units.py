"""Units (wards, departments) as data, and the dated memberships that say who was in which unit when.

``Person.unit`` stays: it is the name of the unit of the person's open membership, kept in step by
``services/units.py`` (it is what lists, the transcript, compliance and imports already show and what the
person's audited record holds). The memberships are the history; the column is their latest line.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, String, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, VersionedMixin, utcnow
from credtrack.models.people import Person


def unit_key(name: str) -> str:
    """The form two unit names are compared in: "ICU 3" and "icu  3" are the same unit."""
    return " ".join(name.split()).casefold()


class Unit(IdMixin, VersionedMixin, Base):
    __tablename__ = "unit"
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)

    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), unique=True)  # unit_key(name): unique whatever the case
    service_line: Mapped[str | None] = mapped_column(String(120))
    site: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Copied on its learners' reminders when a reminder rule asks for it (services/reminders).
    educator_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class UnitMembership(IdMixin, VersionedMixin, Base):
    """A person was in a unit from ``start_date`` to ``end_date`` (both days included; open while None).

    The database keeps each stretch the right way round and at most one open per person; that two stretches
    of one person do not overlap is checked by the service (no portable constraint says it).
    """

    __tablename__ = "unit_membership"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        UniqueConstraint("person_id", "start_date"),
        Index(
            "ix_unit_membership_one_open",
            "person_id",
            unique=True,
            sqlite_where=text("end_date IS NULL"),
            postgresql_where=text("end_date IS NULL"),
        ),
        Index("ix_unit_membership_unit_id", "unit_id", "start_date"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    person: Mapped[Person] = relationship()

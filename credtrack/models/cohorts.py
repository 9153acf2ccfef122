"""Cohorts: people enrolled together, with the credentials they are working towards."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, VersionedMixin
from credtrack.models.catalog import Credential
from credtrack.models.enums import ENROLMENT_STATUSES, in_list
from credtrack.models.people import Person


class Cohort(IdMixin, VersionedMixin, Base):
    __tablename__ = "cohort"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"),
    )

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    credentials: Mapped[list[CohortCredential]] = relationship(back_populates="cohort", cascade="all, delete-orphan")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="cohort")


class CohortCredential(Base):
    __tablename__ = "cohort_credential"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id"), primary_key=True)
    due_date: Mapped[dt.date | None] = mapped_column(Date)

    cohort: Mapped[Cohort] = relationship(back_populates="credentials")
    credential: Mapped[Credential] = relationship()


class Enrolment(IdMixin, VersionedMixin, Base):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("cohort_id", "person_id"),
        CheckConstraint(in_list("status", ENROLMENT_STATUSES), name="status"),
        Index("ix_enrolment_person_id", "person_id"),
    )

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    person: Mapped[Person] = relationship()

"""Professions, people and the user accounts that act on their records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, VersionedMixin, fold, utcnow
from credtrack.models.enums import PERSON_STATUSES, ROLES, in_list


class Profession(IdMixin, VersionedMixin, Base):
    __tablename__ = "profession"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Person(IdMixin, VersionedMixin, Base):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(in_list("status", PERSON_STATUSES), name="status"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"),
        CheckConstraint("length(trim(full_name)) > 0", name="name_not_blank"),
        CheckConstraint("length(trim(external_id)) > 0", name="external_id_not_blank"),
        Index("ix_person_search_key", "search_key"),
        Index("ix_person_profession_status", "profession_id", "status"),
    )

    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    profession_id: Mapped[int | None] = mapped_column(ForeignKey("profession.id"))
    unit: Mapped[str | None] = mapped_column(String(120))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    profession: Mapped[Profession | None] = relationship(lazy="joined")

    def refresh_search_key(self) -> None:
        self.search_key = f"{fold(self.full_name)} {fold(self.external_id)}"


class User(IdMixin, VersionedMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(in_list("role", ROLES), name="role"),
        CheckConstraint("failed_logins >= 0", name="failed_logins"),
    )

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person | None] = relationship()


class LoginThrottle(IdMixin, Base):
    """Failed sign-ins for one user name from one workstation, which pause that name there for a while.

    The name is kept only as a digest: people sometimes type their password into the user-name field.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (
        UniqueConstraint("source", "name_digest"),
        CheckConstraint("failures >= 0", name="failures"),
        Index("ix_login_throttle_name_digest", "name_digest"),
    )

    source: Mapped[str] = mapped_column(String(200))
    name_digest: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Setting(Base):
    """Institution-wide settings shared by every workstation (institution name, signatory...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

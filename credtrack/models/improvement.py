"""Improvement work: a learner's contribution to quality improvement and patient safety (a QI project, a
safety event review, a huddle led, a teach-back), its team, a supervisor's confirmation and the files
attached to it. Voided with a reason, never deleted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, VersionedMixin, utcnow
from credtrack.models.enums import IMPROVEMENT_KINDS, in_list
from credtrack.models.people import Person, Profession, User

_VOID_SHAPE = "(voided_at IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND length(trim(void_reason)) > 0)"
_CONFIRMED_SHAPE = (
    "(confirmed_at IS NULL AND confirmed_by_id IS NULL)"
    " OR (confirmed_at IS NOT NULL AND confirmed_by_id IS NOT NULL AND ended_on IS NOT NULL)"
)


class ImprovementWork(IdMixin, VersionedMixin, Base):
    """One piece of improvement work by a learner. It counts towards a credential once a supervisor (a
    preceptor or educator other than the learner) has confirmed it with their password, until voided.
    ``learner_profession_id`` is the learner's profession when it was recorded: the team's professions
    are those of its members and the learner's own."""

    __tablename__ = "improvement_work"
    __table_args__ = (
        CheckConstraint(in_list("kind", IMPROVEMENT_KINDS), name="kind"),
        CheckConstraint(_VOID_SHAPE, name="void"),
        CheckConstraint(_CONFIRMED_SHAPE, name="confirmed"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates"),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        Index("ix_improvement_work_person_id", "person_id"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    aim: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    learner_profession_id: Mapped[int | None] = mapped_column(ForeignKey("profession.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    confirmation_text: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    learner_profession: Mapped[Profession | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    members: Mapped[list[ImprovementMember]] = relationship(
        back_populates="work", cascade="all, delete-orphan", order_by="ImprovementMember.position"
    )
    attachments: Mapped[list[ImprovementAttachment]] = relationship(
        back_populates="work", cascade="all, delete-orphan", order_by="ImprovementAttachment.id"
    )


class ImprovementMember(IdMixin, Base):
    """A member of the work's team other than the learner: a name, a profession and, when they are in the
    database, the person."""

    __tablename__ = "improvement_member"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        Index("ix_improvement_member_work_id", "work_id"),
    )

    work_id: Mapped[int] = mapped_column(ForeignKey("improvement_work.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    profession_id: Mapped[int] = mapped_column(ForeignKey("profession.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    work: Mapped[ImprovementWork] = relationship(back_populates="members")
    profession: Mapped[Profession] = relationship()


class ImprovementAttachment(IdMixin, Base):
    """A file attached to a work, kept in the data folder under its SHA-256; opening it checks the hash."""

    __tablename__ = "improvement_attachment"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha256"),
        CheckConstraint("size >= 0", name="size"),
        Index("ix_improvement_attachment_work_id", "work_id"),
    )

    work_id: Mapped[int] = mapped_column(ForeignKey("improvement_work.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    work: Mapped[ImprovementWork] = relationship(back_populates="attachments")

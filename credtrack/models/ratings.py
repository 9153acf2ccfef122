"""Multi-source assessment: rating sources (a colleague of another profession, a patient or family
advisor, a team member, the learner themselves) and the ratings they give. Voided, never deleted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, VersionedMixin, utcnow
from credtrack.models.catalog import Competency, Scale, ScaleLevel
from credtrack.models.enums import RATING_COLLECTION, in_list
from credtrack.models.people import Person, Profession, User

_VOID_SHAPE = "(voided_at IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND length(trim(void_reason)) > 0)"


class RatingSource(IdMixin, VersionedMixin, Base):
    """Who a rating comes from, with its own short form: a scale, the competencies it may rate and the
    attestation the person recording a rating accepts."""

    __tablename__ = "rating_source"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    scale_id: Mapped[int] = mapped_column(ForeignKey("scale.id"))
    attestation_text: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    scale: Mapped[Scale] = relationship()
    competencies: Mapped[list[Competency]] = relationship(
        secondary="rating_source_competency", order_by="Competency.code"
    )


class RatingSourceCompetency(Base):
    __tablename__ = "rating_source_competency"

    source_id: Mapped[int] = mapped_column(ForeignKey("rating_source.id", ondelete="CASCADE"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"), primary_key=True)


class Rating(IdMixin, VersionedMixin, Base):
    """One rater's filled-in form about a learner: a level for each competency rated, a comment, and how
    the feedback was collected. Someone without an account (a patient advisor) is named by the educator
    or preceptor who records the rating and attests how it was collected."""

    __tablename__ = "rating"
    __table_args__ = (
        CheckConstraint(in_list("collection", RATING_COLLECTION), name="collection"),
        CheckConstraint(_VOID_SHAPE, name="void"),
        CheckConstraint("attestation_accepted", name="attested"),
        Index("ix_rating_person_id", "person_id"),
        Index("ix_rating_source_id", "source_id"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("rating_source.id"))
    scale_id: Mapped[int] = mapped_column(ForeignKey("scale.id"))
    rated_on: Mapped[dt.date] = mapped_column(Date)
    rater_name: Mapped[str] = mapped_column(String(200))
    rater_profession_id: Mapped[int | None] = mapped_column(ForeignKey("profession.id"))
    collection: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    attestation_text: Mapped[str] = mapped_column(Text, default="")
    attestation_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reauthenticated: Mapped[bool] = mapped_column(Boolean, default=False)
    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    source: Mapped[RatingSource] = relationship()
    rater_profession: Mapped[Profession | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    scores: Mapped[list[RatingScore]] = relationship(
        back_populates="rating", cascade="all, delete-orphan", order_by="RatingScore.competency_id"
    )


class RatingScore(Base):
    """The level a rating gives one competency, on the rating's scale."""

    __tablename__ = "rating_score"
    __table_args__ = (
        ForeignKeyConstraint(
            ["level_id", "scale_id"], ["scale_level.id", "scale_level.scale_id"], name="fk_rating_score_level_scale"
        ),
    )

    rating_id: Mapped[int] = mapped_column(ForeignKey("rating.id", ondelete="CASCADE"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"), primary_key=True)
    scale_id: Mapped[int] = mapped_column(Integer)
    level_id: Mapped[int] = mapped_column(Integer)

    rating: Mapped[Rating] = relationship(back_populates="scores")
    competency: Mapped[Competency] = relationship()
    level: Mapped[ScaleLevel] = relationship(
        primaryjoin="RatingScore.level_id == ScaleLevel.id", foreign_keys=[level_id], viewonly=True
    )

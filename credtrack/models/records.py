"""What happened to a learner: module completions and competency sign-offs."""

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, VersionedMixin, utcnow
from credtrack.models.catalog import Competency, Module, Scale, ScaleLevel
from credtrack.models.enums import ASSESSMENT_METHODS, VERIFICATION_STATES, in_list
from credtrack.models.people import Person, Profession, User

_COMPLETION_CURRENT = "voided_at IS NULL AND verification <> 'pending'"
# Standing sign-offs: not voided, and not historical sign-offs still awaiting an educator's confirmation.
_ASSESSMENT_STANDING = "voided_at IS NULL AND verification <> 'pending'"
_VOID_SHAPE = "(voided_at IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND length(trim(void_reason)) > 0)"


class Completion(IdMixin, VersionedMixin, Base):
    """A person completed a module on a date. Voided, never deleted."""

    __tablename__ = "completion"
    __table_args__ = (
        CheckConstraint(in_list("verification", VERIFICATION_STATES), name="verification"),
        CheckConstraint(_VOID_SHAPE, name="void"),
        Index("ix_completion_person_module", "person_id", "module_id"),
        Index("ix_completion_module_id", "module_id"),
        # Covers the progress rules' lookups of current completions without touching the table.
        Index(
            "ix_completion_current",
            "person_id",
            "module_id",
            "completed_on",
            sqlite_where=text(_COMPLETION_CURRENT),
            postgresql_where=text(_COMPLETION_CURRENT),
        ),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40), default="manual")
    verification: Mapped[str] = mapped_column(String(16), default="not_required")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship()
    module: Mapped[Module] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class Assessment(IdMixin, VersionedMixin, Base):
    """A preceptor's sign-off of a competency at a level of a scale. Voided, never deleted."""

    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint(in_list("method", ASSESSMENT_METHODS), name="method"),
        CheckConstraint(in_list("verification", VERIFICATION_STATES), name="verification"),
        CheckConstraint(_VOID_SHAPE, name="void"),
        CheckConstraint("attestation_accepted", name="attested"),
        # The level must belong to the scale the assessment names.
        ForeignKeyConstraint(
            ["level_id", "scale_id"], ["scale_level.id", "scale_level.scale_id"], name="fk_assessment_level_scale"
        ),
        Index("ix_assessment_person_competency", "person_id", "competency_id"),
        Index("ix_assessment_competency_id", "competency_id"),
        # A preceptor's own record: the sign-offs they gave, voided ones included.
        Index("ix_assessment_assessor_person_id", "assessor_person_id"),
        # Covers the progress rules' lookups of standing sign-offs without touching the table.
        Index(
            "ix_assessment_current",
            "person_id",
            "competency_id",
            "scale_id",
            "level_id",
            sqlite_where=text(_ASSESSMENT_STANDING),
            postgresql_where=text(_ASSESSMENT_STANDING),
        ),
        # Covers the reports' "first met on" dates of standing sign-offs, read in person order.
        Index(
            "ix_assessment_dated",
            "person_id",
            "competency_id",
            "level_id",
            "assessed_on",
            sqlite_where=text(_ASSESSMENT_STANDING),
            postgresql_where=text(_ASSESSMENT_STANDING),
        ),
        # Covers the reports by unit reading a period's standing sign-offs with their assessors' professions.
        Index(
            "ix_assessment_period",
            "assessed_on",
            "person_id",
            "assessor_profession_id",
            sqlite_where=text(_ASSESSMENT_STANDING),
            postgresql_where=text(_ASSESSMENT_STANDING),
        ),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"))
    scale_id: Mapped[int] = mapped_column(ForeignKey("scale.id"))
    level_id: Mapped[int] = mapped_column(Integer)
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(30))
    setting: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    attestation_text: Mapped[str] = mapped_column(Text, default="")
    attestation_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    assessor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assessor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    assessor_name: Mapped[str] = mapped_column(String(200), default="")
    assessor_profession_id: Mapped[int | None] = mapped_column(ForeignKey("profession.id"))
    reauthenticated: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(40), default="manual")
    # "pending": a historical sign-off imported without an assessor on record; the rules count it only
    # once an educator confirms it ("verified"). Sign-offs made in credtrack are "not_required".
    verification: Mapped[str] = mapped_column(String(16), default="not_required", server_default="not_required")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    competency: Mapped[Competency] = relationship()
    scale: Mapped[Scale] = relationship()
    level: Mapped[ScaleLevel] = relationship(
        primaryjoin="Assessment.level_id == ScaleLevel.id", foreign_keys=[level_id], viewonly=True
    )
    assessor_profession: Mapped[Profession | None] = relationship()

"""The catalog: frameworks and competencies, scales, modules and credentials."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, VersionedMixin
from credtrack.models.enums import MODULE_KINDS, REQUIREMENT_KINDS, in_list

if TYPE_CHECKING:
    from credtrack.models.ratings import RatingSource


class Framework(IdMixin, VersionedMixin, Base):
    __tablename__ = "framework"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    version_label: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")

    domains: Mapped[list[CompetencyDomain]] = relationship(
        back_populates="framework", order_by="CompetencyDomain.sort_order"
    )
    competencies: Mapped[list[Competency]] = relationship(back_populates="framework", order_by="Competency.sort_order")


class CompetencyDomain(IdMixin, Base):
    __tablename__ = "competency_domain"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[Framework] = relationship(back_populates="domains")


class Competency(IdMixin, VersionedMixin, Base):
    __tablename__ = "competency"
    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        Index("ix_competency_domain_id", "domain_id"),
    )

    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id"))
    domain_id: Mapped[int | None] = mapped_column(ForeignKey("competency_domain.id"))
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[Framework] = relationship(back_populates="competencies")
    domain: Mapped[CompetencyDomain | None] = relationship()


class Scale(IdMixin, VersionedMixin, Base):
    __tablename__ = "scale"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    levels: Mapped[list[ScaleLevel]] = relationship(back_populates="scale", order_by="ScaleLevel.rank")


class ScaleLevel(IdMixin, Base):
    __tablename__ = "scale_level"
    __table_args__ = (
        UniqueConstraint("scale_id", "code"),
        UniqueConstraint("scale_id", "rank"),
        # Target of composite foreign keys that pin a level to its own scale.
        UniqueConstraint("id", "scale_id"),
    )

    scale_id: Mapped[int] = mapped_column(ForeignKey("scale.id"))
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    rank: Mapped[int] = mapped_column(Integer)
    passing: Mapped[bool] = mapped_column(Boolean, default=True)

    scale: Mapped[Scale] = relationship(back_populates="levels")


class Module(IdMixin, VersionedMixin, Base):
    __tablename__ = "module"
    __table_args__ = (
        CheckConstraint(in_list("kind", MODULE_KINDS), name="kind"),
        CheckConstraint("contact_hours >= 0", name="contact_hours"),
        CheckConstraint("validity_months IS NULL OR validity_months > 0", name="validity_months"),
    )

    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="e_learning")
    contact_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    validity_months: Mapped[int | None] = mapped_column(Integer)
    requires_verification: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_enrolment: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    competencies: Mapped[list[Competency]] = relationship(secondary="module_competency")


class ModuleCompetency(Base):
    __tablename__ = "module_competency"

    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"), primary_key=True)


class Credential(IdMixin, VersionedMixin, Base):
    __tablename__ = "credential"
    __table_args__ = (
        CheckConstraint("validity_months IS NULL OR validity_months > 0", name="validity_months"),
        CheckConstraint(
            "min_assessor_professions IS NULL OR min_assessor_professions > 0",
            name="min_assessor_professions",
        ),
    )

    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[str] = mapped_column(Text, default="")
    validity_months: Mapped[int | None] = mapped_column(Integer)
    min_assessor_professions: Mapped[int | None] = mapped_column(Integer)
    template: Mapped[str] = mapped_column(String(40), default="standard")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    requirements: Mapped[list[CredentialRequirement]] = relationship(
        back_populates="credential", order_by="CredentialRequirement.sort_order", cascade="all, delete-orphan"
    )


# What each kind of requirement names: a module; a competency on a scale at a level; ratings from one source
# (how many, optionally at or above a level of the source's scale); ratings from how many sources; how many
# confirmed works of improvement of a kind, with teams of how many professions; a precepting record (how
# many sign-offs given, to learners of how many other professions).
REQUIREMENT_SHAPE = (
    "(kind = 'module' AND module_id IS NOT NULL AND competency_id IS NULL AND min_level_id IS NULL"
    " AND source_id IS NULL)"
    " OR (kind = 'competency' AND competency_id IS NOT NULL AND module_id IS NULL"
    " AND scale_id IS NOT NULL AND min_level_id IS NOT NULL AND source_id IS NULL)"
    " OR (kind = 'ratings' AND source_id IS NOT NULL AND module_id IS NULL AND competency_id IS NULL"
    " AND min_count >= 1)"
    " OR (kind = 'rating_sources' AND source_id IS NULL AND module_id IS NULL AND competency_id IS NULL"
    " AND min_level_id IS NULL AND min_count >= 1)"
    " OR (kind = 'improvement' AND work_kind IS NOT NULL AND source_id IS NULL AND module_id IS NULL"
    " AND competency_id IS NULL AND min_level_id IS NULL AND min_count >= 1 AND min_professions >= 1)"
    " OR (kind = 'precepting' AND source_id IS NULL AND module_id IS NULL AND competency_id IS NULL"
    " AND min_level_id IS NULL AND min_count >= 1 AND min_professions >= 1)"
)


class CredentialRequirement(IdMixin, Base):
    __tablename__ = "credential_requirement"
    __table_args__ = (
        CheckConstraint(in_list("kind", REQUIREMENT_KINDS), name="kind"),
        CheckConstraint(REQUIREMENT_SHAPE, name="shape"),
        ForeignKeyConstraint(
            ["min_level_id", "scale_id"], ["scale_level.id", "scale_level.scale_id"], name="fk_requirement_level_scale"
        ),
        Index("ix_credential_requirement_credential_id", "credential_id"),
    )

    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competency.id"))
    scale_id: Mapped[int | None] = mapped_column(ForeignKey("scale.id"))
    min_level_id: Mapped[int | None] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("rating_source.id"))
    min_count: Mapped[int | None] = mapped_column(Integer)
    # Improvement work: of which kind, and how many professions its team must span (the learner's included).
    work_kind: Mapped[str | None] = mapped_column(String(20))
    min_professions: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    credential: Mapped[Credential] = relationship(back_populates="requirements")
    module: Mapped[Module | None] = relationship()
    competency: Mapped[Competency | None] = relationship()
    scale: Mapped[Scale | None] = relationship()
    min_level: Mapped[ScaleLevel | None] = relationship(
        primaryjoin="CredentialRequirement.min_level_id == ScaleLevel.id", foreign_keys=[min_level_id], viewonly=True
    )
    source: Mapped[RatingSource | None] = relationship()

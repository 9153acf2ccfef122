"""Typed SQLAlchemy ORM classes for the whole credtrack domain (no Qt)."""

from credtrack.models.achieved import AchievedDays, AchievedRules
from credtrack.models.audit import AuditCheckpoint, AuditEvent, AuditRecordState
from credtrack.models.base import Base, fold, utcnow
from credtrack.models.catalog import (
    Competency,
    CompetencyDomain,
    Credential,
    CredentialRequirement,
    Framework,
    Module,
    ModuleCompetency,
    Scale,
    ScaleLevel,
)
from credtrack.models.certificates import Certificate, ExternalRevocation, IssuerKey
from credtrack.models.cohorts import Cohort, CohortCredential, Enrolment
from credtrack.models.delivery import CertificateDelivery, Mailing
from credtrack.models.evidence import PersonEvidence
from credtrack.models.improvement import ImprovementAttachment, ImprovementMember, ImprovementWork
from credtrack.models.people import LoginThrottle, Person, Profession, Setting, User
from credtrack.models.ratings import Rating, RatingScore, RatingSource, RatingSourceCompetency
from credtrack.models.records import Assessment, Completion
from credtrack.models.reminders import Reminder, ReminderRule, ReminderTemplate
from credtrack.models.trust import TrustedIssuer, TrustedIssuerKey
from credtrack.models.units import Unit, UnitMembership, unit_key

__all__ = [
    "AchievedDays",
    "AchievedRules",
    "Assessment",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditRecordState",
    "Base",
    "Certificate",
    "CertificateDelivery",
    "Cohort",
    "CohortCredential",
    "Competency",
    "CompetencyDomain",
    "Completion",
    "Credential",
    "CredentialRequirement",
    "Enrolment",
    "ExternalRevocation",
    "Framework",
    "ImprovementAttachment",
    "ImprovementMember",
    "ImprovementWork",
    "IssuerKey",
    "Module",
    "ModuleCompetency",
    "LoginThrottle",
    "Mailing",
    "Person",
    "PersonEvidence",
    "Profession",
    "Rating",
    "RatingScore",
    "RatingSource",
    "RatingSourceCompetency",
    "Reminder",
    "ReminderRule",
    "ReminderTemplate",
    "Scale",
    "ScaleLevel",
    "Setting",
    "TrustedIssuer",
    "TrustedIssuerKey",
    "Unit",
    "UnitMembership",
    "User",
    "fold",
    "unit_key",
    "utcnow",
]

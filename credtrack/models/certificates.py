"""Issued certificates, the issuer's public keys, and revocations learned from other issuers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, VersionedMixin, utcnow
from credtrack.models.catalog import Credential
from credtrack.models.enums import CERTIFICATE_STATUSES, KEY_STATUSES, in_list
from credtrack.models.people import Person


class IssuerKey(IdMixin, Base):
    """A public signing key. Retired keys stay so old certificates still verify."""

    __tablename__ = "issuer_key"
    __table_args__ = (CheckConstraint(in_list("status", KEY_STATUSES), name="status"),)

    kid: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16), default="ES256")
    public_jwk: Mapped[str] = mapped_column(Text)
    issuer_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Certificate(IdMixin, VersionedMixin, Base):
    """An issued credential, frozen at issue time. Only its status may change afterwards."""

    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint(in_list("status", CERTIFICATE_STATUSES), name="status"),
        CheckConstraint("expires_on IS NULL OR expires_on >= issued_on", name="dates"),
        CheckConstraint(
            "(status = 'revoked') = (revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)", name="revocation"
        ),
        Index("ix_certificate_person_id", "person_id"),
        Index("ix_certificate_credential_id", "credential_id"),
        Index("ix_certificate_expires_on", "expires_on"),
    )

    code: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id"))
    holder_name: Mapped[str] = mapped_column(String(200))
    credential_title: Mapped[str] = mapped_column(String(200))
    snapshot_json: Mapped[str] = mapped_column(Text, default="{}")
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    issuer_kid: Mapped[str] = mapped_column(ForeignKey("issuer_key.kid"))
    qr_payload: Mapped[str] = mapped_column(Text)
    openbadge_digest: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16), default="valid")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship()
    credential: Mapped[Credential] = relationship()


class ExternalRevocation(IdMixin, Base):
    """A revocation learned from an imported signed revocation list."""

    __tablename__ = "external_revocation"
    __table_args__ = (UniqueConstraint("issuer_kid", "code"),)

    issuer_kid: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    list_as_of: Mapped[dt.datetime] = mapped_column(DateTime)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

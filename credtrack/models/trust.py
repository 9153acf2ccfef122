"""Other institutions whose certificates this one accepts: their public keys and latest revocation list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credtrack.models.base import Base, IdMixin, utcnow
from credtrack.models.enums import in_list

TRUSTED_KEY_STATUSES = ("trusted", "retired", "distrusted")


class TrustedIssuer(IdMixin, Base):
    """An institution whose keys an administrator imported, with the newest signed revocation list seen."""

    __tablename__ = "trusted_issuer"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revocation_list: Mapped[str] = mapped_column(Text, default="")  # compact JWS, as imported
    revocation_list_as_of: Mapped[dt.datetime | None] = mapped_column(DateTime)
    keys: Mapped[list[TrustedIssuerKey]] = relationship(back_populates="issuer", order_by="TrustedIssuerKey.id")


class TrustedIssuerKey(IdMixin, Base):
    """One public key of a trusted issuer: trusted, retired (old certificates still verify) or distrusted."""

    __tablename__ = "trusted_issuer_key"
    __table_args__ = (CheckConstraint(in_list("status", TRUSTED_KEY_STATUSES), name="status"),)

    issuer_id: Mapped[int] = mapped_column(ForeignKey("trusted_issuer.id"), index=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    public_jwk: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="trusted")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    issuer: Mapped[TrustedIssuer] = relationship(back_populates="keys")

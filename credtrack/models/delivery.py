"""Certificates sent to learners by e-mail: each mailing, and one delivery per certificate and recipient."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credtrack.models.base import Base, IdMixin, utcnow
from credtrack.models.enums import DELIVERY_STATES, in_list


class Mailing(IdMixin, Base):
    """One 'E-mail to learners': the message as the user wrote it, sent to everyone it names."""

    __tablename__ = "mailing"

    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    include_badge: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # While a run sends this mailing: until when its claim holds (renewed with each message) and whose it is,
    # so a second window or workstation cannot send the same messages at the same time.
    sending_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sending_by: Mapped[str] = mapped_column(String(80), default="")


class CertificateDelivery(IdMixin, Base):
    """A certificate to one recipient in one mailing: queued, sent (when), or failed (why, after how many tries).

    A retry sends only what is not yet sent, so nobody receives the same certificate twice from one mailing.
    """

    __tablename__ = "certificate_delivery"
    __table_args__ = (
        UniqueConstraint("mailing_id", "certificate_id", "recipient"),
        CheckConstraint(in_list("state", DELIVERY_STATES), name="state"),
        CheckConstraint("(state = 'sent') = (sent_at IS NOT NULL)", name="sent"),
        Index("ix_certificate_delivery_certificate_id", "certificate_id"),
    )

    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailing.id"))
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recipient: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

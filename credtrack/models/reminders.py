"""Reminders: the rules that say when to remind (per credential or module, or the default), the editable
wording of each kind of message, and each reminder queued, sent, failed or cancelled — at most one per step."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from credtrack.models.base import Base, IdMixin, VersionedMixin, utcnow
from credtrack.models.enums import REMINDER_STATES, REMINDER_SUBJECTS, in_list

RULE_SHAPE = (
    "(scope = 'default' AND credential_id IS NULL AND module_id IS NULL)"
    " OR (scope = 'credential' AND credential_id IS NOT NULL AND module_id IS NULL)"
    " OR (scope = 'module' AND module_id IS NOT NULL AND credential_id IS NULL)"
)


class ReminderRule(IdMixin, VersionedMixin, Base):
    """When to remind about one credential's or module's dates (or, scope "default", about all others):
    the days before an expiry, on the day itself, once an assigned credential is overdue, and whether the
    learner's unit educator is copied."""

    __tablename__ = "reminder_rule"
    __table_args__ = (
        CheckConstraint(RULE_SHAPE, name="shape"),
        UniqueConstraint("scope_key"),
    )

    scope: Mapped[str] = mapped_column(String(16))
    scope_key: Mapped[str] = mapped_column(String(40))  # "default", "credential:12", "module:3": one rule each
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credential.id"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    days_before: Mapped[str] = mapped_column(String(80), default="90,60,30,7")
    on_expiry: Mapped[bool] = mapped_column(Boolean, default=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    copy_educator: Mapped[bool] = mapped_column(Boolean, default=False)


class ReminderTemplate(VersionedMixin, Base):
    """The wording of one kind of reminder (before expiry, on expiry, overdue), with placeholders."""

    __tablename__ = "reminder_template"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class Reminder(IdMixin, VersionedMixin, Base):
    """One step's reminder to one person about one credential's or module's date. The unique key makes a
    step's reminder exist at most once; a renewal that moves the date cancels the pending one."""

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint("person_id", "subject_kind", "subject_id", "step", "about_on"),
        CheckConstraint(in_list("state", REMINDER_STATES), name="state"),
        CheckConstraint(in_list("subject_kind", REMINDER_SUBJECTS), name="subject_kind"),
        CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name="sent_at"),
        Index("ix_reminder_state", "state"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    subject_kind: Mapped[str] = mapped_column(String(16))  # "credential" or "module"
    subject_id: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(16))  # "before_30", "on_expiry", "overdue"
    about_on: Mapped[dt.date] = mapped_column(Date)  # the expiry or due date the reminder is about
    due_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    recipient: Mapped[str] = mapped_column(String(254), default="")
    copy_to: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

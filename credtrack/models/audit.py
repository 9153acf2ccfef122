"""The hash-chained audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credtrack.models.base import Base, IdMixin, utcnow


class AuditEvent(IdMixin, Base):
    """One change, hash-chained to the one before it so later edits of the log are detectable."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity_type", "entity_id"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
        Index("ix_audit_event_actor_action", "actor", "action"),
    )

    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    reauthenticated: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 over the record states this event vouches for (AuditRecordState rows); "" for none and for
    # every event written before records were checked against the log. Part of the event's hash when set.
    records_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AuditRecordState(Base):
    """What an event says a record looked like once its transaction was done: a digest of the record's
    audited fields, or "" when the record was deleted. ``audit verify`` compares records with the newest."""

    __tablename__ = "audit_record_state"
    __table_args__ = (Index("ix_audit_record_state_entity", "entity_type", "entity_id", "event_id"),)

    # No foreign key: like the events, these rows are proven by hashes, and the log's own tests edit events freely.
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    digest: Mapped[str] = mapped_column(String(32))


class AuditCheckpoint(IdMixin, Base):
    """The head of the chain at a moment, signed with the issuer key where one was at hand.

    The same checkpoint is also a line of the workstation's checkpoint file in the data folder,
    so cutting the log's tail in the database alone is caught by the copy outside it.
    """

    __tablename__ = "audit_checkpoint"
    __table_args__ = (Index("ix_audit_checkpoint_event_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(Integer)
    event_hash: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    workstation: Mapped[str] = mapped_column(String(80), default="")
    # The canonical JSON that was signed (database id, event, hash, time, workstation, previous line).
    body: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(64), default="")
    signature: Mapped[str] = mapped_column(Text, default="")
    line_hash: Mapped[str] = mapped_column(String(64), unique=True)

"""The kinds of record the audit log vouches for: each one's model, the fields vouched for, and the name
people know it by (``record_state`` stores and checks their digests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from credtrack.models import (
    Assessment,
    Certificate,
    Completion,
    ImprovementAttachment,
    ImprovementMember,
    ImprovementWork,
    Person,
    Rating,
    RatingScore,
    Reminder,
    Unit,
    UnitMembership,
    User,
)

DELETED = ""  # the digest vouched for a record its transaction deleted


@dataclass(frozen=True)
class Tracked:
    """A kind of record the log vouches for, the fields it vouches for and the name people know it by."""

    model: Any
    noun: str
    label: str  # the column naming the record in messages
    fields: tuple[str, ...]
    # Columns deliberately not vouched for: bookkeeping, values derived from others, and counters a
    # sign-in changes (sign-ins are logged as events of their own).
    unaudited: tuple[str, ...] = ("id", "version", "updated_at")
    # The column a record is known by: its own id, or — for rows that belong to a parent and have no id of
    # their own (a rating's scores) — the parent's id, all its rows then being one record vouched for together.
    key: str = "id"

    @property
    def table(self) -> Table:
        return self.model.__table__

    @property
    def grouped(self) -> bool:
        return self.key != "id"


def _columns(model: Any) -> tuple[str, ...]:
    return tuple(c.name for c in model.__table__.columns if c.name not in ("id", "version", "updated_at"))


TRACKED: dict[str, Tracked] = {
    "certificate": Tracked(
        Certificate,
        "Certificate",
        "code",
        (
            "code",
            "person_id",
            "credential_id",
            "holder_name",
            "credential_title",
            "snapshot_json",
            "issued_on",
            "expires_on",
            "issuer_kid",
            "qr_payload",
            "openbadge_digest",
            "status",
            "revoked_at",
            "revoked_reason",
            "revoked_by_id",
            "supersedes_id",
            "superseded_by_id",
            "issued_by_id",
            "override_reason",
            "created_at",
        ),
    ),
    "assessment": Tracked(
        Assessment,
        "Sign-off",
        "id",
        (
            "person_id",
            "competency_id",
            "scale_id",
            "level_id",
            "assessed_on",
            "method",
            "setting",
            "comment",
            "attestation_text",
            "attestation_accepted",
            "assessor_user_id",
            "assessor_person_id",
            "assessor_name",
            "assessor_profession_id",
            "reauthenticated",
            "source",
            "verification",
            "verified_by_id",
            "verified_at",
            "recorded_at",
            "voided_at",
            "voided_by_id",
            "void_reason",
        ),
    ),
    "completion": Tracked(
        Completion,
        "Completion",
        "id",
        (
            "person_id",
            "module_id",
            "completed_on",
            "evidence",
            "source",
            "verification",
            "verified_by_id",
            "verified_at",
            "recorded_by_id",
            "recorded_at",
            "voided_at",
            "voided_by_id",
            "void_reason",
        ),
    ),
    "person": Tracked(
        Person,
        "Person",
        "external_id",
        (
            "external_id",
            "full_name",
            "email",
            "profession_id",
            "unit",
            "start_date",
            "end_date",
            "status",
            "created_at",
        ),
        unaudited=("id", "version", "updated_at", "search_key"),
    ),
    "user": Tracked(
        User,
        "Account",
        "username",
        ("username", "display_name", "password_hash", "role", "active", "person_id", "created_at"),
        unaudited=("id", "version", "updated_at", "failed_logins", "locked_until", "last_login_at"),
    ),
    # A rating's own fields; its scores are vouched for as one record of their own (below).
    "rating": Tracked(
        Rating,
        "Rating",
        "id",
        (
            "person_id",
            "source_id",
            "scale_id",
            "rated_on",
            "rater_name",
            "rater_profession_id",
            "collection",
            "comment",
            "attestation_text",
            "attestation_accepted",
            "recorded_by_id",
            "recorded_at",
            "reauthenticated",
            "voided_at",
            "voided_by_id",
            "void_reason",
        ),
    ),
    # The scores of one rating's form, together: a level changed, a score added or taken away is named.
    "rating_score": Tracked(
        RatingScore,
        "Scores of rating",
        "rating_id",
        ("competency_id", "scale_id", "level_id"),
        unaudited=("rating_id",),
        key="rating_id",
    ),
    # What was sent to whom and when, each failure, and each cancellation: a reminder's whole row.
    "reminder": Tracked(
        Reminder,
        "Reminder",
        "id",
        (
            "person_id",
            "subject_kind",
            "subject_id",
            "step",
            "about_on",
            "due_on",
            "state",
            "recipient",
            "copy_to",
            "subject",
            "body",
            "attempts",
            "last_error",
            "queued_at",
            "sent_at",
            "cancelled_at",
            "cancel_reason",
        ),
    ),
    "unit": Tracked(
        Unit,
        "Unit",
        "name",
        ("name", "service_line", "site", "active", "created_at"),
        # The educator address copied on reminders is audited by its own events (unit.educator_email); it is not
        # vouched for here, so units vouched for by the units migration, before the column existed, still check.
        unaudited=("id", "version", "updated_at", "name_key", "educator_email"),
    ),
    "unit_membership": Tracked(
        UnitMembership,
        "Unit membership",
        "id",
        ("person_id", "unit_id", "start_date", "end_date", "created_at"),
    ),
    # Improvement work, its team and its attachments: every column but the bookkeeping ones.
    "improvement": Tracked(ImprovementWork, "Improvement work", "title", _columns(ImprovementWork)),
    "improvement_team": Tracked(
        ImprovementMember, "Improvement team member", "name", _columns(ImprovementMember), unaudited=("id",)
    ),
    "improvement_file": Tracked(
        ImprovementAttachment,
        "Improvement attachment",
        "file_name",
        _columns(ImprovementAttachment),
        unaudited=("id",),
    ),
}

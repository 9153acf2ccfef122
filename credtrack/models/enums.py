"""Allowed values of enumerated columns, shared by models, services and UI."""

from __future__ import annotations

ROLES = ("admin", "educator", "preceptor", "viewer")
PERSON_STATUSES = ("active", "inactive", "archived")
MODULE_KINDS = ("e_learning", "simulation", "workshop", "shadowing", "huddle", "other")
ASSESSMENT_METHODS = (
    "direct_observation",
    "simulation",
    "case_discussion",
    "chart_review",
    "multisource_feedback",
    "other",
)
VERIFICATION_STATES = ("not_required", "pending", "verified")
REQUIREMENT_KINDS = ("module", "competency", "ratings", "rating_sources", "improvement", "precepting")
# A learner's contribution to quality improvement and patient safety, a record of its own.
IMPROVEMENT_KINDS = ("qi_project", "safety_review", "huddle_led", "teach_back")
# How a rating reached credtrack: signed by the rater in credtrack, or recorded by an educator or preceptor
# from a paper form, an interview or a survey export.
RATING_COLLECTION = ("signed", "paper_form", "interview", "survey_export")
ENROLMENT_STATUSES = ("active", "withdrawn", "completed")
CERTIFICATE_STATUSES = ("valid", "revoked", "superseded")
KEY_STATUSES = ("active", "retired")
DELIVERY_STATES = ("queued", "sent", "failed")
# A reminder waits (queued), is being handed to the mail server (sending), went (sent), could not go and
# waits to be tried again (failed), or was no longer due when its turn came (cancelled).
REMINDER_STATES = ("queued", "sending", "sent", "failed", "cancelled")
REMINDER_SUBJECTS = ("credential", "module")

LABELS = {
    "e_learning": "E-learning",
    "simulation": "Simulation",
    "workshop": "Workshop",
    "shadowing": "Shadowing",
    "huddle": "Huddle",
    "other": "Other",
    "direct_observation": "Direct observation",
    "case_discussion": "Case discussion",
    "chart_review": "Chart review",
    "multisource_feedback": "Multisource feedback",
    "not_required": "Not required",
    "pending": "Awaiting verification",
    "verified": "Verified",
    "signed": "Signed by the rater",
    "paper_form": "Paper form",
    "interview": "Interview",
    "survey_export": "Survey export",
    "qi_project": "QI project",
    "safety_review": "Safety event review",
    "huddle_led": "Huddle led",
    "teach_back": "Teach-back",
}


def label(value: str) -> str:
    return LABELS.get(value, value.replace("_", " ").capitalize())


def in_list(column: str, values: tuple[str, ...]) -> str:
    """SQL text for a CHECK constraint limiting ``column`` to ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"

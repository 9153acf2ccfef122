"""A credential's overall status from its requirements' verdicts: the statuses, their labels and the expiry bands."""

from __future__ import annotations

import datetime as dt

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
ELIGIBLE = "eligible"
EARNED = "earned"
EXPIRING_SOON = "expiring_soon"
EXPIRED = "expired"
STATUSES = (NOT_STARTED, IN_PROGRESS, ELIGIBLE, EARNED, EXPIRING_SOON, EXPIRED)
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    ELIGIBLE: "Eligible",
    EARNED: "Earned",
    EXPIRING_SOON: "Expiring soon",
    EXPIRED: "Expired",
}
BANDS = (7, 30, 60, 90)


def expiry_band(expiry: dt.date | None, today: dt.date) -> int | None:
    """The tightest of the 7/30/60/90-day bands that ``expiry`` falls in, or None if further off."""
    if expiry is None:
        return None
    days = (expiry - today).days
    if days < 0:
        return None
    for band in BANDS:
        if days <= band:
            return band
    return None


def overall_status(
    met: int,
    total: int,
    lapsed: int,
    any_evidence: bool,
    professions_ok: bool,
    certificate_expires: dt.date | None,
    has_certificate: bool,
    requirement_expiry: dt.date | None,
    today: dt.date,
) -> tuple[str, dt.date | None, int | None]:
    """Status, the date that matters for renewal, and the expiring band (if any). (Positional arguments are
    allowed for the bulk judge, which calls this once per person and credential.)"""
    all_met = total > 0 and met >= total and professions_ok
    if has_certificate and (certificate_expires is None or certificate_expires >= today):
        band = expiry_band(certificate_expires, today)
        return (EXPIRING_SOON if band else EARNED), certificate_expires, band
    if all_met:
        band = expiry_band(requirement_expiry, today)
        return (EXPIRING_SOON if band else ELIGIBLE), requirement_expiry, band
    if has_certificate or lapsed:
        return EXPIRED, certificate_expires, None
    if any_evidence:
        return IN_PROGRESS, None, None
    return NOT_STARTED, None, None

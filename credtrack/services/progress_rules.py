"""The credential progress rules in one place, shared by the per-person and the bulk forms."""

from __future__ import annotations

import datetime as dt

from credtrack.services.common import months_after

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


def valid_until(completed_on: dt.date, validity_months: int | None) -> dt.date | None:
    return months_after(completed_on, validity_months) if validity_months else None


def earliest_cutoff(validity_months: int, today: dt.date) -> dt.date:
    """The earliest completion date that is still current today for a module valid ``validity_months``.

    A completion on day d is current while ``months_after(d, months) >= today``; months_after never
    decreases as d grows, so the first such day is found near ``today`` minus the months.
    """
    guess = months_after(today, -validity_months)
    day = guess - dt.timedelta(days=4)
    while months_after(day, validity_months) < today:
        day += dt.timedelta(days=1)
    return day


def overall_status(
    *,
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
    """Status, the date that matters for renewal, and the expiring band (if any)."""
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

"""After a demo is loaded: a signing key, and certificates issued over the demo's history (for
``credtrack.demo``: set-up and ``credtrack-cli demo`` run these once the records are in)."""

from __future__ import annotations

import datetime as dt

from credtrack.db import Database
from credtrack.services import keys as key_service
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates.issuing import demo_certificates
from credtrack.services.permissions import SYSTEM
from credtrack.services.progress import person as progress
from credtrack.services.progress.bulk import compute_bulk


def after_demo_hooks(db: Database) -> list[str]:
    """Further demo steps: a signing key, certificates issued over the demo's history, then one issued today
    and one left to issue (chosen after the history, so the one offered is not already held)."""

    if not key_service.list_keys(db.unit_of_work()):
        key_service.create_issuer_key(db.unit_of_work(), SYSTEM)
    history = _certificate_history(db)
    return demo_certificates(db) + history


def _certificate_history(db: Database, limit: int = 60) -> list[str]:
    """Issue certificates to people who became eligible, each on the day they did (so some have
    since lapsed or are about to), then revoke one and renew one, as a real program's history has."""

    today = dt.date.today()
    with db.unit_of_work() as uow:
        s = uow.session
        earned_on: list[tuple[dt.date, int, int]] = []
        for row in compute_bulk(s, today):
            if row.status != "eligible" or len(earned_on) >= limit * 2:
                continue
            rules = progress.load_rules(s, [row.credential_id])[row.credential_id]
            detail = progress.compute_person_progress(s, row.person_id, rules, today)
            dates = [r.evidence.on for r in detail.requirements if r.evidence]
            if dates:
                earned_on.append((max(dates) + dt.timedelta(days=7), row.person_id, row.credential_id))
    earned_on.sort()
    issued: list[str] = []
    for n, (day, person_id, credential_id) in enumerate(earned_on):
        if n % 3 == 2 or len(issued) >= limit:
            continue  # leave some eligible people for the educator to issue
        try:
            issued.append(
                certificates.issue_certificate(
                    db.unit_of_work(), SYSTEM, person_id, credential_id, today=min(day, today)
                ).value.code
            )
        except Exception:  # noqa: BLE001 - a demo certificate that cannot be issued is simply skipped
            continue
    if len(issued) >= 3:
        certificates.revoke_certificate(
            db.unit_of_work(), SYSTEM, issued[1], "Issued before the learner's final sign-off was confirmed"
        )
    return [f"Certificate history: {len(issued)} earlier certificates issued on the days they were earned."]

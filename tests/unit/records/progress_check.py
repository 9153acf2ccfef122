"""Progress as a user sees it, with the per-person and the bulk (SQL) forms held equal."""

from __future__ import annotations

import datetime as dt

from credtrack.rules.status import NOT_STARTED
from credtrack.services.progress import person as progress
from credtrack.services.progress.bulk import compute_bulk
from tests.unit.records.builders import TODAY, World


def progress_of(
    w: World, credential_id: int, today: dt.date = TODAY, person: int | None = None
) -> progress.CredentialProgress:
    """One person's progress on one credential; the bulk form must say the same."""
    person = person or w.learner
    detail = progress.person_progress(w.uow(), w.viewer, person, credential_id, today=today)
    with w.uow() as uow:
        bulk = compute_bulk(uow.session, today, person_ids=[person], credential_ids=[credential_id])
    if not bulk:
        assert detail.status == NOT_STARTED, f"bulk omits a pair the detail calls {detail.status}"
    else:
        (row,) = bulk
        assert (row.status, row.met, row.total, row.expiring_band, row.renewal_date) == (
            detail.status,
            detail.met,
            detail.total,
            detail.expiring_band,
            detail.renewal_date,
        ), f"bulk and detail disagree on {today}"
    return detail


def states(p: progress.CredentialProgress) -> dict[str, str]:
    return {r.code: r.state for r in p.requirements}

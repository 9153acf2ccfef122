"""Overall statuses: earned, expiring soon in its 90/60/30/7-day bands, expired; and the bulk (SQL)
form agreeing with the per-person rules across a whole demo database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from credtrack import demo
from credtrack.errors import NotFoundError
from credtrack.models import Assessment, Completion, Credential, Person, evidence
from credtrack.services import cohorts
from credtrack.services.progress import person as progress
from credtrack.services.progress.bulk import bulk_progress, compute_bulk, status_counts
from tests.unit.records.builders import (
    TODAY,
    add_certificate,
    add_person,
    build_world,
    complete,
    credential,
)
from tests.unit.records.progress_check import progress_of

EXPIRES = dt.date(2027, 3, 31)
# days before the certificate expires -> (status, band)
BANDS = [
    (0, "expiring_soon", 7),
    (7, "expiring_soon", 7),
    (8, "expiring_soon", 30),
    (30, "expiring_soon", 30),
    (31, "expiring_soon", 60),
    (60, "expiring_soon", 60),
    (61, "expiring_soon", 90),
    (90, "expiring_soon", 90),
    (91, "earned", None),
    (400, "earned", None),
]


def test_a_certificate_expiring_soon_falls_in_the_tightest_band(db) -> None:
    w = build_world(db)
    cid = credential(w, "BANDS", modules=("ONB-101",))
    add_certificate(w.db, w.learner, cid, issued_on=dt.date(2025, 3, 31), expires_on=EXPIRES)
    for days, status, band in BANDS:
        p = progress_of(w, cid, today=EXPIRES - dt.timedelta(days=days))
        assert (p.status, p.expiring_band, p.renewal_date) == (status, band, EXPIRES), f"{days} days before"
        assert p.certificate_code is not None
    assert "(30 days)" in progress_of(w, cid, today=EXPIRES - dt.timedelta(days=20)).status_label


def test_a_certificate_without_expiry_is_earned_for_good(db) -> None:
    w = build_world(db)
    cid = credential(w, "FOREVER", modules=("ONB-101",))
    add_certificate(w.db, w.learner, cid, issued_on=dt.date(2020, 1, 1), expires_on=None)
    p = progress_of(w, cid, today=dt.date(2040, 1, 1))
    assert (p.status, p.expiring_band, p.met) == ("earned", None, 0)


def test_an_expired_certificate_is_expired_unless_the_requirements_are_met_again(db) -> None:
    w = build_world(db)
    cid = credential(w, "LAPSE", modules=("ONB-101",))
    add_certificate(w.db, w.learner, cid, issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2026, 1, 1))
    assert progress_of(w, cid, today=dt.date(2026, 1, 1)).status == "expiring_soon"
    assert progress_of(w, cid, today=dt.date(2026, 1, 2)).status == "expired"
    complete(w, "ONB-101", "2026-02-01")
    assert progress_of(w, cid, today=dt.date(2026, 3, 1)).status == "eligible"  # ready to renew


def test_a_superseded_certificate_no_longer_counts(db) -> None:
    w = build_world(db)
    cid = credential(w, "OLD", modules=("ONB-101",))
    add_certificate(w.db, w.learner, cid, issued_on=dt.date(2025, 1, 1), expires_on=None, status="superseded")
    assert progress_of(w, cid).status == "not_started"


def test_eligible_expiring_soon_when_a_recurring_requirement_is_about_to_lapse(db) -> None:
    w = build_world(db)
    cid = credential(w, "BLS-DUE", modules=("BLS", "ONB-101"))
    complete(w, "BLS", "2025-06-15")  # valid until 2026-06-15
    complete(w, "ONB-101", "2025-06-15")
    lapses = dt.date(2026, 6, 15)
    for days, status, band in BANDS[:-1]:
        p = progress_of(w, cid, today=lapses - dt.timedelta(days=days))
        expected = "eligible" if status == "earned" else status
        assert (p.status, p.expiring_band, p.renewal_date) == (expected, band, lapses), f"{days} days before"
    p = progress_of(w, cid, today=lapses + dt.timedelta(days=1))
    assert (p.status, p.met) == ("expired", 1)


def test_not_started_and_in_progress(db) -> None:
    w = build_world(db)
    cid = credential(w, "TWO", modules=("ONB-101", "BLS"))
    assert progress_of(w, cid).status == "not_started"
    complete(w, "ONB-101", "2026-02-01")
    p = progress_of(w, cid)
    assert (p.status, p.met, p.total, p.eligible) == ("in_progress", 1, 2, False)


# The bulk form over a whole demo database -----------------------------------------------------

DEMO_TODAY = dt.date(2026, 6, 15)


def test_bulk_matches_per_person_progress_for_everyone_in_a_demo(db) -> None:
    demo.load_demo(db, 60, today=DEMO_TODAY)
    with db.unit_of_work() as uow:
        s = uow.session
        person_ids = list(s.scalars(select(Person.id).order_by(Person.id)))
        credentials = list(s.scalars(select(Credential).order_by(Credential.id)))
        cred_ids = [c.id for c in credentials]
    # Some records are voided, and some people hold certificates expiring at different distances.
    with db.unit_of_work() as uow:
        for model in (Completion, Assessment):
            uow.session.execute(
                update(model)
                .where(model.id % 7 == 0)
                .values(voided_at=dt.datetime(2026, 5, 1), void_reason="Entered in error")
            )
        evidence.rebuild(uow.session.connection())  # voided behind the services' back: re-pack as they would
        uow.commit()
    for n, pid in enumerate(person_ids[:12]):
        expires = None if n % 4 == 0 else DEMO_TODAY + dt.timedelta(days=[-10, 5, 45, 75, 200][n % 5])
        add_certificate(db, pid, cred_ids[n % len(cred_ids)], dt.date(2025, 1, 1), expires)

    seen_statuses: set[str] = set()
    for day in (DEMO_TODAY, DEMO_TODAY + dt.timedelta(days=200), DEMO_TODAY + dt.timedelta(days=500)):
        with db.unit_of_work() as uow:
            bulk = {
                (r.person_id, r.credential_id): r
                for r in compute_bulk(uow.session, day, person_ids=person_ids, credential_ids=cred_ids)
            }
            assert len(bulk) == len(person_ids) * len(cred_ids)
            # The whole-database form covers assigned and held credentials, with the same answers.
            for r in compute_bulk(uow.session, day):
                assert r == bulk[(r.person_id, r.credential_id)]
            for pid in person_ids:
                for cred in credentials:
                    detail = progress.compute_person_progress(
                        uow.session, pid, progress._credential(uow.session, cred.id), day
                    )
                    seen_statuses.add(detail.status)
                    row = bulk.get((pid, cred.id))
                    if row is None:
                        assert detail.status == "not_started", f"bulk omits person {pid} on {cred.code} ({day})"
                        continue
                    assert (row.status, row.met, row.total, row.expiring_band, row.renewal_date) == (
                        detail.status,
                        detail.met,
                        detail.total,
                        detail.expiring_band,
                        detail.renewal_date,
                    ), f"person {pid} on {cred.code} at {day}"
            assert set(bulk) <= {(p, c) for p in person_ids for c in cred_ids}
    # The demo really exercises the rules rather than agreeing on empty results.
    assert {"in_progress", "eligible", "earned", "expiring_soon", "expired"} <= seen_statuses


def test_bulk_progress_for_a_cohort_lists_its_people_and_credentials(db) -> None:
    w = build_world(db)
    rows = bulk_progress(w.uow(), w.viewer, cohort_code="coh-a", today=TODAY)
    assert [(r.person_id, r.credential_id, r.status) for r in rows] == [(w.learner, w.credential_id, "not_started")]


def test_the_dashboard_counts_each_status_per_credential(db) -> None:
    w = build_world(db)
    other = add_person(db, w.admin, "EMP-010", "Åsa Lindqvist", "PT")
    cohorts.enrol(w.uow(), w.educator, "COH-A", [other])
    complete(w, "ONB-101", "2026-02-01", person=other)
    counts = status_counts(w.uow(), w.viewer, cohort_code="COH-A", today=TODAY)
    assert set(counts) == {w.credential_id}
    assert {k: v for k, v in counts[w.credential_id].items() if v} == {"not_started": 1, "in_progress": 1}


def test_bulk_progress_for_an_unknown_cohort_says_so(db) -> None:
    w = build_world(db)
    with pytest.raises(NotFoundError, match="NOPE"):
        bulk_progress(w.uow(), w.viewer, cohort_code="NOPE")

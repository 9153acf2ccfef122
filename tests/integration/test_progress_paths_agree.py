"""The person's page and everyone's progress agree on a demo of 5,000 people: for every person and every
credential the bulk path judges (assigned, held, or with evidence towards it), the per-person path gives the
same status, the same requirements met of the same total, and the same renewal date. Every person is
judged on every credential of the catalog, assigned or not, so each credential's rules are compared.

The two paths read evidence differently (the person's records in memory; the packed projection for
everyone) and are judged by the one judge, so this holds them equal on every kind of evidence the demo
has — completions, sign-offs, ratings, and whatever kinds a credential's rules read — at the size the
dashboard and reports work at. SQLite only: the same comparison runs on both databases on a smaller demo
(tests/unit/data/test_evidence_sources.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select

from credtrack import demo
from credtrack.models import Credential, Person
from credtrack.services.progress.bulk import compute_bulk
from credtrack.services.progress.person import compute_person_progress, load_person_records, load_rules

TODAY = dt.date(2026, 11, 2)


def test_bulk_and_per_person_progress_agree_for_5000_people(sqlite_db) -> None:
    demo.load_demo(sqlite_db, 5000, today=TODAY)
    with sqlite_db.unit_of_work() as uow:
        s = uow.session
        people = list(s.scalars(select(Person.id)))
        credentials = list(s.scalars(select(Credential.id)))
        bulk = compute_bulk(s, TODAY, person_ids=people, credential_ids=credentials)
        assert len(people) >= 5000 and len(credentials) >= 4 and len(bulk) == len(people) * len(credentials)
        by_person: dict[int, list] = defaultdict(list)
        for row in bulk:
            by_person[row.person_id].append(row)
        rules = load_rules(s, credentials)
        differ = []
        for person_id, rows in by_person.items():
            records = load_person_records(s, person_id)
            for row in rows:
                page = compute_person_progress(s, person_id, rules[row.credential_id], TODAY, records)
                if (page.status, page.met, page.total, page.renewal_date) != (
                    row.status,
                    row.met,
                    row.total,
                    row.renewal_date,
                ):
                    differ.append((person_id, row, page.status, page.met, page.total, page.renewal_date))
        assert differ == [], f"{len(differ)} of {len(bulk)} differ, first: {differ[:3]}"
        statuses = {row.status for row in bulk}
        assert {"not_started", "in_progress", "eligible", "expired"} <= statuses  # each standing is compared

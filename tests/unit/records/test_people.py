"""People: accent- and case-insensitive search, archiving that keeps records, concurrent edits."""

from __future__ import annotations

import pytest

from credtrack.errors import ConcurrentEditError
from credtrack.models import Person
from credtrack.services import people
from credtrack.services.progress import person as progress
from credtrack.services.records import listing as record_listing
from tests.unit.records.builders import TODAY, add_person, build_world, complete, signoff, snapshot


def _find(w, query: str, **kw) -> list[str]:
    return [p.full_name for p in people.search_people(w.uow(), w.viewer, query, **kw)]


def test_search_ignores_accents_and_case(db) -> None:
    w = build_world(db)
    add_person(db, w.admin, "EMP-003", "Zoë O'Brien-Łukasiewicz", "PT")
    add_person(db, w.admin, "EMP-004", "Joseph Smith", "SW")
    assert _find(w, "jose") == ["José Álvarez", "Joseph Smith"]
    assert _find(w, "JOSÉ alv") == ["José Álvarez"]
    assert _find(w, "nguyen") == ["Nguyễn Thị Minh"]
    assert _find(w, "NGUYỄN thi") == ["Nguyễn Thị Minh"]
    assert _find(w, "zoe lukasiewicz") == ["Zoë O'Brien-Łukasiewicz"]
    assert _find(w, "o'brien") == ["Zoë O'Brien-Łukasiewicz"]
    assert _find(w, "nobody here") == []


def test_search_by_external_id_and_wildcards_are_literal(db) -> None:
    w = build_world(db)
    assert _find(w, "emp-002") == ["José Álvarez"]
    assert _find(w, "EMP-00") == ["José Álvarez", "Nguyễn Thị Minh"]
    assert _find(w, "%") == [] and _find(w, "_") == []
    assert people.find_by_external_id(w.uow(), w.viewer, "EMP-001").full_name == "Nguyễn Thị Minh"


def test_search_follows_a_rename_and_filters(db) -> None:
    w = build_world(db)
    people.update_person(w.uow(), w.educator, w.learner2, full_name="José Ángel Álvarez")
    assert _find(w, "angel") == ["José Ángel Álvarez"]
    assert _find(w, "", profession_code="MED", status="active") == ["Adaeze Nwosu", "José Ángel Álvarez"]
    assert _find(w, "", cohort_code="COH-A") == ["Nguyễn Thị Minh"]


def test_archiving_keeps_the_person_their_records_and_their_progress(db) -> None:
    w = build_world(db)
    done = complete(w, "ONB-101", "2026-02-01")
    signed = signoff(w, "C1", "3", "2026-02-02")
    before = progress.person_progress(w.uow(), w.viewer, w.learner, w.credential_id, today=TODAY)
    archived = people.archive_person(w.uow(), w.admin, w.learner, "Moved to another hospital").value
    assert archived.status == "archived"
    completions, assessments = record_listing.person_records(w.uow(), w.viewer, w.learner)
    assert [c.id for c in completions] == [done.id] and [a.id for a in assessments] == [signed.id]
    assert not completions[0].voided and not assessments[0].voided
    after = progress.person_progress(w.uow(), w.viewer, w.learner, w.credential_id, today=TODAY)
    assert (after.met, after.status) == (before.met, before.status)
    assert _find(w, "nguyen", status="archived") == ["Nguyễn Thị Minh"]


def test_an_edit_based_on_an_old_version_is_refused(db) -> None:
    w = build_world(db)
    seen = people.get_person(w.uow(), w.educator, w.learner2)
    people.update_person(w.uow(), w.admin, w.learner2, expected_version=seen.version, unit="ICU")
    before = snapshot(db)
    with pytest.raises(ConcurrentEditError, match="José Álvarez was changed by someone else"):
        people.update_person(w.uow(), w.educator, w.learner2, expected_version=seen.version, unit="ED")
    assert snapshot(db) == before
    assert people.get_person(w.uow(), w.viewer, w.learner2).unit == "ICU"


@pytest.mark.parametrize("explicit_flush", [False, True], ids=["on-commit", "on-flush"])
def test_two_sessions_saving_the_same_person_at_once(db, explicit_flush: bool) -> None:
    w = build_world(db)
    first, second = w.uow(), w.uow()
    with pytest.raises(ConcurrentEditError, match="changed by someone else"), first, second:
        mine = first.session.get(Person, w.learner2)
        theirs = second.session.get(Person, w.learner2)
        assert mine is not None and theirs is not None
        mine.unit = "ICU"
        first.commit()
        theirs.unit = "ED"
        if explicit_flush:
            second.session.flush()
        second.commit()
    # The first save stands; the second was not silently applied.
    assert people.get_person(w.uow(), w.viewer, w.learner2).unit == "ICU"

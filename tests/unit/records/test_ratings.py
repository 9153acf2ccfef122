"""Ratings from other sources: recording them (signed by the rater, or recorded and attested on someone's
behalf), what is refused and why, voiding, and how they count towards a credential on the person's page
and in everyone's progress alike."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from credtrack.errors import AuthenticationError, CredtrackError, DuplicateError, PermissionDenied, ValidationError
from credtrack.services import cohorts, rating_sources, ratings
from credtrack.services.audit import record_check
from credtrack.services.catalog import RequirementSpec, create_credential
from credtrack.services.progress import bulk
from credtrack.services.progress.person import person_progress
from credtrack.services.setup import load_starter_data
from tests.unit.records.builders import PASSWORD, TODAY, World, audit_count, build_world, cheap_hashing, snapshot


def rate(w: World, source: str, scores: dict[str, str], on: str, **kw: object) -> ratings.RatingRow:
    """Record a rating as an educator by default; ``kw`` overrides any argument (``actor`` too)."""
    args: dict = {
        "person_id": w.learner,
        "source_code": source,
        "rated_on": on,
        "scores": scores,
        "collection": "paper_form",
        "rater_name": "Marguerite Dubois",
        "password": PASSWORD,
        "attestation_accepted": True,
        "today": TODAY,
    }
    args.update(kw)
    actor = args.pop("actor", w.educator)
    with cheap_hashing():
        return ratings.record_rating(w.uow(), actor, **args).value  # type: ignore[arg-type]


@pytest.fixture
def w(db) -> World:
    return build_world(db)


def test_the_starter_sources_each_have_a_form_and_setting_up_again_adds_none(w: World) -> None:
    sources = {s.code: s for s in rating_sources.list_sources(w.uow(), w.viewer)}
    assert set(sources) == {"PEER-IP", "PATIENT", "TEAM", "SELF", "LEARNER-FAC"}
    assert all(s.scale_code == "OBSERVED5" and s.competency_codes and s.attestation_text for s in sources.values())
    assert load_starter_data(w.db.unit_of_work()).value.rating_sources == 0


def test_a_rating_recorded_for_a_patient_advisor_names_them_and_says_how_it_was_collected(w: World) -> None:
    events = audit_count(w.db)
    row = rate(w, "patient", {"c1": "4", "VE1": "5"}, "2026-05-02", collection="interview", comment="Kind and clear")
    assert (row.source_code, row.rater_name, row.collection_label) == ("PATIENT", "Marguerite Dubois", "Interview")
    assert sorted(row.scores) == [("C1", "4", "Often"), ("VE1", "5", "Always")]
    assert row.recorded_by == "Dana Whitfield"
    assert audit_count(w.db) == events + 1
    assert [r.id for r in ratings.person_ratings(w.uow(), w.viewer, w.learner)] == [row.id]


def test_a_signed_rating_is_the_signer_s_own_with_their_profession(w: World) -> None:
    row = rate(w, "PEER-IP", {"C3": "4"}, "2026-05-03", collection="signed", actor=w.preceptor_pharm, rater_name="")
    assert (row.rater_name, row.rater_profession) == ("Tomasz Zieliński", "Pharmacy")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scores": {"TT11": "4"}}, "does not rate TT11"),
        ({"scores": {"C1": "9"}}, "'9' is not a level of the source's scale"),
        ({"scores": {}}, "at least one competency"),
        ({"rated_on": "2026-13-01"}, "date"),
        ({"rated_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "future"),
        ({"collection": "rumour"}, "must be one of"),
        ({"rater_name": "  "}, "rater's name"),
        ({"attestation_accepted": False}, "Accept the attestation"),
        ({"source_code": "NOPE"}, "No rating source"),
    ],
)
def test_a_rating_that_cannot_be_right_is_refused_with_nothing_written(w: World, change: dict, message: str) -> None:
    before = snapshot(w.db)
    args, change = {"source": "PATIENT", "scores": {"C1": "4"}, "on": "2026-05-02"}, dict(change)
    for key, name in (("scores", "scores"), ("rated_on", "on"), ("source_code", "source")):
        if key in change:
            args[name] = change.pop(key)
    with pytest.raises(CredtrackError) as refused:
        rate(w, args["source"], args["scores"], args["on"], **change)
    assert message.lower() in str(refused.value).lower()
    assert snapshot(w.db) == before


def test_a_wrong_password_or_a_rating_about_oneself_is_refused(w: World) -> None:
    with pytest.raises(AuthenticationError):
        rate(w, "PATIENT", {"C1": "4"}, "2026-05-02", password="not the password")
    assert ratings.person_ratings(w.uow(), w.viewer, w.learner) == []  # only the failed signature is counted
    before = snapshot(w.db)
    with pytest.raises(PermissionDenied, match="ratings about yourself"):
        rate(w, "TEAM", {"C5": "4"}, "2026-05-02", actor=w.preceptor, person_id=w.preceptor_person)
    assert snapshot(w.db) == before


def test_sources_are_editable_data_and_a_retired_one_takes_no_new_ratings(w: World) -> None:
    made = rating_sources.create_source(
        w.uow(), w.educator, code="coach", name="Unit coach", scale_code="OBSERVED5", competency_codes=["TT5", "TT10"]
    ).value
    assert (made.code, sorted(made.competency_codes)) == ("COACH", ["TT10", "TT5"])
    with pytest.raises(DuplicateError):
        rating_sources.create_source(
            w.uow(), w.educator, code="COACH", name="Again", scale_code="OBSERVED5", competency_codes=["TT5"]
        )
    with pytest.raises(ValidationError, match="at least one competency"):
        rating_sources.update_source(w.uow(), w.educator, made.id, competency_codes=[])
    rating_sources.update_source(w.uow(), w.educator, made.id, active=False)
    assert "COACH" not in [s.code for s in rating_sources.list_sources(w.uow(), w.viewer)]
    with pytest.raises(ValidationError, match="no longer offered"):
        rate(w, "COACH", {"TT5": "4"}, "2026-05-02")


def test_a_preceptor_voids_only_ratings_they_recorded(w: World) -> None:
    theirs = rate(w, "TEAM", {"C5": "4"}, "2026-05-02", actor=w.preceptor_med, collection="signed")
    other = rate(w, "PATIENT", {"C1": "4"}, "2026-05-02")
    with pytest.raises(PermissionDenied, match="recorded by someone else"):
        ratings.void_rating(w.uow(), w.preceptor_med, other.id, "Not mine")
    voided = ratings.void_rating(w.uow(), w.preceptor_med, theirs.id, "Rated the wrong learner").value
    assert (voided.voided, voided.void_reason) == (True, "Rated the wrong learner")
    with pytest.raises(ValidationError, match="already voided"):
        ratings.void_rating(w.uow(), w.educator, theirs.id, "Again")


def test_a_credential_needing_patient_ratings_and_three_sources_is_judged_alike_everywhere(w: World) -> None:
    credential = create_credential(
        w.uow(),
        w.educator,
        code="VOICES",
        title="Many voices",
        requirements=[
            RequirementSpec("module", module_code="ONB-101"),
            RequirementSpec("ratings", source_code="PATIENT", min_count=2, min_level_code="4"),
            RequirementSpec("rating_sources", min_count=3),
        ],
    ).value
    assert [r.describe for r in credential.requirements[1:]] == [
        "2 ratings from Patient or family advisor, each at Often or above",
        "Ratings from at least 3 different sources",
    ]
    cohorts.assign_credential(w.uow(), w.educator, "COH-A", "VOICES", "2026-07-01")

    def states() -> list[str]:
        page = person_progress(w.uow(), w.viewer, w.learner, credential.id, today=TODAY)
        everyone = {(s.person_id, s.credential_id): s for s in bulk.bulk_progress(w.uow(), w.viewer, today=TODAY)}[
            (w.learner, credential.id)
        ]
        assert (everyone.status, everyone.met) == (page.status, page.met)  # the two paths agree
        return [r.state for r in page.requirements[1:]]

    assert states() == ["missing", "missing"]
    rate(w, "PATIENT", {"C1": "5", "VE1": "3"}, "2026-03-01")  # one score below "Often": does not count
    first = rate(w, "PATIENT", {"C1": "4"}, "2026-03-10")
    assert states() == ["below_level", "below_level"]
    rate(w, "PATIENT", {"C2": "5", "C3": "4"}, "2026-04-01")
    rate(w, "SELF", {"C7": "2"}, "2026-04-02", rater_name="Nguyễn Thị Minh")
    assert states() == ["met", "below_level"]
    last = rate(w, "PEER-IP", {"C3": "3"}, "2026-04-03", collection="signed", actor=w.preceptor_med)
    assert states() == ["met", "met"]
    page = person_progress(w.uow(), w.viewer, w.learner, credential.id, today=TODAY)
    assert page.requirements[1].evidence is not None and page.requirements[1].evidence.on == dt.date(2026, 4, 1)
    assert page.requirements[2].evidence is not None and page.requirements[2].evidence.record_id == last.id
    ratings.void_rating(w.uow(), w.educator, first.id, "Form belonged to another learner")
    assert states() == ["below_level", "met"]


def test_ratings_are_as_the_log_says_and_one_edited_behind_its_back_is_named(w: World) -> None:
    kept = rate(w, "PATIENT", {"C1": "4"}, "2026-05-02")
    voided = rate(w, "SELF", {"C7": "3"}, "2026-05-03", rater_name="Nguyễn Thị Minh")
    ratings.void_rating(w.uow(), w.educator, voided.id, "Duplicate of a paper form")
    with w.uow() as uow:
        assert record_check.check(uow.session).findings == []
    with w.db.engine.begin() as conn:  # someone renames the rater outside credtrack
        conn.execute(text("UPDATE rating SET rater_name = 'Someone else' WHERE id = :i"), {"i": kept.id})
    with w.uow() as uow:
        report = record_check.check(uow.session)
    assert [(f.kind, f.record_id, f.what) for f in report.findings] == [("rating", kept.id, "changed")]
    assert f"Rating {kept.id} is not as the log last recorded it" in report.problems[0]


def test_a_score_changed_added_or_removed_behind_the_log_names_that_rating_s_scores(w: World) -> None:
    kept = rate(w, "PATIENT", {"C1": "4", "VE1": "5"}, "2026-05-02")
    other = rate(w, "TEAM", {"TT1": "3"}, "2026-05-04", rater_name="Tomás Ibarra")
    untouched = rate(w, "SELF", {"C7": "3"}, "2026-05-05", rater_name="Nguyễn Thị Minh")
    with w.uow() as uow:
        assert record_check.check(uow.session).findings == []
    with w.db.engine.begin() as conn:  # a "Sometimes" quietly raised to "Always", a score slipped in
        conn.execute(
            text(
                "UPDATE rating_score SET level_id = (SELECT l.id FROM scale_level l WHERE l.scale_id = "
                "rating_score.scale_id AND l.code = '5') WHERE rating_id = :i"
            ),
            {"i": other.id},
        )
        conn.execute(
            text(
                "INSERT INTO rating_score (rating_id, competency_id, scale_id, level_id) "
                "SELECT :i, c.id, s.scale_id, s.level_id FROM rating_score s, competency c "
                "WHERE s.rating_id = :i AND c.code = 'C3' "
                "AND s.competency_id = (SELECT MIN(competency_id) FROM rating_score WHERE rating_id = :i)"
            ),
            {"i": kept.id},
        )
    with w.uow() as uow:
        report = record_check.check(uow.session)
    assert sorted((f.kind, f.record_id, f.what) for f in report.findings) == [
        ("rating_score", kept.id, "changed"),
        ("rating_score", other.id, "changed"),
    ]
    assert f"Scores of rating {other.id} is not as the log last recorded it" in " ".join(report.problems)
    assert untouched.id not in {f.record_id for f in report.findings}
    with w.db.engine.begin() as conn:  # and a rating's only score taken away
        conn.execute(text("DELETE FROM rating_score WHERE rating_id = :i"), {"i": untouched.id})
    with w.uow() as uow:
        gone = [f for f in record_check.check(uow.session).findings if f.record_id == untouched.id]
    assert [(f.kind, f.what) for f in gone] == [("rating_score", "deleted")]

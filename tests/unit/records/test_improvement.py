"""Improvement work as evidence: recording a QI project or safety review with its team, a supervisor's
confirmation signed with their password, voiding, attached files checked against their hash, the log
vouching for it all, and a credential needing a confirmed project with three professions and a patient
advisor rating judged alike on the person's page and in everyone's progress."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from credtrack.errors import AuthenticationError, CredtrackError, NotFoundError, PermissionDenied, ValidationError
from credtrack.services import cohorts, improvement, improvement_files, ratings
from credtrack.services.audit import record_check
from credtrack.services.catalog import RequirementSpec, create_credential
from credtrack.services.improvement import TeamMember, parse_team
from credtrack.services.progress import bulk
from credtrack.services.progress.person import person_progress
from tests.unit.records.builders import PASSWORD, TODAY, World, audit_count, build_world, cheap_hashing, snapshot

PHARMACIST_AND_PHYSICIAN = [TeamMember("Tomasz Zieliński", "PHARM", "STAFF-2"), TeamMember("Ines Ferreira", "MED")]


def record(w: World, **kw: object) -> improvement.WorkRow:
    args: dict = {
        "person_id": w.learner,
        "kind": "qi_project",
        "title": "Fewer interruptions during the medication round",
        "aim": "Halve interruptions in twelve weeks",
        "role": "Project lead",
        "started_on": "2026-01-10",
        "ended_on": "2026-04-30",
        "outcome": "Interruptions fell from 9 to 4 per round",
        "team": PHARMACIST_AND_PHYSICIAN,
        "today": TODAY,
    }
    args.update(kw)
    actor = args.pop("actor", w.educator)
    return improvement.record_work(w.uow(), actor, **args).value  # type: ignore[arg-type]


def confirm(w: World, work_id: int, actor=None, **kw: object) -> improvement.WorkRow:
    with cheap_hashing():
        return improvement.confirm_work(w.uow(), actor or w.preceptor_med, work_id, PASSWORD, today=TODAY, **kw).value  # type: ignore[arg-type]


@pytest.fixture
def w(db) -> World:
    return build_world(db)


def test_a_project_is_recorded_with_its_team_and_counts_once_a_supervisor_confirms_it(w: World) -> None:
    events = audit_count(w.db)
    row = record(w)
    assert (row.kind_label, row.state, row.role) == ("QI project", "Awaiting confirmation", "Project lead")
    assert row.team == [("Tomasz Zieliński", "Pharmacy"), ("Ines Ferreira", "Medicine")]
    assert row.professions == ["Medicine", "Nursing", "Pharmacy"]  # the learner's own counted
    assert not row.standing
    confirmed = confirm(w, row.id)
    assert (confirmed.state, confirmed.confirmed_by, confirmed.standing) == ("Confirmed", "Adaeze Nwosu", True)
    assert audit_count(w.db) == events + 2
    assert [r.id for r in improvement.person_work(w.uow(), w.viewer, w.learner)] == [row.id]


def test_the_team_is_written_in_one_line_and_a_bad_one_is_explained() -> None:
    assert parse_team("Ines Ferreira (MED); Tomasz Zieliński (PHARM, STAFF-2);") == [
        TeamMember("Ines Ferreira", "MED"),
        TeamMember("Tomasz Zieliński", "PHARM", "STAFF-2"),
    ]
    with pytest.raises(ValidationError, match="Name \\(PROFESSION\\)"):
        parse_team("Ines Ferreira, MED")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "poster"}, "must be one of"),
        ({"title": "  "}, "title is required"),
        ({"started_on": "2026-02-30"}, "not a real date"),
        ({"ended_on": "2026-01-01"}, "before the start date"),
        ({"ended_on": (TODAY + dt.timedelta(days=3)).isoformat()}, "future"),
        ({"team": [TeamMember("Ines Ferreira", "ASTRO")]}, "No profession"),
        ({"team": [TeamMember("Nguyễn Thị Minh", "NURS", "EMP-001")]}, "counted already"),
        ({"team": [TeamMember("Someone", "MED", "EMP-999")]}, "No person"),
    ],
)
def test_work_that_cannot_be_right_is_refused_with_nothing_written(w: World, change: dict, message: str) -> None:
    before = snapshot(w.db)
    with pytest.raises(CredtrackError) as refused:
        record(w, **change)
    assert message.lower() in str(refused.value).lower()
    assert snapshot(w.db) == before


def test_confirmation_needs_a_supervisor_other_than_the_learner_their_password_and_an_end_date(w: World) -> None:
    ongoing = record(w, ended_on=None)
    with pytest.raises(ValidationError, match="still under way"):
        confirm(w, ongoing.id)
    with cheap_hashing(), pytest.raises(AuthenticationError):
        improvement.confirm_work(w.uow(), w.preceptor_med, ongoing.id, "wrong", ended_on="2026-05-01", today=TODAY)
    with pytest.raises(PermissionDenied):
        confirm(w, ongoing.id, actor=w.viewer, ended_on="2026-05-01")
    own = record(w, person_id=w.preceptor_person, team=[], actor=w.educator)
    with pytest.raises(PermissionDenied, match="your own improvement work"):
        confirm(w, own.id, actor=w.preceptor)
    done = confirm(w, ongoing.id, ended_on="2026-05-01")
    assert (done.ended_on, done.state) == (dt.date(2026, 5, 1), "Confirmed")
    with pytest.raises(ValidationError, match="confirmed already, by Adaeze Nwosu"):
        confirm(w, ongoing.id)


def test_a_preceptor_voids_only_work_they_recorded_and_voided_work_stays_listed(w: World) -> None:
    theirs = record(w, actor=w.preceptor_pharm)
    other = record(w, kind="safety_review", title="Review of an insulin near miss")
    with pytest.raises(PermissionDenied, match="recorded by someone else"):
        improvement.void_work(w.uow(), w.preceptor_pharm, other.id, "Not mine")
    with pytest.raises(ValidationError, match="reason"):
        improvement.void_work(w.uow(), w.preceptor_pharm, theirs.id, "  ")
    voided = improvement.void_work(w.uow(), w.preceptor_pharm, theirs.id, "Recorded against the wrong learner").value
    assert (voided.state, voided.void_reason) == ("Voided", "Recorded against the wrong learner")
    with pytest.raises(ValidationError, match="voided"):
        confirm(w, theirs.id)
    assert {r.id for r in improvement.person_work(w.uow(), w.viewer, w.learner)} == {theirs.id, other.id}


def test_an_attachment_is_kept_by_its_hash_and_opening_it_says_when_it_is_missing_or_altered(
    w: World, tmp_path
) -> None:
    row = record(w)
    poster = tmp_path / "poster.pdf"
    poster.write_bytes(b"%PDF-1.4 a run chart of interruptions")
    attached = improvement_files.attach_file(w.uow(), w.educator, row.id, poster).value
    assert (attached.file_name, attached.size, len(attached.sha256)) == ("poster.pdf", 37, 64)
    assert improvement.get_work(w.uow(), w.viewer, row.id).attachments == [attached]
    folder = tmp_path / "exported"
    folder.mkdir()
    out = improvement_files.export_attachment(w.uow(), w.viewer, attached.id, folder)
    assert (out, out.read_bytes()) == (folder / "poster.pdf", poster.read_bytes())
    kept = improvement_files.stored_path(attached.sha256)
    kept.write_bytes(b"%PDF-1.4 a different chart")
    with pytest.raises(ValidationError, match="altered since it was attached"):
        improvement_files.checked_attachment(w.uow(), w.viewer, attached.id)
    kept.unlink()
    with pytest.raises(NotFoundError, match="missing from the data folder"):
        improvement_files.export_attachment(w.uow(), w.viewer, attached.id, tmp_path)
    with pytest.raises(PermissionDenied):
        improvement_files.attach_file(w.uow(), w.viewer, row.id, poster)
    with pytest.raises(ValidationError, match="not a file"):
        improvement_files.attach_file(w.uow(), w.educator, row.id, tmp_path / "nothing.pdf")


def test_a_credential_needing_a_patient_advisor_rating_and_a_broad_qi_project_is_judged_alike_everywhere(
    w: World,
) -> None:
    credential = create_credential(
        w.uow(),
        w.educator,
        code="QISAFE",
        title="Improving care together",
        requirements=[
            RequirementSpec("ratings", source_code="PATIENT", min_count=1, min_level_code="4"),
            RequirementSpec("improvement", work_kind="qi_project", min_count=1, min_professions=3),
        ],
    ).value
    assert credential.requirements[1].describe == (
        "1 confirmed QI project with at least 3 professions on the team (the learner's included)"
    )
    cohorts.assign_credential(w.uow(), w.educator, "COH-A", "QISAFE", "2026-07-01")

    def states() -> list[str]:
        page = person_progress(w.uow(), w.viewer, w.learner, credential.id, today=TODAY)
        everyone = {(s.person_id, s.credential_id): s for s in bulk.bulk_progress(w.uow(), w.viewer, today=TODAY)}[
            (w.learner, credential.id)
        ]
        assert (everyone.status, everyone.met) == (page.status, page.met)  # the two paths agree
        return [r.state for r in page.requirements]

    assert states() == ["missing", "missing"]
    narrow = record(w, team=[TeamMember("Tomasz Zieliński", "PHARM")])  # nursing and pharmacy: two
    confirm(w, narrow.id)
    broad = record(w, title="Falls prevention at night", ended_on="2026-05-20")
    assert states() == ["missing", "below_level"]  # the broad one is not yet confirmed
    confirm(w, broad.id)
    assert states() == ["missing", "met"]
    with cheap_hashing():
        ratings.record_rating(
            w.uow(),
            w.educator,
            person_id=w.learner,
            source_code="PATIENT",
            rated_on="2026-05-25",
            scores={"C1": "4"},
            collection="paper_form",
            rater_name="Marguerite Dubois",
            password=PASSWORD,
            attestation_accepted=True,
            today=TODAY,
        )
    assert states() == ["met", "met"]
    page = person_progress(w.uow(), w.viewer, w.learner, credential.id, today=TODAY)
    assert page.status == "eligible"
    shown = page.requirements[1].evidence
    assert shown is not None and (shown.kind, shown.record_id, shown.on) == (
        "improvement",
        broad.id,
        dt.date(2026, 5, 20),
    )
    improvement.void_work(w.uow(), w.educator, broad.id, "Another learner's project")
    assert states() == ["met", "below_level"]


def test_improvement_work_is_as_the_log_says_and_one_edited_behind_its_back_is_named(w: World, tmp_path) -> None:
    kept = record(w)
    confirm(w, kept.id)
    voided = record(w, kind="teach_back", title="Teach-back on inhalers", team=[])
    improvement.void_work(w.uow(), w.educator, voided.id, "Duplicate")
    (tmp_path / "plan.txt").write_text("Action plan")
    improvement_files.attach_file(w.uow(), w.educator, kept.id, tmp_path / "plan.txt")
    with w.uow() as uow:
        assert record_check.check(uow.session).findings == []
    with w.db.engine.begin() as conn:  # someone widens the team outside credtrack
        conn.execute(
            text("UPDATE improvement_member SET profession_id = profession_id + 1 WHERE work_id = :i"), {"i": kept.id}
        )
        conn.execute(text("UPDATE improvement_work SET outcome = 'Better' WHERE id = :i"), {"i": kept.id})
    with w.uow() as uow:
        report = record_check.check(uow.session)
    assert {(f.kind, f.what) for f in report.findings} == {("improvement", "changed"), ("improvement_team", "changed")}
    assert any("Improvement work Fewer interruptions" in p for p in report.problems)

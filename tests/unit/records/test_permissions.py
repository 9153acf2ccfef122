"""The permission matrix: every mutating service function, called by every role.

A refused call raises PermissionDenied naming the action and leaves the database exactly as it
was; an allowed call succeeds and writes its audit event. A guard test fails when a service grows
a new mutating function that this matrix does not cover.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import delete, select

import credtrack.services
from credtrack.errors import AuthenticationError, PermissionDenied
from credtrack.mail.settings import MailSettings
from credtrack.models import Credential, CredentialRequirement, Enrolment, Module, Profession, RatingSource
from credtrack.paths import data_dir
from credtrack.services import (
    catalog,
    cohorts,
    frameworks,
    improvement,
    improvement_files,
    mail,
    pathways,
    people,
    rating_sources,
    ratings,
    settings,
    units,
)
from credtrack.services.accounts import users as accounts
from credtrack.services.catalog import RequirementSpec
from credtrack.services.changes import Change
from credtrack.services.permissions import ACTIONS, RECORDERS, Actor
from credtrack.services.records import completions as completion_records
from credtrack.services.records import listing as record_listing
from credtrack.services.records import signoffs as signoff_records
from credtrack.services.reminders import rules as reminder_rules
from credtrack.services.reminders import wording as reminder_wording
from tests.unit.records.builders import (
    PASSWORD,
    ROLES,
    TODAY,
    World,
    add_person,
    audit_count,
    build_world,
    cheap_hashing,
    complete,
    historical_signoff,
    signoff,
    snapshot,
)

Setup = Callable[[World, Actor], Any]
Call = Callable[[World, Actor, Any, str], Any]


@dataclass(frozen=True)
class Case:
    function: str  # "module.function" inside credtrack.services, subpackages dotted ("accounts.users.create_user")
    action: str | None  # None: every signed-in user may do it (their own account)
    call: Call
    setup: Setup = lambda w, a: None


def _day(tag: str) -> dt.date:
    """A distinct past date per role, so repeated allowed calls never collide."""
    return TODAY - dt.timedelta(days=10 + ROLES.index(tag))


def _id(w: World, model: Any, code: str) -> int:
    with w.uow() as uow:
        return uow.session.scalar(select(model.id).where(model.code == code))


def _enrolment_id(w: World, a: Actor) -> int:
    with w.uow() as uow:
        return uow.session.scalar(select(Enrolment.id).where(Enrolment.person_id == w.learner))


def _own_completion(w: World, a: Actor) -> int:
    recorder = a if a.role in RECORDERS else w.educator
    return complete(w, "ONB-101", _day(a.role) - dt.timedelta(days=30), actor=recorder).id


def _own_signoff(w: World, a: Actor) -> int:
    signer = a if a.role in RECORDERS else w.preceptor
    return signoff(w, "C1", "3", _day(a.role), actor=signer).id


def _own_rating(w: World, a: Actor) -> int:
    recorder = a if a.role in RECORDERS else w.educator
    with cheap_hashing():
        return ratings.record_rating(
            w.uow(),
            recorder,
            person_id=w.learner,
            source_code="PATIENT",
            rated_on=_day(a.role),
            scores={"C1": "3"},
            collection="interview",
            rater_name="A family member",
            password=PASSWORD,
            attestation_accepted=True,
            today=TODAY,
        ).value.id


def _own_work(w: World, a: Actor) -> int:
    """A finished QI project about the learner, recorded by the role itself when it may record."""
    recorder = a if a.role in RECORDERS else w.educator
    return improvement.record_work(
        w.uow(),
        recorder,
        person_id=w.learner,
        kind="qi_project",
        title=f"Project for {a.role}",
        started_on=_day(a.role) - dt.timedelta(days=90),
        ended_on=_day(a.role),
        today=TODAY,
    ).value.id


def _attachable(w: World, a: Actor) -> tuple[int, str]:
    path = data_dir() / f"plan-{a.role}.txt"
    path.write_text(f"Action plan kept by {a.role}")
    return _own_work(w, w.educator), str(path)


def _unit(w: World, name: str) -> int:
    return units.create_unit(w.uow(), w.educator, name=name).value.id


def _placed(w: World, tag: str) -> int:
    """Someone in a unit of their own since well before the role's day, and a unit to move them to."""
    _unit(w, f"To {tag}")
    start = _day(tag) - dt.timedelta(days=60)
    person = people.create_person(
        w.uow(), w.educator, external_id=f"U-{tag}", full_name=f"Mover {tag}", unit=f"From {tag}", start_date=start
    )
    return person.value.id


def _without_pathway_credential(w: World) -> None:
    """The starter pathway's credential gone, as from a database set up before it: adding it writes again."""
    with w.uow() as uow:
        ipf = uow.session.scalar(select(Credential.id).where(Credential.code == "IP-FACILITATION"))
        if ipf is not None:
            uow.session.execute(delete(CredentialRequirement).where(CredentialRequirement.credential_id == ipf))
            uow.session.execute(delete(Credential).where(Credential.id == ipf))
            uow.commit()


CASES = [
    # accounts
    Case(
        "accounts.users.create_user",
        "users.manage",
        lambda w, a, c, t: accounts.create_user(w.uow(), a, username=f"new.{t}", password=PASSWORD, role="viewer"),
    ),
    Case(
        "accounts.users.reset_password",
        "users.manage",
        lambda w, a, c, t: accounts.reset_password(w.uow(), a, w.viewer.id, "a brand new password"),
    ),
    Case("accounts.users.unlock", "users.manage", lambda w, a, c, t: accounts.unlock(w.uow(), a, w.viewer.id)),
    Case(
        "accounts.users.update_user",
        "users.manage",
        lambda w, a, c, t: accounts.update_user(w.uow(), a, w.viewer.id, display_name=f"Quality office {t}"),
    ),
    Case(
        "accounts.users.change_password",
        None,
        lambda w, a, c, t: accounts.change_password(w.uow(), a, PASSWORD, f"{PASSWORD} {t}"),
    ),
    # people and professions
    Case(
        "people.create_person",
        "people.edit",
        lambda w, a, c, t: people.create_person(w.uow(), a, external_id=f"NEW-{t}", full_name=f"New {t}"),
    ),
    Case(
        "people.update_person",
        "people.edit",
        lambda w, a, c, t: people.update_person(w.uow(), a, w.learner2, unit=f"Ward {t}"),
    ),
    Case(
        "people.archive_person",
        "people.archive",
        lambda w, a, c, t: people.archive_person(w.uow(), a, c, "Left the organisation"),
        lambda w, a: add_person(w.db, w.admin, f"ARC-{a.role}", f"Leaving {a.role}"),
    ),
    Case(
        "people.create_profession",
        "professions.edit",
        lambda w, a, c, t: people.create_profession(w.uow(), a, code=f"P-{t}", name=f"Profession {t}"),
    ),
    Case(
        "people.set_profession_active",
        "professions.edit",
        lambda w, a, c, t: people.set_profession_active(w.uow(), a, c, False),
        lambda w, a: _id(w, Profession, "CHAP"),
    ),
    # frameworks, scales, modules, credentials
    Case(
        "frameworks.import_framework",
        "catalog.edit",
        lambda w, a, c, t: frameworks.import_framework(
            w.uow(), a, {"code": f"FW-{t}", "name": f"Framework {t}", "competencies": [{"code": "X1", "label": "X"}]}
        ),
    ),
    Case(
        "frameworks.create_scale",
        "catalog.edit",
        lambda w, a, c, t: frameworks.create_scale(
            w.uow(),
            a,
            {
                "code": f"S-{t}",
                "name": f"Scale {t}",
                "levels": [{"code": "A", "label": "Not yet"}, {"code": "B", "label": "Yes"}],
            },
        ),
    ),
    Case(
        "pathways.add_preceptor_pathway",
        "catalog.edit",
        lambda w, a, c, t: pathways.add_preceptor_pathway(w.uow(), a),
        lambda w, a: _without_pathway_credential(w),
    ),
    Case(
        "catalog.create_module",
        "catalog.edit",
        lambda w, a, c, t: catalog.create_module(w.uow(), a, code=f"M-{t}", title=f"Module {t}"),
    ),
    Case(
        "catalog.update_module",
        "catalog.edit",
        lambda w, a, c, t: catalog.update_module(w.uow(), a, c, title=f"Retitled {t}"),
        lambda w, a: _id(w, Module, "ONB-101"),
    ),
    Case(
        "catalog.create_credential",
        "catalog.edit",
        lambda w, a, c, t: catalog.create_credential(
            w.uow(),
            a,
            code=f"C-{t}",
            title=f"Credential {t}",
            requirements=[RequirementSpec("module", module_code="ONB-101")],
        ),
    ),
    Case(
        "catalog.update_credential",
        "catalog.edit",
        lambda w, a, c, t: catalog.update_credential(w.uow(), a, w.credential_id, title=f"Retitled {t}"),
    ),
    # cohorts
    Case(
        "cohorts.create_cohort",
        "cohorts.edit",
        lambda w, a, c, t: cohorts.create_cohort(w.uow(), a, code=f"COH-{t}", name=f"Cohort {t}"),
    ),
    Case(
        "cohorts.assign_credential",
        "cohorts.edit",
        lambda w, a, c, t: cohorts.assign_credential(w.uow(), a, "COH-A", "IPC-CORE", _day(t)),
    ),
    Case(
        "cohorts.enrol",
        "cohorts.edit",
        lambda w, a, c, t: cohorts.enrol(w.uow(), a, "COH-A", [c]),
        lambda w, a: add_person(w.db, w.admin, f"ENR-{a.role}", f"Joining {a.role}"),
    ),
    Case(
        "cohorts.set_enrolment_status",
        "cohorts.edit",
        lambda w, a, c, t: cohorts.set_enrolment_status(w.uow(), a, c, "completed"),
        _enrolment_id,
    ),
    # completions and sign-offs
    Case(
        "records.completions.record_completion",
        "records.record",
        lambda w, a, c, t: completion_records.record_completion(
            w.uow(), a, person_id=w.learner, module_code="ONB-101", completed_on=_day(t), today=TODAY
        ),
    ),
    Case(
        "records.completions.verify_completion",
        "records.verify",
        lambda w, a, c, t: completion_records.verify_completion(w.uow(), a, c, password=PASSWORD),
        lambda w, a: complete(w, "SIM-1", _day(a.role)).id,
    ),
    Case(
        "records.completions.void_completion",
        "records.void",
        lambda w, a, c, t: completion_records.void_completion(w.uow(), a, c, "Recorded for the wrong person"),
        _own_completion,
    ),
    Case(
        "records.signoffs.record_signoff",
        "records.record",
        lambda w, a, c, t: signoff_records.record_signoff(
            w.uow(),
            a,
            person_id=w.learner,
            competency_code="TT1",
            scale_code="ENTRUST5",
            level_code="4",
            assessed_on=_day(t),
            method="simulation",
            password=PASSWORD,
            attestation_accepted=True,
            today=TODAY,
        ),
    ),
    Case(
        "records.signoffs.void_assessment",
        "records.void",
        lambda w, a, c, t: signoff_records.void_assessment(w.uow(), a, c, "Wrong competency"),
        _own_signoff,
    ),
    Case(
        "records.signoffs.confirm_assessment",
        "records.confirm",
        lambda w, a, c, t: signoff_records.confirm_assessment(w.uow(), a, c, password=PASSWORD),
        lambda w, a: historical_signoff(w),
    ),
    # multi-source ratings
    Case(
        "rating_sources.create_source",
        "ratings.sources",
        lambda w, a, c, t: rating_sources.create_source(
            w.uow(), a, code=f"RS-{t}", name=f"Source {t}", scale_code="OBSERVED5", competency_codes=["C1", "TT1"]
        ),
    ),
    Case(
        "rating_sources.update_source",
        "ratings.sources",
        lambda w, a, c, t: rating_sources.update_source(w.uow(), a, c, name=f"Renamed {t}"),
        lambda w, a: _id(w, RatingSource, "PATIENT"),
    ),
    Case(
        "ratings.record_rating",
        "ratings.record",
        lambda w, a, c, t: ratings.record_rating(
            w.uow(),
            a,
            person_id=w.learner,
            source_code="PATIENT",
            rated_on=_day(t),
            scores={"C1": "4", "VE1": "5"},
            collection="paper_form",
            rater_name=f"Advisor {t}",
            password=PASSWORD,
            attestation_accepted=True,
            today=TODAY,
        ),
    ),
    Case(
        "ratings.void_rating",
        "ratings.void",
        lambda w, a, c, t: ratings.void_rating(w.uow(), a, c, "Entered for the wrong learner"),
        _own_rating,
    ),
    # improvement work
    Case(
        "improvement.record_work",
        "improvement.record",
        lambda w, a, c, t: improvement.record_work(
            w.uow(),
            a,
            person_id=w.learner,
            kind="safety_review",
            title=f"Review by {t}",
            started_on=_day(t),
            today=TODAY,
        ),
    ),
    Case(
        "improvement.confirm_work",
        "improvement.confirm",
        lambda w, a, c, t: improvement.confirm_work(w.uow(), a, c, PASSWORD, today=TODAY),
        lambda w, a: _own_work(w, w.educator),
    ),
    Case(
        "improvement.void_work",
        "improvement.void",
        lambda w, a, c, t: improvement.void_work(w.uow(), a, c, "Recorded against the wrong learner"),
        _own_work,
    ),
    Case(
        "improvement_files.attach_file",
        "improvement.attach",
        lambda w, a, c, t: improvement_files.attach_file(w.uow(), a, c[0], c[1]),
        _attachable,
    ),
    # units and who is in them
    Case(
        "units.create_unit",
        "units.edit",
        lambda w, a, c, t: units.create_unit(w.uow(), a, name=f"Ward {t}", service_line="Medicine", site="North"),
    ),
    Case(
        "units.update_unit",
        "units.edit",
        lambda w, a, c, t: units.update_unit(w.uow(), a, c, name=f"Renamed {t}"),
        lambda w, a: _unit(w, f"Old {a.role}"),
    ),  # fmt: skip
    Case(
        "units.deactivate_unit",
        "units.edit",
        lambda w, a, c, t: units.deactivate_unit(w.uow(), a, c),
        lambda w, a: _unit(w, f"Closing {a.role}"),
    ),  # fmt: skip
    Case(
        "units.move_person",
        "units.move",
        lambda w, a, c, t: units.move_person(w.uow(), a, c, f"To {t}", _day(t)),
        lambda w, a: _placed(w, a.role),
    ),  # fmt: skip
    Case(
        "units.correct_membership",
        "units.move",
        lambda w, a, c, t: units.correct_membership(w.uow(), a, c, reason="Started later", start_date=_day(t)),
        lambda w, a: units.history(w.uow(), w.educator, _placed(w, a.role))[0].id,
    ),
    # institution settings
    Case(
        "settings.update_institution",
        "settings.edit",
        lambda w, a, c, t: settings.update_institution(w.uow(), a, institution_name=f"Hospital {t}"),
    ),
    # mail settings (each allowed role saves a different sender, so each save is a change)
    Case(
        "mail.update_mail_settings",
        "mail.settings",
        lambda w, a, c, t: mail.update_mail_settings(
            w.uow(),
            a,
            MailSettings(host="smtp.riverbend.example", sender_address=f"{t}@riverbend.example"),
        ),
    ),
    # reminder rules and wording, and the educator address a unit's reminders copy
    Case(
        "reminders.rules.set_rule",
        "reminders.edit",
        lambda w, a, c, t: reminder_rules.set_rule(w.uow(), a, days_before=str(30 + ROLES.index(t))),
    ),
    Case(
        "reminders.wording.set_template",
        "reminders.edit",
        lambda w, a, c, t: reminder_wording.set_template(
            w.uow(), a, "overdue", subject=f"Overdue ({t}): {{credential}}"
        ),
    ),
    Case(
        "reminders.rules.set_unit_educator",
        "units.edit",
        lambda w, a, c, t: reminder_rules.set_unit_educator(w.uow(), a, c, f"educator.{t}@riverbend.example"),
        lambda w, a: _unit(w, f"Reminded {a.role}") and f"Reminded {a.role}",
    ),
]


# What each service module's changes announce, so screens showing those records refresh.
NOTICE = {
    "accounts": Change.USERS,
    "people": Change.PEOPLE,
    "frameworks": Change.CATALOG,
    "catalog": Change.CATALOG,
    "cohorts": Change.COHORTS,
    "records": Change.RECORDS,
    "rating_sources": Change.CATALOG,
    "pathways": Change.CATALOG,
    "ratings": Change.RECORDS,
    "improvement": Change.RECORDS,
    "improvement_files": Change.RECORDS,
    "settings": Change.SETTINGS,
    "mail": Change.SETTINGS,
    "reminders": Change.SETTINGS,
    "units": Change.PEOPLE,
}


@pytest.mark.parametrize("case", CASES, ids=[c.function for c in CASES])
def test_every_role_is_allowed_or_refused_as_designed(db, case: Case) -> None:
    w = build_world(db)
    roles_allowed = ACTIONS[case.action][1] if case.action else frozenset(ROLES)
    # Refusals first, while the world is as built; then every allowed role succeeds in turn.
    for role in sorted(ROLES, key=lambda r: r in roles_allowed):
        actor = w.as_role(role)
        context = case.setup(w, actor)
        before, events = snapshot(db), audit_count(db)
        with cheap_hashing():
            if role in roles_allowed:
                result = case.call(w, actor, context, role)
                assert Change.AUDIT in result.changes, f"{role}: {case.function} reported no audit change"
                kind = NOTICE[case.function.split(".")[0]]
                assert kind in result.changes, f"{role}: {case.function} did not announce a {kind} change"
                assert audit_count(db) > events, f"{role}: {case.function} wrote no audit event"
                continue
            with pytest.raises(PermissionDenied) as refused:
                case.call(w, actor, context, role)
        assert refused.value.action == ACTIONS[case.action][0]  # type: ignore[index]
        assert refused.value.role == role
        assert ACTIONS[case.action][0] in str(refused.value)  # type: ignore[index]
        assert snapshot(db) == before, f"{role}: a refused {case.function} changed the database"


def _former_accounts(w: World) -> dict[str, Actor]:
    """Two administrators still signed in somewhere: one since switched off, one since made a viewer."""
    former = {}
    with cheap_hashing():
        for name, change in (("switched.off", {"active": False}), ("demoted", {"role": "viewer"})):
            row = accounts.create_user(w.uow(), w.admin, username=name, password=PASSWORD, role="admin").value
            signed_in = accounts.log_in(w.uow(), name, PASSWORD)
            accounts.update_user(w.uow(), w.admin, row.id, **change)
            former[name] = signed_in
    return former


@pytest.mark.parametrize("case", CASES, ids=[c.function for c in CASES])
def test_an_account_switched_off_or_demoted_since_sign_in_may_change_nothing(db, case: Case) -> None:
    w = build_world(db)
    context = case.setup(w, w.admin)  # each refusal leaves it as it was, for the next
    for name, actor in _former_accounts(w).items():
        before = snapshot(db)
        with cheap_hashing(), pytest.raises(AuthenticationError) as refused:
            case.call(w, actor, context, "admin")
        assert "nothing was saved" in refused.value.message.lower(), refused.value.message
        assert snapshot(db) == before, f"{name}: {case.function} changed the database"


def test_a_preceptor_may_void_only_their_own_records(db) -> None:
    w = build_world(db)
    by_educator = complete(w, "ONB-101", "2026-05-01").id
    by_colleague = signoff(w, "C1", "3", "2026-05-02", actor=w.preceptor_pharm).id
    before = snapshot(db)
    with pytest.raises(PermissionDenied, match="recorded by someone else"):
        completion_records.void_completion(w.uow(), w.preceptor, by_educator, "Not mine")
    with pytest.raises(PermissionDenied, match="made by someone else"):
        signoff_records.void_assessment(w.uow(), w.preceptor, by_colleague, "Not mine")
    assert snapshot(db) == before
    # The colleague who signed may void it, and so may an educator.
    signoff_records.void_assessment(w.uow(), w.preceptor_pharm, by_colleague, "Wrong learner")
    completion_records.void_completion(w.uow(), w.educator, by_educator, "Wrong date")


def test_read_services_are_open_to_every_role_including_viewers(db) -> None:
    w = build_world(db)
    for role in ROLES:
        actor = w.as_role(role)
        assert [p.external_id for p in people.search_people(w.uow(), actor, "EMP-001")] == ["EMP-001"]
        assert any(c.code == "IPC-CORE" for c in catalog.list_credentials(w.uow(), actor))
        record_listing.person_records(w.uow(), actor, w.learner)


def test_only_admins_may_list_user_accounts(db) -> None:
    w = build_world(db)
    assert "viewer" in [u.username for u in accounts.list_users(w.uow(), w.admin)]
    for role in ("educator", "preceptor", "viewer"):
        with pytest.raises(PermissionDenied) as refused:
            accounts.list_users(w.uow(), w.as_role(role))
        assert refused.value.action == ACTIONS["users.manage"][0]


# The guard: the matrix covers every mutating service function --------------------------------

_REQUIRE = re.compile(r"""require\(\s*\w+\s*,\s*["']([\w.]+)["']\s*\)""")


# Reads guarded by a management action: they change nothing, so they are checked separately.
READS_BEHIND_MANAGEMENT = {"accounts.users.list_users": "users.manage"}
# Checked by role in their own tests (tests/unit/foundation/test_backup.py: they need a database file;
# tests/integration/test_audit_export.py).
GUARDED_ELSEWHERE = {
    "backups.create_backup": "backup.manage",
    "backups.restore": "backup.manage",
    "audit.export.export_log": "audit.export",
    "mail.send_test": "mail.send",  # needs a mail server: tests/unit/mail/test_mail_settings.py
    # Need issued certificates and a mail server: tests/integration/test_certificate_delivery.py, viewers' refusal
    "certificates.delivery.queue_mailing": "mail.send",
    "certificates.delivery.deliver": "mail.send",
    "certificates.learner_zip.save_for_learners": "certificates.reprint",
    "reminders.outbox.queue_due": "reminders.send",  # tests/unit/records/test_reminders.py
    "reminders.history.settle_interrupted": "reminders.send",  # tests/unit/mail/test_reminders_sent.py
    # needs a mail server: tests/unit/mail/test_reminders_sent.py
    "reminders.sending.send_through_mail": "reminders.send",
}


def _is_read(action: str) -> bool:
    return action == "read" or action.endswith(".read")


def _mutating_functions() -> dict[str, set[str]]:
    """Public functions in credtrack.services that check a non-read action, with those actions."""
    found: dict[str, set[str]] = {}
    for info in pkgutil.walk_packages(credtrack.services.__path__, prefix="credtrack.services."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            actions = {a for a in _REQUIRE.findall(inspect.getsource(fn)) if not _is_read(a)}
            if actions:
                found[f"{info.name.removeprefix('credtrack.services.')}.{name}"] = actions
    return found


def test_the_matrix_covers_every_mutating_service_function() -> None:
    mutating = _mutating_functions()
    assert mutating, "the source scan found no mutating functions at all"
    from tests.integration.test_certificate_permissions import CERTIFICATE_FUNCTIONS

    covered = {c.function: c.action for c in CASES if c.action is not None} | CERTIFICATE_FUNCTIONS | GUARDED_ELSEWHERE
    missing = sorted(set(mutating) - set(covered) - set(READS_BEHIND_MANAGEMENT))
    assert not missing, f"add these mutating services to the permission matrix: {missing}"
    for function, action in covered.items():
        assert function in mutating, f"{function} no longer checks a permission, or was renamed"
        assert action in mutating[function], f"{function} checks {mutating[function]}, the matrix says {action}"
        assert action in ACTIONS


def test_nobody_records_verifies_or_confirms_evidence_about_themselves(db) -> None:
    w = build_world(db)
    own = w.preceptor_person
    with cheap_hashing():
        cohorts.enrol(w.uow(), w.educator, "COH-A", [own], "2026-01-05")
        before = snapshot(db)
        with pytest.raises(PermissionDenied, match="record your own module completions"):
            completion_records.record_completion(
                w.uow(), w.preceptor, person_id=own, module_code="ONB-101", completed_on=TODAY, today=TODAY
            )
        with pytest.raises(PermissionDenied, match="record your own module completions"):
            completion_records.record_completion(
                w.uow(),
                w.preceptor,
                person_id=own,
                module_code="SIM-1",
                completed_on=TODAY,
                verify=True,
                password=PASSWORD,
                today=TODAY,
            )
        assert snapshot(db) == before
        pending = complete(w, "SIM-1", TODAY, person=own)  # an educator records it; it awaits verification
        before = snapshot(db)
        with pytest.raises(PermissionDenied, match="verify your own module completions"):
            completion_records.verify_completion(w.uow(), w.preceptor, pending.id, password=PASSWORD)
        assert snapshot(db) == before
        assert (
            completion_records.verify_completion(
                w.uow(), w.preceptor_pharm, pending.id, password=PASSWORD
            ).value.verification
            == "verified"
        )

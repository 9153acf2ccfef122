"""Reminders on a small world at 15 June 2026: what is due (an overdue cohort credential, a recurring
module about to lapse, a certificate about to expire), each message from the learner's checklist, the
rules and wording educators edit, a renewal that cancels a pending reminder, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from credtrack.errors import PermissionDenied, ValidationError
from credtrack.services import people, units
from credtrack.services.audit import record_check
from credtrack.services.reminders import history, outbox, rules, wording
from tests.unit.records.builders import TODAY, World, add_certificate, audit_count, build_world, complete, snapshot

D = dt.date.fromisoformat


@pytest.fixture
def w(db) -> World:
    world = build_world(db)
    people.update_person(world.uow(), world.admin, world.learner, email="minh.nguyen@riverbend.example")
    return world


def due(w: World, today: dt.date = TODAY) -> dict[tuple[str, str], outbox.DueReminder]:
    return {(r.subject_code, r.step): r for r in outbox.due_reminders(w.uow(), w.educator, today)}


def queue(w: World, today: dt.date = TODAY) -> outbox.SendReport:
    report = outbox.SendReport()
    outbox.queue_due(w.uow(), w.educator, today, report)
    return report


def test_what_is_due_today_each_with_its_message_and_nothing_written(w: World) -> None:
    complete(w, "BLS", "2025-07-01")  # valid 12 months: lapses 1 July 2026, 16 days from today
    before = snapshot(w.db)
    found = due(w)
    assert snapshot(w.db) == before
    assert set(found) == {("IPC-CORE", "overdue"), ("BLS", "before_30")}
    overdue = found[("IPC-CORE", "overdue")]
    assert (overdue.about_on, overdue.to, overdue.state) == (D("2026-05-01"), "minh.nguyen@riverbend.example", "new")
    assert overdue.subject == "Overdue: Interprofessional collaboration: core was due on 1 May 2026"
    assert overdue.body.startswith("Dear Nguyễn Thị Minh,")
    # What is still needed is the checklist's unmet lines: BLS is met, the other modules and sign-offs are not.
    assert "- Module ONB-101: Complete ONB-101" in overdue.body
    assert "Signed off at" in overdue.body and "Complete BLS" not in overdue.body
    bls = found[("BLS", "before_30")]
    assert (bls.step_label, bls.about_on) == ("30 days before expiry", D("2026-07-01"))
    assert "expires on 1 July 2026, in 16 days" in bls.body
    assert "Complete BLS (valid 12 months), again before 1 July 2026" in bls.body


def test_a_certificate_about_to_expire_is_due_at_its_step(w: World) -> None:
    add_certificate(w.db, w.learner2, w.credential_id, D("2024-06-20"), D("2026-06-20"))
    people.update_person(w.uow(), w.admin, w.learner2, email="jose.alvarez@riverbend.example")
    found = due(w)
    cert = found[("IPC-CORE", "before_7")]
    assert (cert.name, cert.about_on, cert.step_label) == ("José Álvarez", D("2026-06-20"), "7 days before expiry")
    assert cert.subject == "Reminder: your Interprofessional collaboration: core expires on 20 June 2026"
    # Five days later it is the day itself.
    assert "expires on 20 June 2026, in 5 days." in cert.body
    assert "in 1 day." in due(w, D("2026-06-19"))[("IPC-CORE", "before_7")].body
    on_day = due(w, D("2026-06-20"))
    assert on_day[("IPC-CORE", "on_expiry")].subject == "Your Interprofessional collaboration: core expires today"


def test_people_who_left_or_are_inactive_are_not_reminded(w: World) -> None:
    people.update_person(w.uow(), w.admin, w.learner, end_date="2026-06-01")
    assert due(w) == {}


def test_someone_without_an_address_is_listed_with_what_to_do_and_stays_queued(w: World) -> None:
    people.update_person(w.uow(), w.admin, w.learner, email=None)
    (row,) = due(w).values()
    assert row.problem is not None and "add one on the person's page" in row.problem
    report = queue(w)
    assert report.without_address == 1
    (h,) = history.history(w.uow(), w.educator)
    assert (h.state, h.attempts) == ("queued", 0)


def test_a_renewal_cancels_the_pending_reminder_instead_of_sending_it(w: World) -> None:
    people.update_person(w.uow(), w.admin, w.learner, email=None)  # nothing can go: both stay queued
    complete(w, "BLS", "2025-07-01")
    queue(w)
    events = audit_count(w.db)
    complete(w, "BLS", "2026-06-10")  # completed again: it now lapses on 10 June 2027
    assert ("BLS", "before_30") not in due(w)
    report = queue(w)
    assert report.cancelled == 1
    states = {h.step: (h.state, h.cancel_reason) for h in history.history(w.uow(), w.educator)}
    assert states["before_30"] == ("cancelled", "The date moved to 2027-06-10 (renewed or completed again).")
    assert states["overdue"][0] == "queued"
    assert audit_count(w.db) == events + 2  # the completion, and the cancellation
    wording.set_template(w.uow(), w.educator, "overdue", subject="Still to do: {credential}")
    queue(w)  # the waiting reminder is worded again, and the log says so
    assert [h.subject for h in history.history(w.uow(), w.educator) if h.step == "overdue"] == [
        "Still to do: Interprofessional collaboration: core"
    ]
    with w.uow() as uow:
        report = record_check.check(uow.session)
    assert (report.findings, report.problems) == ([], [])


def test_a_renewed_certificate_cancels_the_pending_expiry_reminder(w: World) -> None:
    add_certificate(w.db, w.learner2, w.credential_id, D("2024-06-20"), D("2026-06-20"))
    queue(w)  # José has no address: his 7-day reminder waits
    add_certificate(w.db, w.learner2, w.credential_id, D("2026-06-14"), D("2028-06-14"))
    assert [k for k in due(w) if k[0] == "IPC-CORE" and k[1] != "overdue"] == []
    assert queue(w).cancelled == 1


def test_a_rule_of_a_credential_s_own_and_the_unit_educator_copied(w: World) -> None:
    units.create_unit(w.uow(), w.educator, name="4 West")
    units.move_person(w.uow(), w.educator, w.learner, "4 West", "2026-01-05")
    rules.set_unit_educator(w.uow(), w.educator, "4 west", "educator.4west@riverbend.example")
    row = rules.set_rule(w.uow(), w.educator, credential_code="ipc-core", overdue=True, copy_educator=True).value
    assert row.describe() == "90, 60, 30, 7 days before; on expiry; when overdue; copy unit educator"
    found = due(w)
    assert found[("IPC-CORE", "overdue")].copy_to == "educator.4west@riverbend.example"
    rules.set_rule(w.uow(), w.educator, credential_code="IPC-CORE", overdue=False)
    assert ("IPC-CORE", "overdue") not in due(w)
    listed = {(r.scope, r.code): r.describe() for r in rules.list_rules(w.uow(), w.educator)}
    assert listed[("credential", "IPC-CORE")] == "90, 60, 30, 7 days before; on expiry; copy unit educator"


def test_bad_rules_and_addresses_are_refused_saying_what_to_do(w: World) -> None:
    with pytest.raises(ValidationError, match="'soon' is not a number of days"):
        rules.set_rule(w.uow(), w.educator, days_before="30, soon")
    with pytest.raises(ValidationError, match="not an e-mail address"):
        rules.set_unit_educator(w.uow(), w.educator, "4 West", "educator at 4 west")
    with pytest.raises(ValidationError, match="not both"):
        rules.set_rule(w.uow(), w.educator, credential_code="IPC-CORE", module_code="BLS")


def test_edited_wording_is_used_and_an_unknown_placeholder_is_refused(w: World) -> None:
    before = snapshot(w.db)
    with pytest.raises(ValidationError, match=r"\{deadline\}, which is not a placeholder. Use one of: \{name\}"):
        wording.set_template(w.uow(), w.educator, "overdue", subject="Due {deadline}")
    with pytest.raises(ValidationError, match="brace out of place"):
        wording.set_template(w.uow(), w.educator, "overdue", body="Hello {name")
    assert snapshot(w.db) == before
    wording.set_template(w.uow(), w.educator, "overdue", subject="{credential}: past due ({date})", body="Hi {name}.")
    (row,) = due(w).values()
    assert (row.subject, row.body) == (
        "Interprofessional collaboration: core: past due (1 May 2026)",
        "Hi Nguyễn Thị Minh.\n",
    )
    wording.set_template(w.uow(), w.educator, "overdue", reset=True)
    (row,) = due(w).values()
    assert row.subject.startswith("Overdue:")


@pytest.mark.parametrize("role", ["preceptor", "viewer"])
def test_only_staff_read_edit_or_send_reminders(w: World, role: str) -> None:
    actor = w.as_role(role)
    with pytest.raises(PermissionDenied):
        outbox.due_reminders(w.uow(), actor, TODAY)
    with pytest.raises(PermissionDenied):
        rules.set_rule(w.uow(), actor, days_before="30")
    with pytest.raises(PermissionDenied):
        wording.set_template(w.uow(), actor, "before", subject="x")
    with pytest.raises(PermissionDenied):
        outbox.queue_due(w.uow(), actor, TODAY, outbox.SendReport())


def test_an_assignment_stays_overdue_when_a_module_done_towards_it_has_lapsed(w: World) -> None:
    complete(w, "BLS", "2025-06-01")  # lapsed 1 June 2026: the credential's status reads "expired"
    assert set(due(w)) == {("IPC-CORE", "overdue"), ("BLS", "on_expiry")}


def test_a_reminder_edited_behind_the_log_is_found_by_the_record_check(w: World) -> None:
    people.update_person(w.uow(), w.admin, w.learner, email=None)
    queue(w)
    (h,) = history.history(w.uow(), w.educator)
    with w.db.engine.begin() as conn:  # someone marks it sent by hand, so it would never go
        conn.execute(text("UPDATE reminder SET state = 'sent', sent_at = queued_at WHERE id = :id"), {"id": h.id})
    with w.uow() as uow:
        found = record_check.check(uow.session).findings
    assert [(f.kind, f.record_id) for f in found] == [("reminder", h.id)]

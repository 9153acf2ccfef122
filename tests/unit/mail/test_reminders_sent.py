"""Reminders sent through a real SMTP server on loopback (aiosmtpd): each goes once, copied to the unit
educator when the rule says so; a server that refuses or drops the connection mid-batch, or cannot be
reached, leaves the rest queued, and the next run sends them without sending any twice."""

from __future__ import annotations

import pytest

from credtrack.errors import PermissionDenied, ValidationError
from credtrack.mail.transport import MailError
from credtrack.services import mail, people, units
from credtrack.services.audit import record_check
from credtrack.services.reminders import history, outbox, rules
from credtrack.services.reminders.sending import send_through_mail
from tests.mailserver import MailServer, free_port
from tests.unit.records.builders import TODAY, World, add_certificate, audit_count, build_world, complete, snapshot

MINH, JOSE = "minh.nguyen@riverbend.example", "jose.alvarez@riverbend.example"


@pytest.fixture
def w(db) -> World:
    world = build_world(db)
    people.update_person(world.uow(), world.admin, world.learner, email=MINH)
    people.update_person(world.uow(), world.admin, world.learner2, email=JOSE)
    complete(world, "BLS", "2025-07-01")  # Minh: BLS lapses 1 July 2026 (30-day step), IPC-CORE overdue
    add_certificate(world.db, world.learner2, world.credential_id, TODAY.replace(year=2024), TODAY.replace(day=20))
    return world


def use(w: World, server: MailServer) -> None:
    mail.update_mail_settings(w.uow(), w.admin, server.settings())


def sent(w: World) -> outbox.SendReport:
    return send_through_mail(w.db, w.educator, today=TODAY).value


def log_vouches_for_every_reminder(w: World) -> None:
    """The audit log's record check finds each reminder as the log last recorded it (the world's certificate is
    put in directly by the test's builder, so the check does not account for it)."""
    with w.uow() as uow:
        report = record_check.check(uow.session)
    assert [p for p in report.problems if not p.startswith("Certificate CT-TEST-")] == []
    assert [f for f in report.findings if f.kind != "certificate"] == []
    assert report.records > 3


def states(w: World) -> dict[str, int]:
    found: dict[str, int] = {}
    for h in history.history(w.uow(), w.educator):
        found[h.state] = found.get(h.state, 0) + 1
    return found


def test_each_due_reminder_reaches_the_server_once_with_the_unit_educator_copied(w: World, smtp_server) -> None:
    use(w, smtp_server)
    units.create_unit(w.uow(), w.educator, name="4 West")
    units.move_person(w.uow(), w.educator, w.learner, "4 West", "2026-01-05")
    rules.set_unit_educator(w.uow(), w.educator, "4 West", "educator.4west@riverbend.example")
    rules.set_rule(w.uow(), w.educator, credential_code="IPC-CORE", copy_educator=True)
    events = audit_count(w.db)
    report = sent(w)
    assert (report.sent, report.failed, report.left_queued) == (3, 0, 0)
    # (A subject too long for the header's first line is folded before it: a reader's parser unfolds it.)
    by_subject = {r.message["Subject"].strip(): r for r in smtp_server.received}
    overdue = by_subject["Overdue: Interprofessional collaboration: core was due on 1 May 2026"]
    assert set(overdue.recipients) == {MINH, "educator.4west@riverbend.example"}
    assert overdue.message["Cc"] == "educator.4west@riverbend.example"
    assert overdue.message["From"] == "Riverbend Education Office <education@riverbend.example>"
    assert "Dear Nguyễn Thị Minh," in overdue.message.get_content()
    assert by_subject["Reminder: your Module BLS expires on 1 July 2026"].recipients == (MINH,)  # a module's rule
    jose = by_subject["Reminder: your Interprofessional collaboration: core expires on 20 June 2026"]
    assert jose.recipients == (JOSE,)  # José is in no unit: nobody to copy
    assert states(w) == {"sent": 3}
    assert audit_count(w.db) == events + 7  # queued and sent, each; and the batch handed to the server
    # A second run the same day (or a scheduled task run twice) sends nothing again.
    assert outbox.due_reminders(w.uow(), w.educator, TODAY) == []
    assert sent(w).sent == 0
    assert len(smtp_server.received) == 3


@pytest.mark.parametrize("mode", ["refuse", "drop"])
def test_a_server_that_stops_mid_batch_leaves_the_rest_queued_and_the_retry_sends_no_duplicate(
    w: World, flaky_smtp_server, mode: str
) -> None:
    use(w, flaky_smtp_server)
    flaky_smtp_server.accept, flaky_smtp_server.mode = 1, mode
    report = sent(w)
    assert (report.sent, report.left_queued) == (1, 2)
    assert "The mail server closed the connection" in report.errors[-1]
    assert states(w) == {"sent": 1, "queued": 2}
    waiting = outbox.due_reminders(w.uow(), w.educator, TODAY)
    assert len(waiting) == 2 and all(r.state == "queued" and r.last_error for r in waiting)

    flaky_smtp_server.accept = None  # the server is back
    assert sent(w).sent == 2
    keys = [(r.recipients, r.message["Subject"]) for r in flaky_smtp_server.received]
    assert len(keys) == 3 and len(set(keys)) == 3  # every reminder once, none twice
    assert states(w) == {"sent": 3}
    log_vouches_for_every_reminder(w)


def test_an_unreachable_server_leaves_every_reminder_queued_to_retry(w: World, smtp_server) -> None:
    use(w, smtp_server)
    mail.update_mail_settings(w.uow(), w.admin, smtp_server.settings(port=free_port()))  # nobody listens there
    report = sent(w)
    assert (report.sent, report.left_queued) == (0, 3)
    assert "Could not reach the mail server" in report.errors[-1]
    assert states(w) == {"queued": 3}
    mail.update_mail_settings(w.uow(), w.admin, smtp_server.settings())
    assert sent(w).sent == 3
    assert len(smtp_server.received) == 3
    log_vouches_for_every_reminder(w)


def test_a_run_interrupted_after_the_hand_over_sends_nothing_twice_until_someone_settles_it(
    w: World, smtp_server
) -> None:
    use(w, smtp_server)
    people.update_person(w.uow(), w.admin, w.learner2, email=None)  # Minh's two only
    handed = outbox.queue_due(w.uow(), w.educator, TODAY, outbox.SendReport())  # ... and then the run stopped
    assert len(handed) == 2 and states(w) == {"sending": 2, "queued": 1}
    report = sent(w)
    assert (report.sent, report.interrupted) == (0, 2) and smtp_server.received == []
    with pytest.raises(PermissionDenied):
        history.settle_interrupted(w.uow(), w.viewer, handed[0].id, was_sent=True)
    assert history.settle_interrupted(w.uow(), w.educator, handed[0].id, was_sent=True).value.state == "sent"
    assert history.settle_interrupted(w.uow(), w.educator, handed[1].id, was_sent=False).value.state == "queued"
    with pytest.raises(ValidationError, match="nothing to settle"):
        history.settle_interrupted(w.uow(), w.educator, handed[0].id, was_sent=False)
    assert sent(w).sent == 1  # only the one put back
    assert len(smtp_server.received) == 1
    log_vouches_for_every_reminder(w)


def test_cancelling_mid_batch_keeps_what_went_and_leaves_the_rest_queued(w: World, smtp_server) -> None:
    use(w, smtp_server)
    calls = []

    def check() -> None:  # the Cancel button, pressed once the first message has gone
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        send_through_mail(w.db, w.educator, today=TODAY, check=check)
    assert len(smtp_server.received) == 1
    assert states(w) == {"sent": 1, "queued": 2}
    assert sent(w).sent == 2 and len(smtp_server.received) == 3
    log_vouches_for_every_reminder(w)


def test_mail_not_set_up_is_refused_before_anything_is_queued(w: World) -> None:
    before = snapshot(w.db)
    with pytest.raises(MailError, match="Settings › Mail"):
        sent(w)
    assert snapshot(w.db) == before


@pytest.mark.parametrize("role", ["preceptor", "viewer"])
def test_only_staff_send_reminders(w: World, smtp_server, role: str) -> None:
    use(w, smtp_server)
    with pytest.raises(PermissionDenied):
        send_through_mail(w.db, w.as_role(role), today=TODAY)
    assert smtp_server.received == []

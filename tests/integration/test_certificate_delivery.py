"""E-mailing certificates to learners through a real SMTP server on loopback, and retrying what did not go."""

from __future__ import annotations

import base64
import datetime as dt
import json
import zipfile

import pytest
from sqlalchemy import func, select

from credtrack.errors import NotFoundError, PermissionDenied, ValidationError
from credtrack.models import AuditEvent, CertificateDelivery, Mailing, utcnow
from credtrack.services.accounts import users as accounts
from credtrack.services.audit import check as audit_check
from credtrack.services.certificates import delivery, learner_files, learner_zip
from credtrack.services.certificates import issuing as certificates
from tests.integration.delivery_world import NAMES, issue_to_everyone, use_server
from tests.integration.test_certificate_world import PASSWORD

SUBJECT = "Your certificate: {credential}"
BODY = "Dear {name},\n\nhere is {credential} ({code}), issued on {issued}.\n"


def states(db, mailing_id: int) -> dict[str, int]:
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(CertificateDelivery.state, func.count())
            .where(CertificateDelivery.mailing_id == mailing_id)
            .group_by(CertificateDelivery.state)
        ).all()
        return {state: n for state, n in rows}


def audit_actions(db, action: str) -> list[AuditEvent]:
    with db.unit_of_work() as uow:
        found = list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        uow.session.expunge_all()
        return found


def test_each_learner_receives_their_own_pdf_and_people_without_an_address_are_listed(db, smtp_starttls_server):
    issued = issue_to_everyone(db, without_email=(3,))
    w = issued.world
    use_server(db, issued, smtp_starttls_server)
    plan = delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes, SUBJECT, BODY).value
    assert plan.queued == 4
    assert [(s.code, s.holder_name, s.reason) for s in plan.skipped] == [
        (issued.codes[3], NAMES[3], "no e-mail address on record")
    ]
    report = delivery.deliver(db, w.educator, plan.mailing_id).value
    assert (report.sent, report.failed, report.waiting, report.stopped) == (4, [], 0, "")

    got = {r.recipients: r.message for r in smtp_starttls_server.received}
    assert set(got) == {(address,) for address in issued.emails.values()}
    first = got[("learner0@riverbend.example",)]
    assert first["Subject"] == "Your certificate: Interprofessional Collaboration Foundations"
    assert first.get_body(("plain",)).get_content().startswith(f"Dear {NAMES[0]},")
    (pdf,) = list(first.iter_attachments())
    assert pdf.get_filename() == f"{NAMES[0]} – Interprofessional Collaboration Foundations – {issued.codes[0]}.pdf"
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF-")
    assert states(db, plan.mailing_id) == {"sent": 4}
    assert sorted(e.entity_id for e in audit_actions(db, "certificate.email")) == sorted(issued.emails)
    (queued,) = audit_actions(db, "mailing.queue")
    assert json.loads(queued.after_json)["not_sent"] == {issued.codes[3]: "no e-mail address on record"}
    with db.unit_of_work() as uow:
        verdict = audit_check.verify(uow.session, records=False)  # this world's records are made directly
    assert verdict.chain.intact, verdict.describe()


@pytest.mark.parametrize("mode", ["refuse", "drop"])
def test_a_server_that_gives_up_mid_batch_leaves_the_rest_queued_and_a_retry_sends_no_duplicate(
    db, flaky_smtp_server, mode
):
    issued = issue_to_everyone(db)
    w = issued.world
    use_server(db, issued, flaky_smtp_server)
    flaky_smtp_server.accept, flaky_smtp_server.mode = 2, mode
    plan = delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes, SUBJECT, BODY).value

    first = delivery.deliver(db, w.educator, plan.mailing_id).value
    assert (first.sent, first.waiting) == (2, 3) and first.stopped
    assert states(db, plan.mailing_id) == {"sent": 2, "queued": 3}

    flaky_smtp_server.accept = None  # the server is back
    retry = delivery.deliver(db, w.educator, plan.mailing_id).value
    assert (retry.sent, retry.sent_before, retry.waiting, retry.stopped) == (3, 2, 0, "")
    assert sorted(flaky_smtp_server.recipients()) == sorted(issued.emails.values())  # each exactly once
    assert states(db, plan.mailing_id) == {"sent": 5}

    again = delivery.deliver(db, w.educator, plan.mailing_id).value  # nothing left: nothing sent
    assert (again.sent, again.sent_before) == (0, 5) and len(flaky_smtp_server.received) == 5


def test_a_cancel_keeps_what_was_sent_and_the_retry_sends_the_rest(db, smtp_server):
    issued = issue_to_everyone(db)
    w = issued.world
    use_server(db, issued, smtp_server)
    plan = delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes, SUBJECT, BODY).value

    class Cancelled(Exception):
        pass

    seen = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    def check() -> None:
        if len(seen) >= 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        delivery.deliver(db, w.educator, plan.mailing_id, check=check, progress=progress)
    assert seen == [(1, 5), (2, 5)] and len(smtp_server.received) == 2
    assert states(db, plan.mailing_id) == {"sent": 2, "queued": 3}
    delivery.deliver(db, w.educator, plan.mailing_id)
    assert sorted(smtp_server.recipients()) == sorted(issued.emails.values())


def test_a_refused_recipient_fails_with_the_servers_reason_and_the_others_go(db, smtp_server):
    issued = issue_to_everyone(db)
    w = issued.world
    use_server(db, issued, smtp_server)
    smtp_server.refuse_recipients = {"learner1@riverbend.example"}
    plan = delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes, SUBJECT, BODY).value
    report = delivery.deliver(db, w.educator, plan.mailing_id).value
    assert report.sent == 4
    (failure,) = report.failed
    assert (failure.code, failure.recipient) == (issued.codes[1], "learner1@riverbend.example")
    assert "550" in failure.reason
    status = delivery.mailing_status(db.unit_of_work(), w.educator, plan.mailing_id)
    assert (status.sent, status.queued, [f.code for f in status.failed]) == (4, 0, [issued.codes[1]])


def test_the_open_badges_file_goes_along_when_asked(db, smtp_server):
    issued = issue_to_everyone(db)
    w = issued.world
    use_server(db, issued, smtp_server)
    plan = delivery.queue_mailing(
        db.unit_of_work(), w.educator, issued.codes[:1], SUBJECT, BODY, include_badge=True
    ).value
    delivery.deliver(db, w.educator, plan.mailing_id)
    (got,) = smtp_server.received
    pdf, badge = list(got.message.iter_attachments())
    assert badge.get_filename().endswith(f"{issued.codes[0]}.jwt")
    token = badge.get_content()
    token = token.decode() if isinstance(token, bytes) else token
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["credentialSubject"]["achievement"]["name"] == "Interprofessional Collaboration Foundations"


def test_withdrawn_certificates_and_unknown_fields_are_refused_before_anything_is_queued(db, smtp_server):
    issued = issue_to_everyone(db)
    w = issued.world
    use_server(db, issued, smtp_server)
    certificates.revoke_certificate(db.unit_of_work(), w.admin, issued.codes[0], "Issued to the wrong learner")
    plan = delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes[:2], SUBJECT, BODY).value
    assert plan.queued == 1 and plan.skipped[0].reason.startswith("the certificate was revoked")
    with pytest.raises(ValidationError, match=r"names \{holder\}, which credtrack does not fill in"):
        delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes, "Hi {holder}", BODY)
    with pytest.raises(ValidationError, match="None of the chosen certificates can be e-mailed"):
        delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes[:1], SUBJECT, BODY)
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(CertificateDelivery)) == 1


def test_viewers_may_not_e_mail_certificates_or_save_them_for_learners(db, smtp_server, tmp_path):
    issued = issue_to_everyone(db)
    use_server(db, issued, smtp_server)
    accounts.create_user(db.unit_of_work(), issued.world.admin, username="viewer", password=PASSWORD, role="viewer")
    viewer = accounts.log_in(db.unit_of_work(), "viewer", PASSWORD)
    with pytest.raises(PermissionDenied, match="send e-mail"):
        delivery.queue_mailing(db.unit_of_work(), viewer, issued.codes, SUBJECT, BODY)
    plan = delivery.queue_mailing(db.unit_of_work(), issued.world.educator, issued.codes, SUBJECT, BODY).value
    with pytest.raises(PermissionDenied, match="send e-mail"):
        delivery.deliver(db, viewer, plan.mailing_id)
    with pytest.raises(PermissionDenied, match="reprint or export certificates"):
        learner_zip.save_for_learners(db, viewer, issued.codes, tmp_path / "x.zip")
    assert smtp_server.received == [] and not (tmp_path / "x.zip").exists()
    assert states(db, plan.mailing_id) == {"queued": 5}


def test_save_for_learners_writes_one_zip_with_a_pdf_per_person_named_for_people(db, tmp_path):
    issued = issue_to_everyone(db)
    w = issued.world
    certificates.revoke_certificate(db.unit_of_work(), w.admin, issued.codes[4], "Issued to the wrong learner")
    target = tmp_path / "out" / "January cohort.zip"
    result = learner_zip.save_for_learners(db, w.educator, issued.codes, target).value
    with zipfile.ZipFile(target) as bundle:
        names = bundle.namelist()
        assert all(bundle.read(n).startswith(b"%PDF-") for n in names)
    title = "Interprofessional Collaboration Foundations"
    assert names == result.files == [f"{NAMES[i]} – {title} – {issued.codes[i]}.pdf" for i in range(4)]
    assert [s.code for s in result.skipped] == [issued.codes[4]]
    (event,) = audit_actions(db, "certificate.save_for_learners")
    assert json.loads(event.after_json)["certificates"] == issued.codes[:4]
    assert not list(target.parent.glob("*.part"))


def test_learner_file_names_are_safe_on_windows_and_never_collide() -> None:
    stem = learner_files.file_stem('Ana "Nana" Silva/Costa', "Safety: Level 1?", "CT-7K3F-9QXM-4")
    assert stem == "Ana _Nana_ Silva_Costa – Safety_ Level 1_ – CT-7K3F-9QXM-4"
    assert learner_files.file_stem("CON", "x", "y").startswith("CON – ")  # a reserved name only when whole
    assert learner_files.file_stem(" Zoë  O'Brien. ", "Care", "CT-1") == "Zoë O'Brien – Care – CT-1"
    taken: set[str] = set()
    assert [learner_files.unique_name("A – B – C", ".pdf", taken) for _ in range(3)] == [
        "A – B – C.pdf",
        "A – B – C (2).pdf",
        "A – B – C (3).pdf",
    ]
    assert learner_files.unique_name("a – b – c", ".pdf", taken) == "a – b – c (4).pdf"  # case-blind, as Windows
    long = learner_files.file_stem("Ngô " * 80, "Credential " * 30, "CT-7K3F-9QXM-4")
    assert long.endswith(" – CT-7K3F-9QXM-4") and len((long + " (99).pdf").encode()) <= 255


def test_a_certificate_revoked_after_it_was_queued_is_not_sent(db, smtp_server):
    issued = issue_to_everyone(db)
    w = issued.world
    use_server(db, issued, smtp_server)
    plan = delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes[:2], SUBJECT, BODY).value
    certificates.revoke_certificate(db.unit_of_work(), w.admin, issued.codes[0], "Issued to the wrong learner")
    report = delivery.deliver(db, w.educator, plan.mailing_id).value
    assert report.sent == 1 and smtp_server.recipients() == [issued.emails[issued.codes[1]]]
    (failure,) = report.failed
    assert failure.code == issued.codes[0] and failure.reason.startswith("not sent: the certificate was revoked")
    assert states(db, plan.mailing_id) == {"sent": 1, "failed": 1}


def test_a_mailing_being_sent_elsewhere_is_not_sent_twice_at_once(db, smtp_server):
    issued = issue_to_everyone(db)
    w = issued.world
    use_server(db, issued, smtp_server)
    plan = delivery.queue_mailing(db.unit_of_work(), w.educator, issued.codes, SUBJECT, BODY).value
    with db.unit_of_work() as uow:  # another workstation's run holds the mailing
        mailing = uow.session.get(Mailing, plan.mailing_id)
        mailing.sending_until, mailing.sending_by = utcnow() + dt.timedelta(minutes=3), "Dana Whitfield"
        uow.commit()
    with pytest.raises(ValidationError, match="being sent right now by Dana Whitfield"):
        delivery.deliver(db, w.educator, plan.mailing_id)
    assert smtp_server.received == [] and states(db, plan.mailing_id) == {"queued": 5}
    with db.unit_of_work() as uow:  # that run died: its claim lapsed
        uow.session.get(Mailing, plan.mailing_id).sending_until = utcnow() - dt.timedelta(seconds=1)
        uow.commit()
    assert delivery.deliver(db, w.educator, plan.mailing_id).value.sent == 5
    with db.unit_of_work() as uow:
        assert uow.session.get(Mailing, plan.mailing_id).sending_until is None  # released when done


def test_a_cohorts_certificates_in_force_are_what_its_mailing_covers(db, smtp_server):
    issued = issue_to_everyone(db)
    w = issued.world
    certificates.revoke_certificate(db.unit_of_work(), w.admin, issued.codes[2], "Issued to the wrong learner")
    by_name = [code for _name, code in sorted(zip(NAMES, issued.codes, strict=True)) if code != issued.codes[2]]
    assert delivery.cohort_certificates(db.unit_of_work(), w.educator, "2026-jan") == by_name
    with pytest.raises(NotFoundError, match="No cohort 'NOPE'"):
        delivery.cohort_certificates(db.unit_of_work(), w.educator, "NOPE")

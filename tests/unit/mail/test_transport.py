"""Sending through real SMTP servers on loopback: plain, STARTTLS, TLS, signed in, and servers that give up."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from credtrack.mail.transport import MailError, send_batch, send_test_message
from tests.mailserver import SMTP_PASSWORD, MailServer, free_port

PDF = b"%PDF-1.7\n% a certificate\n%%EOF\n"


def letter(to: str, name: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = f"Your certificate, {name}"
    message.set_content(f"Dear {name},\n\nyour certificate is attached.\n")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"{name} – IPC – CT-1.pdf")
    return message


def letters(n: int) -> list[EmailMessage]:
    return [letter(f"learner{i}@riverbend.example", f"Learner {i}") for i in range(n)]


def test_messages_arrive_with_their_recipient_subject_body_and_attachment(smtp_server) -> None:
    outcome = send_batch(smtp_server.settings(reply_to="help@riverbend.example"), "", letters(3))
    assert (outcome.sent, outcome.failed, outcome.stopped) == (3, 0, "")
    assert [r.recipients for r in smtp_server.received] == [(f"learner{i}@riverbend.example",) for i in range(3)]
    first = smtp_server.received[0]
    assert first.mail_from == "education@riverbend.example"
    assert first.message["Subject"] == "Your certificate, Learner 0"
    assert first.message["From"] == "Riverbend Education Office <education@riverbend.example>"
    assert first.message["Reply-To"] == "help@riverbend.example"
    assert "your certificate is attached" in first.message.get_body(("plain",)).get_content()
    (attachment,) = list(first.message.iter_attachments())
    assert attachment.get_filename() == "Learner 0 – IPC – CT-1.pdf"
    assert attachment.get_content() == PDF


def test_starttls_with_a_self_signed_certificate_is_verified_against_the_trusted_file(smtp_starttls_server) -> None:
    outcome = send_batch(smtp_starttls_server.settings(), "", letters(1))
    assert outcome.sent == 1 and len(smtp_starttls_server.received) == 1


def test_a_self_signed_certificate_not_trusted_is_refused_and_nothing_is_sent(smtp_starttls_server) -> None:
    with pytest.raises(MailError, match="cannot be verified.*Certificate to trust"):
        send_test_message(smtp_starttls_server.settings(ca_file=""), "", "someone@riverbend.example")
    assert smtp_starttls_server.received == []


def test_tls_from_the_start(smtp_tls_server) -> None:
    send_test_message(smtp_tls_server.settings(), "", "someone@riverbend.example")
    (got,) = smtp_tls_server.received
    assert got.recipients == ("someone@riverbend.example",)
    assert got.message["Subject"] == "credtrack: test message"


def test_a_server_requiring_sign_in_takes_the_right_password_and_refuses_a_wrong_one(smtp_auth_server) -> None:
    settings = smtp_auth_server.settings()
    with pytest.raises(MailError, match="refused the user name or password"):
        send_test_message(settings, "not-the-password", "someone@riverbend.example")
    with pytest.raises(MailError, match="No password is saved"):
        send_test_message(settings, "", "someone@riverbend.example")
    assert smtp_auth_server.received == []
    send_test_message(settings, SMTP_PASSWORD, "someone@riverbend.example")
    assert len(smtp_auth_server.received) == 1


@pytest.mark.parametrize("mode", ["refuse", "drop"])
def test_a_server_that_gives_up_mid_batch_stops_it_and_says_why(flaky_smtp_server, mode) -> None:
    flaky_smtp_server.accept, flaky_smtp_server.mode = 2, mode
    heard = []
    outcome = send_batch(flaky_smtp_server.settings(), "", letters(5), on_result=heard.append)
    assert [r.index for r in outcome.results] == [0, 1] and outcome.sent == 2
    assert heard == outcome.results
    assert "closed the connection" in outcome.stopped or "stopped taking mail" in outcome.stopped
    assert flaky_smtp_server.recipients() == ["learner0@riverbend.example", "learner1@riverbend.example"]


def test_a_server_that_cannot_be_reached_stops_the_batch_before_anything_is_sent() -> None:
    settings = MailServer("none").settings(port=free_port())  # never started: nothing listens there
    outcome = send_batch(settings, "", letters(2))
    assert outcome.results == [] and "Could not reach the mail server 127.0.0.1" in outcome.stopped


def test_a_cancel_stops_before_the_next_message_and_passes_on(smtp_server) -> None:
    class Stop(Exception):
        pass

    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 2:
            raise Stop()

    with pytest.raises(Stop):
        send_batch(smtp_server.settings(), "", letters(5), check=check)
    assert len(smtp_server.received) == 2


def test_a_password_is_never_sent_over_a_plain_connection() -> None:
    from credtrack.errors import ValidationError
    from credtrack.mail.settings import MailSettings, validate

    with pytest.raises(ValidationError, match="only sent over an encrypted connection"):
        validate(MailSettings(host="mail.example", port=25, security="none", username="x", sender_address="a@b.org"))


def test_starttls_asked_of_a_server_without_it_is_refused_rather_than_sent_in_the_clear(smtp_server) -> None:
    with pytest.raises(MailError, match="does not offer STARTTLS"):
        send_test_message(smtp_server.settings(security="starttls"), "", "someone@riverbend.example")
    assert smtp_server.received == []

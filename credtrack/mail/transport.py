"""Sending messages over SMTP: a batch on one connection, each message's outcome reported as it happens.

Certificates are verified against the system's authorities and, if the settings name one, a certificate file
to trust as well; verification is never switched off. A password is only ever sent over TLS.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from credtrack.errors import CredtrackError
from credtrack.mail.settings import PLAIN, TLS, MailSettings

log = logging.getLogger(__name__)


class MailError(CredtrackError):
    """The mail server could not be reached, refused us, or is not set up; the message says what to do."""


@dataclass(frozen=True)
class SendResult:
    """What became of one message: sent (at a time), or failed with the server's reason."""

    index: int
    recipients: tuple[str, ...]
    sent: bool
    error: str = ""
    sent_at: dt.datetime | None = None


@dataclass
class BatchOutcome:
    """A batch's results in order; ``stopped`` says why the rest were not tried (they stay to be sent)."""

    results: list[SendResult] = field(default_factory=list)
    stopped: str = ""

    @property
    def sent(self) -> int:
        return sum(1 for r in self.results if r.sent)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.sent)


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    """The system's trusted authorities, plus the settings' certificate file if one is named."""
    context = ssl.create_default_context()
    if settings.ca_file:
        try:
            context.load_verify_locations(cafile=settings.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise MailError(
                f"The certificate file to trust ({settings.ca_file}) cannot be read as a PEM certificate: {exc}. "
                "Choose the file the mail server's administrator gave you, in Settings › Mail."
            ) from exc
    return context


def connect(settings: MailSettings, password: str) -> smtplib.SMTP:
    """An open, signed-in connection, or a MailError saying what went wrong and what to check."""
    if not settings.configured:
        raise MailError("Mail is not set up: enter the mail server and the sender address in Settings › Mail.")
    if settings.username and not password:
        raise MailError(
            f"No password is saved for {settings.username} on {settings.host}: enter it in Settings › Mail."
        )
    where = f"{settings.host}:{settings.port}"
    context = tls_context(settings) if settings.security != PLAIN else None
    smtp: smtplib.SMTP | None = None
    try:
        if settings.security == TLS:
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
            if context is not None:
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise MailError(
                        f"The mail server {where} does not offer STARTTLS. Choose 'TLS from the start' if it "
                        "expects TLS at once (usually port 465), or ask its administrator which to use."
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, password)
        return smtp
    except MailError:
        _close(smtp)
        raise
    except ssl.SSLCertVerificationError as exc:
        _close(smtp)
        raise MailError(
            f"The mail server {where} showed a certificate that cannot be verified ({exc.verify_message}). If the "
            "server uses its own or a self-signed certificate, save that certificate as a PEM file and choose it "
            "under 'Certificate to trust' in Settings › Mail."
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise MailError(
            f"The mail server {where} refused the user name or password for {settings.username} "
            f"({exc.smtp_code}). Check both in Settings › Mail."
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        _close(smtp)
        raise MailError(
            f"Could not reach the mail server {where}: {_reason(exc)}. Check the host, port and security in "
            "Settings › Mail, and that this computer may connect to it."
        ) from exc


def send_batch(
    settings: MailSettings,
    password: str,
    messages: Iterable[EmailMessage],
    *,
    check: Callable[[], None] | None = None,
    on_result: Callable[[SendResult], None] | None = None,
) -> BatchOutcome:
    """Send ``messages`` in order over one connection; they may be made one at a time, as the batch reaches them.

    ``on_result`` hears of each message as soon as the server has answered for it, so a caller can record it
    before the next is sent. A message the server refuses (an unknown recipient, say) fails on its own and the
    batch goes on; a connection that drops or is closed by the server stops the batch, and ``stopped`` says why:
    the messages not tried are left for a later retry. ``check`` is called before each message and raises to
    cancel; the connection is then closed politely and the exception passes on.
    """
    outcome = BatchOutcome()
    pending = iter(messages)
    first = next(pending, None)
    if first is None:
        return outcome
    try:
        smtp = connect(settings, password)
    except MailError as exc:
        outcome.stopped = exc.message
        return outcome
    try:
        for index, message in enumerate(itertools.chain([first], pending)):
            if check is not None:
                check()
            prepare(message, settings)
            recipients = _recipients(message)
            try:
                refused = smtp.send_message(message, from_addr=settings.sender_address, to_addrs=list(recipients))
            except smtplib.SMTPRecipientsRefused as exc:
                result = SendResult(index, recipients, False, _refusals(exc.recipients))
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                outcome.stopped = f"The mail server closed the connection ({_reason(exc)})."
                break
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code == 421:  # the server is closing the connection: nothing more goes on this one
                    outcome.stopped = f"The mail server stopped taking mail ({_reason(exc)})."
                    break
                result = SendResult(index, recipients, False, _reason(exc))
            else:
                if refused:
                    result = SendResult(index, recipients, False, _refusals(refused))
                else:
                    result = SendResult(index, recipients, True, sent_at=_now())
            outcome.results.append(result)
            if on_result is not None:
                on_result(result)
    finally:
        _close(smtp)
        log.info(
            "Mail through %s: %d sent, %d refused%s",
            settings.describe(),
            outcome.sent,
            outcome.failed,
            f" ({outcome.stopped})" if outcome.stopped else "",
        )
    return outcome


def prepare(message: EmailMessage, settings: MailSettings) -> EmailMessage:
    """Fill in the From, Reply-To, Date and Message-ID headers a message lacks, from the settings."""
    if "From" not in message:
        message["From"] = settings.sender
    if settings.reply_to and "Reply-To" not in message:
        message["Reply-To"] = settings.reply_to
    if "Date" not in message:
        message["Date"] = _now()
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(domain=settings.sender_address.rpartition("@")[2] or None)
    return message


def make_test_message(settings: MailSettings, to: str) -> EmailMessage:
    """The message 'Send a test message' sends."""
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = "credtrack: test message"
    message.set_content(
        "This is a test message from credtrack.\n\n"
        f"It was sent through {settings.describe()} from {settings.sender_address}. If it reached you, "
        "credtrack can e-mail certificates to learners.\n"
    )
    return message


def send_test_message(settings: MailSettings, password: str, to: str) -> None:
    """Send the test message to ``to``; a MailError says what went wrong."""
    outcome = send_batch(settings, password, [make_test_message(settings, to)])
    if outcome.stopped:
        raise MailError(outcome.stopped)
    failure = outcome.results[0]
    if not failure.sent:
        raise MailError(f"The mail server refused the test message to {to}: {failure.error}")


def _recipients(message: EmailMessage) -> tuple[str, ...]:
    found: list[str] = []
    for header in ("To", "Cc", "Bcc"):
        value = message.get(header)
        if value is not None:
            found.extend(a.addr_spec for a in value.addresses)
    return tuple(found)


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address}: {code} {text.decode('utf-8', 'replace').strip()}" for address, (code, text) in refused.items()
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {text.strip()}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    return str(exc) or type(exc).__name__


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)

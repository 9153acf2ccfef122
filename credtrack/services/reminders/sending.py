"""Sending the due reminders through the mail settings and transport (``credtrack.mail``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from email.message import EmailMessage

from credtrack.db import Database
from credtrack.mail.transport import MailError, send_batch
from credtrack.services.changes import Result
from credtrack.services.common import Check, no_check
from credtrack.services.mail import get_mail_settings, mail_password
from credtrack.services.permissions import Actor, require
from credtrack.services.reminders.outbox import Answered, SendReport, send_reminders


def send_through_mail(
    db: Database,
    actor: Actor,
    *,
    today: dt.date | None = None,
    check: Check = no_check,
    progress: Callable[[int, int], None] | None = None,
) -> Result[SendReport]:
    """Send today's reminders with the saved mail settings. Mail not set up is refused before anything is
    queued; a server that cannot be reached leaves every reminder queued for the next run."""
    require(actor, "reminders.send")
    settings = get_mail_settings(db.unit_of_work())
    if not settings.configured:
        raise MailError("Mail is not set up: enter the mail server and the sender address in Settings › Mail.")
    password = mail_password(settings)

    def send(messages: Sequence[EmailMessage], answered: Answered, check: Check) -> str:
        outcome = send_batch(
            settings,
            password,
            messages,
            check=check,
            on_result=lambda r: answered(r.index, None if r.sent else r.error),
        )
        return outcome.stopped

    return send_reminders(db, actor, send, today=today, check=check, progress=progress)

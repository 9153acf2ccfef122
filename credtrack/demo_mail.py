"""Demo mail settings, for ``credtrack.demo``: a relay on this computer, so 'E-mail to learners' can be tried.

Start one that prints what it receives with ``python -m aiosmtpd -n -l localhost:1025``. No random choice is
made here, so the other demo figures stay as they were.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from credtrack.mail import settings as mail_settings
from credtrack.mail.settings import PLAIN, MailSettings
from credtrack.services.audit import log as audit
from credtrack.services.permissions import Actor

DEMO_MAIL = MailSettings(
    host="localhost",
    port=1025,
    security=PLAIN,
    sender_address="education@riverbend.example",
    sender_name="Riverbend Education Office (demo)",
    reply_to="help@riverbend.example",
)


def add_mail_settings(s: Session, actor: Actor) -> None:
    """The demo's mail settings (no password: the local relay takes mail without signing in), audited."""
    before, after = mail_settings.write(s, DEMO_MAIL)
    if after:
        audit.record(s, actor, "mail.settings", "setting", "mail", before=before, after=after, note="Demo data.")

"""The mail settings as a use case: read them, change them (audited, the password kept aside), send a test."""

from __future__ import annotations

from dataclasses import dataclass

from credtrack.db import UnitOfWork
from credtrack.errors import ValidationError
from credtrack.mail import secret
from credtrack.mail import settings as mail_settings
from credtrack.mail.settings import DEFAULT_PORTS, MailSettings
from credtrack.mail.transport import MailError, send_test_message
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import Actor, require

__all__ = [
    "DEFAULT_PORTS",
    "MailSettings",
    "MailSetup",
    "get_mail_settings",
    "get_mail_setup",
    "mail_password",
    "send_test",
    "update_mail_settings",
]


@dataclass(frozen=True)
class MailSetup:
    """What the Settings page shows: the settings, whether a password is saved, and where it would go."""

    settings: MailSettings
    password_saved: bool
    password_store: str


def get_mail_settings(uow: UnitOfWork) -> MailSettings:
    """The stored settings (no password in them); readable by everyone, like the institution's settings."""
    with uow:
        return mail_settings.read(uow.session)


def get_mail_setup(uow: UnitOfWork) -> MailSetup:
    settings = get_mail_settings(uow)
    saved = bool(settings.username) and secret.has_password(settings.host, settings.username)
    return MailSetup(settings, saved, secret.where())


def mail_password(settings: MailSettings) -> str:
    """The password saved on this workstation for the settings' account ("" when it signs in without one)."""
    return secret.load_password(settings.host, settings.username) if settings.username else ""


def update_mail_settings(
    uow: UnitOfWork, actor: Actor, settings: MailSettings, *, password: str | None = None
) -> Result[MailSettings]:
    """Save ``settings``; ``password`` None keeps the saved one, "" forgets it, anything else replaces it.

    The audit event says which settings changed and whether the password did, never the password itself.
    """
    with uow:
        require(actor, "mail.settings")
        checked = mail_settings.validate(settings)
        if password and not checked.username:
            raise ValidationError(
                "A password was given without a user name: enter the user name the mail server knows you by.",
                field="username",
            )
        old = mail_settings.read(uow.session)
        before, after = mail_settings.write(uow.session, checked)
        same_account = (old.host, old.username) == (checked.host, checked.username)
        new_password = password
        if new_password is None and not same_account and old.username and checked.username:
            new_password = secret.load_password(old.host, old.username) or None  # the account moved: so does it
        if new_password is not None or (not checked.username and old.username):
            before["password"] = "saved" if old.username and secret.has_password(old.host, old.username) else "none"
            after["password"] = "changed" if new_password else "none"
        if not after:
            return Result(checked, Change.NONE)
        audit.record(uow.session, actor, "mail.settings", "setting", "mail", before=before, after=after)
        if new_password is not None and checked.username:
            secret.save_password(checked.host, checked.username, new_password)
        if old.username and (not same_account or not checked.username):
            secret.forget_password(old.host, old.username)
        uow.commit()
        return Result(checked, Change.SETTINGS | Change.AUDIT)


def send_test(uow: UnitOfWork, actor: Actor, to: str) -> None:
    """Send the test message to ``to`` with the saved settings and record that it went; a MailError if not."""
    require(actor, "mail.send")
    to = mail_settings.check_address(to.strip(), "The test recipient", "to")
    settings = get_mail_settings(uow)
    if not settings.configured:
        raise MailError("Mail is not set up: enter the mail server and the sender address in Settings › Mail.")
    send_test_message(settings, mail_password(settings), to)  # no transaction is held open while it travels
    with uow:
        require(actor, "mail.send")
        audit.record(
            uow.session, actor, "mail.test", "setting", "mail", after={"to": to, "server": settings.describe()}
        )
        uow.commit()

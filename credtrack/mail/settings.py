"""The mail settings: which SMTP server sends credtrack's messages, and who they come from.

They are institution-wide and live in the database's settings table beside the institution's name, so
every workstation sends from the same address. The password never does: see ``credtrack.mail.secret``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from email.headerregistry import Address
from email.utils import formataddr
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.errors import ValidationError
from credtrack.models import Setting

STARTTLS, TLS, PLAIN = "starttls", "tls", "none"
SECURITY = {
    STARTTLS: "STARTTLS (usually port 587)",
    TLS: "TLS from the start (usually port 465)",
    PLAIN: "None: only for a relay on this computer or a closed network",
}
DEFAULT_PORTS = {STARTTLS: 587, TLS: 465, PLAIN: 25}
PREFIX = "mail."
_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]+")


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 587
    security: str = STARTTLS
    username: str = ""  # empty: the server takes mail without signing in
    sender_address: str = ""
    sender_name: str = ""
    reply_to: str = ""
    # A certificate file (PEM) to trust for this server as well as the system's authorities: how a server with
    # its own or a self-signed certificate is reached without switching verification off.
    ca_file: str = ""
    timeout_seconds: int = 30

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender_address)

    @property
    def sender(self) -> str:
        """The From header: the sender's name and address."""
        return formataddr((self.sender_name, self.sender_address)) if self.sender_name else self.sender_address

    def describe(self) -> str:
        """One line safe to show or log: the server and the account, never a password."""
        account = f" as {self.username}" if self.username else ""
        return f"{self.host}:{self.port} ({SECURITY[self.security].split(' (')[0].split(':')[0]}){account}"


_FIELDS = {f.name: f for f in fields(MailSettings)}
_INTEGERS = {"port", "timeout_seconds"}


def read(session: Session) -> MailSettings:
    """The stored settings, defaults filling any key never saved (or saved by an older version)."""
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.like(f"{PREFIX}%"))).all()
    values: dict[str, object] = {}
    for key, value in rows:
        name = key[len(PREFIX) :]
        if name not in _FIELDS:
            continue
        if name in _INTEGERS:
            try:
                values[name] = int(value)
            except ValueError:
                continue
        else:
            values[name] = value
    settings = MailSettings(**values)  # type: ignore[arg-type]
    if settings.security not in SECURITY:
        settings = replace(settings, security=STARTTLS)
    return settings


def write(session: Session, settings: MailSettings) -> tuple[dict[str, object], dict[str, object]]:
    """Store ``settings`` in the caller's transaction; return what changed as (before, after) for the audit."""
    current = read(session)
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for name in _FIELDS:
        old, new = getattr(current, name), getattr(settings, name)
        if old == new:
            continue
        before[name], after[name] = old, new
        row = session.get(Setting, PREFIX + name)
        if row is None:
            session.add(Setting(key=PREFIX + name, value=str(new)))
        else:
            row.value = str(new)
    session.flush()
    return before, after


def validate(settings: MailSettings) -> MailSettings:
    """The settings trimmed, or a ValidationError naming the field and what to put there."""
    s = replace(
        settings,
        host=settings.host.strip(),
        username=settings.username.strip(),
        sender_address=settings.sender_address.strip(),
        sender_name=" ".join(settings.sender_name.split()),
        reply_to=settings.reply_to.strip(),
        ca_file=settings.ca_file.strip(),
    )
    if not s.host:
        raise ValidationError("Enter the mail server's host name, for example smtp.riverbend.example.", field="host")
    if _HOST.fullmatch(s.host) is None:
        raise ValidationError(
            f"{s.host!r} is not a host name: use a name such as smtp.riverbend.example or an address such as "
            "10.0.0.25, with no 'smtp://' and no port (the port has its own field).",
            field="host",
        )
    if not 1 <= s.port <= 65535:
        raise ValidationError(f"The port must be between 1 and 65535, not {s.port}.", field="port")
    if s.security not in SECURITY:
        raise ValidationError(
            f"Security must be one of {', '.join(SECURITY)}, not {s.security!r}.",
            field="security",
        )
    if s.username and s.security == PLAIN:
        raise ValidationError(
            "A user name and password are only sent over an encrypted connection: choose STARTTLS or TLS, "
            "or clear the user name if the server takes mail without signing in.",
            field="security",
        )
    if not 1 <= s.timeout_seconds <= 600:
        raise ValidationError("The time-out must be between 1 and 600 seconds.", field="timeout_seconds")
    check_address(s.sender_address, "The sender address", "sender_address")
    if s.reply_to:
        check_address(s.reply_to, "The reply-to address", "reply_to")
    if any(ch in s.sender_name for ch in "\r\n\0"):
        raise ValidationError("The sender name must be one line.", field="sender_name")
    if s.ca_file and not Path(s.ca_file).is_file():
        raise ValidationError(
            f"The certificate file to trust, {s.ca_file}, does not exist on this computer: choose the PEM file the "
            "mail server's administrator gave you, or leave it empty to trust only the system's authorities.",
            field="ca_file",
        )
    return s


def check_address(text: str, what: str, field: str) -> str:
    """``text`` if it is one plain e-mail address; otherwise a ValidationError saying what is wrong."""
    problem = address_problem(text)
    if problem:
        raise ValidationError(f"{what} {problem}", field=field)
    return text


def address_problem(text: str) -> str:
    """Why ``text`` is not a usable e-mail address (ending in a sentence), or "" if it is one."""
    if not text:
        return "is empty: enter an address such as education@riverbend.example."
    if any(ch.isspace() or ch in '<>,;"' for ch in text) or text.count("@") != 1:
        return f"{text!r} is not one e-mail address: write it as name@domain.example, nothing around it."
    local, _, domain = text.partition("@")
    if not local or "." not in domain or domain.startswith(".") or domain.endswith("."):
        return f"{text!r} is not a complete e-mail address: it needs a name, an @ and a domain such as riverbend.org."
    try:
        Address(addr_spec=text)
    except (ValueError, IndexError) as exc:
        return f"{text!r} is not a valid e-mail address ({exc})."
    return ""

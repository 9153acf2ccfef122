"""E-mailing certificates to their holders: a mailing is queued, then delivered and, if need be, retried.

Queuing writes one delivery per certificate and address; delivering sends those not yet sent and records
each one as soon as the server has taken it (or refused it), in a transaction of its own with its audit event,
so a batch stopped by the server, a cancel or a crash is retried with no learner receiving a certificate twice.
No transaction stays open while a message travels.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select

from credtrack.certificates import openbadges
from credtrack.db import Database, UnitOfWork
from credtrack.errors import NotFoundError, ValidationError
from credtrack.mail import settings as mail_settings
from credtrack.mail.transport import MailError, SendResult, send_batch
from credtrack.models import Certificate, CertificateDelivery, Mailing, Person
from credtrack.services import keys as key_service
from credtrack.services.audit import log as audit
from credtrack.services.certificates import drafts as drafting
from credtrack.services.certificates import learner_files
from credtrack.services.certificates.copies import withdrawal
from credtrack.services.certificates.queries import certificate_by_code
from credtrack.services.changes import Change, Result
from credtrack.services.common import Check, no_check
from credtrack.services.mail import mail_password
from credtrack.services.permissions import Actor, require

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Skipped:
    """A certificate that was not queued, and why (no address, an address that cannot work, withdrawn)."""

    code: str
    holder_name: str
    credential_title: str
    reason: str


@dataclass(frozen=True)
class MailingPlan:
    mailing_id: int
    queued: int
    skipped: list[Skipped]


@dataclass(frozen=True)
class Failure:
    code: str
    holder_name: str
    recipient: str
    reason: str


@dataclass(frozen=True)
class DeliveryReport:
    """One delivery run: what it sent and what failed, what is still waiting, and why it stopped early."""

    mailing_id: int
    sent: int
    failed: list[Failure] = field(default_factory=list)
    waiting: int = 0  # not tried in this run (the server stopped it, or it was cancelled): a retry sends them
    stopped: str = ""
    sent_before: int = 0  # already sent by an earlier run, so not sent again


def queue_mailing(
    uow: UnitOfWork, actor: Actor, codes: Sequence[str], subject: str, body: str, *, include_badge: bool = False
) -> Result[MailingPlan]:
    """Queue ``codes`` to go to their holders' addresses; list those that cannot go, and why."""
    subject, body = learner_files.check_templates(subject, body)
    if not codes:
        raise ValidationError("Choose at least one certificate to e-mail.")
    with uow:
        require(actor, "mail.send")
        session = uow.session
        if not mail_settings.read(session).configured:
            raise MailError("Mail is not set up: enter the mail server and the sender address in Settings › Mail.")
        mailing = Mailing(subject=subject, body=body, include_badge=include_badge, created_by_id=actor.id)
        session.add(mailing)
        session.flush()
        skipped: list[Skipped] = []
        queued: list[str] = []
        seen: set[str] = set()
        for text in codes:
            cert = certificate_by_code(session, text)
            if cert.code in seen:
                continue
            seen.add(cert.code)
            reason = _why_not(session, cert)
            if reason:
                skipped.append(Skipped(cert.code, cert.holder_name, cert.credential_title, reason))
                continue
            person = session.get(Person, cert.person_id)
            assert person is not None and person.email
            session.add(
                CertificateDelivery(
                    mailing_id=mailing.id,
                    certificate_id=cert.id,
                    person_id=cert.person_id,
                    recipient=person.email.strip(),
                    state="queued",
                    attempts=0,
                    last_error="",
                )
            )
            queued.append(cert.code)
        if not queued:
            raise ValidationError(
                "None of the chosen certificates can be e-mailed: "
                + "; ".join(f"{s.holder_name} ({s.code}): {s.reason}" for s in skipped[:5])
                + ("…" if len(skipped) > 5 else "")
            )
        audit.record(
            session,
            actor,
            "mailing.queue",
            "mailing",
            mailing.id,
            after={
                "subject": subject,
                "include_badge": include_badge,
                "certificates": queued,
                "not_sent": {s.code: s.reason for s in skipped},
            },
        )
        uow.commit()
        return Result(MailingPlan(mailing.id, len(queued), skipped), Change.AUDIT)


def _why_not(session, cert: Certificate) -> str:
    found = withdrawal(session, cert)
    if found is not None:
        return f"the certificate was {found.summary}"
    person = session.get(Person, cert.person_id)
    address = (person.email or "").strip() if person else ""
    if not address:
        return "no e-mail address on record"
    problem = mail_settings.address_problem(address)
    return f"the address on record {problem}" if problem else ""


@dataclass
class _Pending:
    delivery_id: int
    recipient: str
    attempts: int
    cert: Certificate


def deliver(
    db: Database,
    actor: Actor,
    mailing_id: int,
    *,
    check: Check = no_check,
    progress: Progress | None = None,
    passphrase: str | None = None,
) -> Result[DeliveryReport]:
    """Send what ``mailing_id`` has not yet sent. A MailError only when nothing could be tried at all."""
    require(actor, "mail.send")
    with db.unit_of_work() as uow:
        require(actor, "mail.send")
        session = uow.session
        audit.confirm_account(session, actor)
        mailing = session.get(Mailing, mailing_id)
        if mailing is None:
            raise NotFoundError(f"No mailing {mailing_id} in this database.")
        settings = mail_settings.read(session)
        institution = drafting.institution(session)
        rows = session.execute(
            select(CertificateDelivery, Certificate)
            .join(Certificate, Certificate.id == CertificateDelivery.certificate_id)
            .where(CertificateDelivery.mailing_id == mailing_id, CertificateDelivery.state != "sent")
            .order_by(CertificateDelivery.id)
        ).all()
        pending = [_Pending(d.id, d.recipient, d.attempts, c) for d, c in rows]
        sent_before = session.scalar(
            select(func.count())
            .select_from(CertificateDelivery)
            .where(CertificateDelivery.mailing_id == mailing_id, CertificateDelivery.state == "sent")
        )
        key = (
            key_service.signing_key(session, passphrase, actor=actor, action="certificates.reprint")
            if mailing.include_badge and pending
            else None
        )
        subject, body = mailing.subject, mailing.body
    if not pending:
        return Result(DeliveryReport(mailing_id, 0, sent_before=sent_before or 0), Change.NONE)
    if not settings.configured:
        raise MailError("Mail is not set up: enter the mail server and the sender address in Settings › Mail.")
    password = mail_password(settings)
    total, done = len(pending), 0
    failures: list[Failure] = []

    def letters() -> Iterator[EmailMessage]:
        with learner_files.scratch_folder() as scratch:
            for item in pending:
                cert = item.cert
                stem = learner_files.file_stem(cert.holder_name, cert.credential_title, cert.code)
                badge = ""
                if key is not None:
                    badge = openbadges.sign_jwt(json.loads(cert.snapshot_json)["openbadge"], key)
                yield learner_files.Letter(
                    to=item.recipient,
                    subject=learner_files.fill(subject, cert, institution),
                    body=learner_files.fill(body, cert, institution),
                    pdf_name=stem + ".pdf",
                    pdf=learner_files.pdf_bytes(cert, institution, Path(scratch)),
                    badge_name=stem + ".jwt" if badge else "",
                    badge=badge,
                ).message()

    def record(result: SendResult) -> None:
        nonlocal done
        item = pending[result.index]
        with db.unit_of_work() as uow:
            require(actor, "mail.send")
            row = uow.session.get(CertificateDelivery, item.delivery_id)
            assert row is not None
            row.attempts = item.attempts + 1
            if result.sent:
                row.state, row.sent_at, row.last_error = "sent", _naive(result.sent_at), ""
            else:
                row.state, row.last_error = "failed", result.error
            audit.record(
                uow.session,
                actor,
                "certificate.email" if result.sent else "certificate.email_failed",
                "certificate",
                item.cert.code,
                after={
                    "mailing": mailing_id,
                    "to": item.recipient,
                    **({} if result.sent else {"reason": result.error}),
                },
            )
            uow.commit()
        if not result.sent:
            failures.append(Failure(item.cert.code, item.cert.holder_name, item.recipient, result.error))
        done += 1
        if progress is not None:
            progress(done, total)

    outcome = send_batch(settings, password, letters(), check=check, on_result=record)
    if outcome.stopped and not outcome.results:
        raise MailError(f"{outcome.stopped} Nothing was sent; every certificate is still queued for a retry.")
    report = DeliveryReport(
        mailing_id, outcome.sent, failures, total - len(outcome.results), outcome.stopped, sent_before or 0
    )
    return Result(report, Change.AUDIT)


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment else None


@dataclass(frozen=True)
class MailingStatus:
    mailing_id: int
    subject: str
    created_at: dt.datetime
    queued: int
    sent: int
    failed: list[Failure]


def mailing_status(uow: UnitOfWork, actor: Actor, mailing_id: int) -> MailingStatus:
    """Where a mailing stands: how many are sent, waiting, and which failed and why."""
    with uow:
        require(actor, "read")
        session = uow.session
        mailing = session.get(Mailing, mailing_id)
        if mailing is None:
            raise NotFoundError(f"No mailing {mailing_id} in this database.")
        rows = session.execute(
            select(CertificateDelivery, Certificate.code, Certificate.holder_name)
            .join(Certificate, Certificate.id == CertificateDelivery.certificate_id)
            .where(CertificateDelivery.mailing_id == mailing_id)
            .order_by(CertificateDelivery.id)
        ).all()
        states = [d.state for d, _, _ in rows]
        failed = [Failure(code, name, d.recipient, d.last_error) for d, code, name in rows if d.state == "failed"]
        return MailingStatus(
            mailing.id, mailing.subject, mailing.created_at, states.count("queued"), states.count("sent"), failed
        )

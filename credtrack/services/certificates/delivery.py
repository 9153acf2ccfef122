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
from typing import Any

from sqlalchemy import CursorResult, Row, func, or_, select, update
from sqlalchemy.orm import Session

from credtrack.certificates import openbadges
from credtrack.certificates.codes import normalise
from credtrack.certificates.keys import SigningKey
from credtrack.db import Database, UnitOfWork
from credtrack.errors import NotFoundError, ValidationError
from credtrack.mail import settings as mail_settings
from credtrack.mail.transport import MailError, SendResult, send_batch
from credtrack.models import (
    Certificate,
    CertificateDelivery,
    Cohort,
    CohortCredential,
    Enrolment,
    Mailing,
    Person,
    utcnow,
)
from credtrack.services import keys as key_service
from credtrack.services.audit import log as audit
from credtrack.services.certificates import drafts as drafting
from credtrack.services.certificates import learner_files
from credtrack.services.certificates.copies import withdrawal
from credtrack.services.changes import Change, Result
from credtrack.services.common import Check, no_check
from credtrack.services.mail import mail_password
from credtrack.services.permissions import Actor, require
from credtrack.services.settings import InstitutionSettings

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
        for row in chosen_rows(session, codes):
            reason = _why_not(session, row)
            if reason:
                skipped.append(Skipped(row.code, row.holder_name, row.credential_title, reason))
                continue
            session.add(
                CertificateDelivery(
                    mailing_id=mailing.id,
                    certificate_id=row.id,
                    person_id=row.person_id,
                    recipient=(row.email or "").strip(),
                    state="queued",
                    attempts=0,
                    last_error="",
                )
            )
            queued.append(row.code)
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


def cohort_certificates(uow: UnitOfWork, actor: Actor, cohort_code: str) -> list[str]:
    """The codes of the certificates in force that the cohort's people hold for the cohort's credentials (those
    withdrawn from it included: they earned them), by holder's name: what a cohort's mailing or ZIP covers."""
    with uow:
        require(actor, "read")
        session = uow.session
        cohort = session.scalar(select(Cohort).where(func.lower(Cohort.code) == cohort_code.strip().lower()))
        if cohort is None:
            raise NotFoundError(f"No cohort {cohort_code.strip()!r} in this database.")
        return list(
            session.scalars(
                select(Certificate.code)
                .join(Enrolment, Enrolment.person_id == Certificate.person_id)
                .join(
                    CohortCredential,
                    (CohortCredential.cohort_id == Enrolment.cohort_id)
                    & (CohortCredential.credential_id == Certificate.credential_id),
                )
                .where(Enrolment.cohort_id == cohort.id, Certificate.status == "valid")
                .order_by(Certificate.holder_name, Certificate.code)
            )
        )


def chosen_rows(session: Session, codes: Sequence[str]) -> list[Row[Any]]:
    """The certificates named by ``codes`` (as typed: normalised, each once, in order) with their holders'
    addresses, read a few hundred at a time; a code not in the database is a NotFoundError naming it."""
    wanted = list(dict.fromkeys(normalise(text) for text in codes))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in session.execute(
            select(
                Certificate.id,
                Certificate.code,
                Certificate.holder_name,
                Certificate.credential_title,
                Certificate.status,
                Certificate.person_id,
                Person.email,
            )
            .join(Person, Person.id == Certificate.person_id)
            .where(Certificate.code.in_(chunk))
        ):
            found[row.code] = row
    missing = [code for code in wanted if code not in found]
    if missing:
        raise NotFoundError(
            f"No certificate {', '.join(missing[:5])}{'…' if len(missing) > 5 else ''} in this database."
        )
    return [found[code] for code in wanted]


def _why_not(session: Session, row: Row[Any]) -> str:
    if row.status != "valid":
        cert = session.get(Certificate, row.id)
        found = withdrawal(session, cert) if cert is not None else None
        if found is not None:
            return f"the certificate was {found.summary}"
    address = (row.email or "").strip()
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
    """Send what ``mailing_id`` has not yet sent. A MailError only when nothing could be tried at all.

    A certificate withdrawn since it was queued is not sent: its delivery fails, saying why. While it runs, the
    mailing is claimed, so a second run of it (another window, another workstation) is refused until this one
    ends; a claim left by a run that died lapses after ``CLAIM``.
    """
    require(actor, "mail.send")
    failures: list[Failure] = []
    with db.unit_of_work() as uow:
        require(actor, "mail.send")
        session = uow.session
        audit.confirm_account(session, actor)
        mailing = session.get(Mailing, mailing_id)
        if mailing is None:
            raise NotFoundError(f"No mailing {mailing_id} in this database.")
        _claim(session, mailing, actor)
        settings = mail_settings.read(session)
        institution = drafting.institution(session)
        rows = session.execute(
            select(CertificateDelivery, Certificate)
            .join(Certificate, Certificate.id == CertificateDelivery.certificate_id)
            .where(CertificateDelivery.mailing_id == mailing_id, CertificateDelivery.state != "sent")
            .order_by(CertificateDelivery.id)
        ).all()
        pending: list[_Pending] = []
        for d, c in rows:
            found = withdrawal(session, c) if c.status != "valid" else None
            if found is None:
                pending.append(_Pending(d.id, d.recipient, d.attempts, c))
                continue
            reason = f"not sent: the certificate was {found.summary}"
            d.state, d.last_error = "failed", reason
            audit.record(
                session,
                actor,
                "certificate.email_failed",
                "certificate",
                c.code,
                after={"mailing": mailing_id, "to": d.recipient, "reason": reason},
            )
            failures.append(Failure(c.code, c.holder_name, d.recipient, reason))
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
        uow.commit()
    try:
        return _send(
            db,
            actor,
            mailing_id,
            pending,
            failures,
            sent_before or 0,
            settings,
            institution,
            subject,
            body,
            key,
            check,
            progress,
        )
    finally:
        _release(db, mailing_id)


def _send(
    db: Database,
    actor: Actor,
    mailing_id: int,
    pending: list[_Pending],
    failures: list[Failure],
    sent_before: int,
    settings: mail_settings.MailSettings,
    institution: InstitutionSettings,
    subject: str,
    body: str,
    key: SigningKey | None,
    check: Check,
    progress: Progress | None,
) -> Result[DeliveryReport]:
    if not pending:
        changes = Change.AUDIT if failures else Change.NONE
        return Result(DeliveryReport(mailing_id, 0, failures, sent_before=sent_before), changes)
    if not settings.configured:
        raise MailError("Mail is not set up: enter the mail server and the sender address in Settings › Mail.")
    password = mail_password(settings)
    total, done = len(pending), 0

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
            _renew(uow.session, mailing_id)
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
        mailing_id, outcome.sent, failures, total - len(outcome.results), outcome.stopped, sent_before
    )
    return Result(report, Change.AUDIT)


CLAIM = dt.timedelta(minutes=5)  # how long a run's claim on a mailing holds without a message going out


def _claim(session: Session, mailing: Mailing, actor: Actor) -> None:
    now = utcnow()
    result = session.execute(
        update(Mailing)
        .where(Mailing.id == mailing.id, or_(Mailing.sending_until.is_(None), Mailing.sending_until < now))
        .values(sending_until=now + CLAIM, sending_by=actor.label[:80])
    )
    assert isinstance(result, CursorResult)  # an UPDATE's result carries the row count
    if not result.rowcount:
        session.refresh(mailing)
        raise ValidationError(
            f"This mailing is being sent right now by {mailing.sending_by or 'someone'} (in another window or on "
            "another workstation). Let that finish; what it has not sent can be sent afterwards. If that run was "
            f"stopped without finishing, its claim lapses {int(CLAIM.total_seconds() // 60)} minutes after its "
            "last message."
        )


def _renew(session: Session, mailing_id: int) -> None:
    session.execute(update(Mailing).where(Mailing.id == mailing_id).values(sending_until=utcnow() + CLAIM))


def _release(db: Database, mailing_id: int) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(update(Mailing).where(Mailing.id == mailing_id).values(sending_until=None, sending_by=""))
        uow.commit()


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

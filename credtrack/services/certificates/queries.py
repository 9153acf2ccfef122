"""Reading issued certificates for lists and screens (issuing, revoking and verifying live elsewhere)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from credtrack.certificates import codes
from credtrack.certificates.keys import fingerprint
from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError
from credtrack.models import Certificate, IssuerKey, Person, User, fold
from credtrack.services.certificates import evidence as certificate_evidence
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.text import for_search


@dataclass(frozen=True)
class CertificateRow:
    id: int
    code: str
    person_id: int
    external_id: str
    holder_name: str
    credential_id: int
    credential_title: str
    issued_on: dt.date
    expires_on: dt.date | None
    status: str  # as stored: valid, revoked, superseded
    display_status: str  # what a person should read: valid, expired, revoked, superseded
    revoked_reason: str | None
    issuer_kid: str
    qr_payload: str
    by_exception: bool = False  # issued by an administrator's override, not earned


@dataclass(frozen=True)
class CertificateDetail:
    """One certificate as its detail pane shows it: the list row plus what it certified and who signed it."""

    row: CertificateRow
    competencies: list[tuple[str, str]]  # (code, label), as frozen at issue
    revoked_at: dt.datetime | None
    superseded_by: str | None  # the code of the renewal that replaced it
    supersedes: str | None
    issuer_name: str
    key_fingerprint: str
    issued_by: str | None
    # Set when evidence this certificate was issued on has since been voided (it is never silently revoked).
    voided_evidence: str | None = None
    override_reason: str | None = None  # why an administrator issued it by exception


def _display(cert: Certificate, today: dt.date) -> str:
    if cert.status == "valid" and cert.expires_on is not None and cert.expires_on < today:
        return "expired"
    return cert.status


def _row(c: Certificate, external_id: str, day: dt.date) -> CertificateRow:
    return CertificateRow(
        c.id,
        c.code,
        c.person_id,
        external_id,
        c.holder_name,
        c.credential_id,
        c.credential_title,
        c.issued_on,
        c.expires_on,
        c.status,
        _display(c, day),
        c.revoked_reason,
        c.issuer_kid,
        c.qr_payload,
        bool(c.override_reason),
    )


def certificate_by_code(session: Session, text: str) -> Certificate:
    code = codes.normalise(text)
    cert = session.scalar(select(Certificate).where(Certificate.code == code))
    if cert is None:
        raise NotFoundError(f"No certificate {code} in this database.")
    return cert


def certificate_detail(uow: UnitOfWork, actor: Actor, code: str, *, today: dt.date | None = None) -> CertificateDetail:
    """Everything the Certificates page shows about one certificate. Raises NotFoundError for an unknown code."""

    with uow:
        require(actor, "read")
        session = uow.session
        cert = certificate_by_code(session, code)
        snapshot = json.loads(cert.snapshot_json or "{}")
        competencies = [(c.get("code", ""), c.get("label", "")) for c in snapshot.get("competencies", [])]
        key = session.scalar(select(IssuerKey).where(IssuerKey.kid == cert.issuer_kid))

        def code_of(cert_id: int | None) -> str | None:
            return session.scalar(select(Certificate.code).where(Certificate.id == cert_id)) if cert_id else None

        issuer = session.get(User, cert.issued_by_id) if cert.issued_by_id else None
        concern = (
            next(
                (
                    v
                    for v in certificate_evidence.voided_evidence(session, cert.person_id, today or _today())
                    if v.certificate_id == cert.id
                ),
                None,
            )
            if cert.status == "valid"
            else None
        )
        return CertificateDetail(
            row=_row(cert, cert.person.external_id, today or _today()),
            competencies=competencies,
            revoked_at=cert.revoked_at,
            superseded_by=code_of(cert.superseded_by_id),
            supersedes=code_of(cert.supersedes_id),
            issuer_name=(key.issuer_name if key is not None else "") or snapshot.get("issuer", {}).get("name", ""),
            key_fingerprint=fingerprint(cert.issuer_kid),
            issued_by=(issuer.display_name or issuer.username) if issuer is not None else None,
            voided_evidence=concern.describe() if concern is not None else None,
            override_reason=cert.override_reason,
        )


def list_certificates(
    uow: UnitOfWork,
    actor: Actor,
    *,
    person_id: int | None = None,
    text: str = "",
    status: str | None = None,
    limit: int | None = 20000,
    today: dt.date | None = None,
) -> list[CertificateRow]:
    """Newest first. ``text`` matches code, holder or credential; ``status`` is a display status."""
    day = today or _today()
    with uow:
        require(actor, "read")
        stmt = (
            select(Certificate, Person.external_id)
            .join(Person, Person.id == Certificate.person_id)
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        )
        if person_id is not None:
            stmt = stmt.where(Certificate.person_id == person_id)
        for word in fold(for_search(text)).split():
            pattern = f"%{word}%"
            stmt = stmt.where(
                or_(
                    Certificate.code.ilike(pattern),
                    Person.search_key.like(pattern),
                    Certificate.credential_title.ilike(pattern),
                )
            )
        if status in ("revoked", "superseded"):
            stmt = stmt.where(Certificate.status == status)
        elif status == "expired":
            stmt = stmt.where(Certificate.status == "valid", Certificate.expires_on < day)
        elif status == "valid":
            stmt = stmt.where(
                Certificate.status == "valid", or_(Certificate.expires_on.is_(None), Certificate.expires_on >= day)
            )
        if limit:
            stmt = stmt.limit(limit)
        return [_row(c, ext, day) for c, ext in uow.session.execute(stmt)]

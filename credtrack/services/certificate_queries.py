"""Reading issued certificates for lists and screens (issuing, revoking and verifying live elsewhere)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select

from credtrack.db import UnitOfWork
from credtrack.models import Certificate, Person, fold
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require


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


def _display(cert: Certificate, today: dt.date) -> str:
    if cert.status == "valid" and cert.expires_on is not None and cert.expires_on < today:
        return "expired"
    return cert.status


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
        stmt = (select(Certificate, Person.external_id).join(Person, Person.id == Certificate.person_id)
                .order_by(Certificate.issued_on.desc(), Certificate.id.desc()))
        if person_id is not None:
            stmt = stmt.where(Certificate.person_id == person_id)
        for word in fold(text).split():
            pattern = f"%{word}%"
            stmt = stmt.where(or_(Certificate.code.ilike(pattern), Person.search_key.like(pattern),
                                  Certificate.credential_title.ilike(pattern)))
        if status in ("revoked", "superseded"):
            stmt = stmt.where(Certificate.status == status)
        elif status == "expired":
            stmt = stmt.where(Certificate.status == "valid", Certificate.expires_on < day)
        elif status == "valid":
            stmt = stmt.where(Certificate.status == "valid",
                              or_(Certificate.expires_on.is_(None), Certificate.expires_on >= day))
        if limit:
            stmt = stmt.limit(limit)
        return [
            CertificateRow(c.id, c.code, c.person_id, ext, c.holder_name, c.credential_id, c.credential_title,
                           c.issued_on, c.expires_on, c.status, _display(c, day), c.revoked_reason, c.issuer_kid,
                           c.qr_payload)
            for c, ext in uow.session.execute(stmt)
        ]

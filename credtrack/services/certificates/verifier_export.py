"""The offline verifier page for this institution: its public keys, its trusted issuers and fresh revocations."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.certificates import verifier_page
from credtrack.db import UnitOfWork
from credtrack.models import IssuerKey, Setting, TrustedIssuer, utcnow
from credtrack.services.audit import log as audit
from credtrack.services.certificates import revocations as revocation_service
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import Actor, require


def _institution(session: Session) -> str:
    setting = session.get(Setting, "institution_name")
    return setting.value if setting else ""


def own_issuer(session: Session, revocation_list: str) -> verifier_page.PageIssuer:
    rows = session.scalars(select(IssuerKey).order_by(IssuerKey.created_at))
    page_keys = tuple(
        verifier_page.PageKey(row.kid, json.loads(row.public_jwk), "active" if row.status == "active" else "retired")
        for row in rows
    )
    return verifier_page.PageIssuer(_institution(session), page_keys, revocation_list)


def trusted_issuers(session: Session) -> list[verifier_page.PageIssuer]:
    """Other institutions trusted here, with their keys (distrusted ones left out) and latest revocation list."""
    out = []
    for issuer in session.scalars(select(TrustedIssuer).order_by(TrustedIssuer.name)):
        page_keys = tuple(
            verifier_page.PageKey(k.kid, json.loads(k.public_jwk), "active" if k.status == "trusted" else "retired")
            for k in issuer.keys
            if k.status != "distrusted"
        )
        if page_keys:
            out.append(verifier_page.PageIssuer(issuer.name, page_keys, issuer.revocation_list))
    return out


def export_verifier_page(uow: UnitOfWork, actor: Actor, *, passphrase: str | None = None) -> Result[str]:
    """The page as HTML, with a revocation list signed now. Signing needs the key, so staff only; audited."""
    list_text = revocation_service.export_revocation_list(uow, actor, passphrase=passphrase)
    with uow:
        require(actor, "certificates.revocations_export")
        session = uow.session
        issuers = [own_issuer(session, list_text), *trusted_issuers(session)]
        now = utcnow()
        html = verifier_page.build(issuers, institution=_institution(session), generated_at=now)
        audit.record(
            session,
            actor,
            "verifier.export",
            "verifier_page",
            "",
            after={
                "issuers": [i.name for i in issuers],
                "keys": sum(len(i.keys) for i in issuers),
                "bytes": len(html.encode("utf-8")),
            },
        )
        uow.commit()
        return Result(html, Change.AUDIT)

"""Verification against this database, and signed revocation lists to carry revocations elsewhere."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from credtrack.certificates import keys, revocation_list, verify
from credtrack.certificates.errors import RevocationListError
from credtrack.certificates.verify import (
    IssuerList,
    Revocation,
    Trust,
    TrustedKey,
    VerificationResult,
)
from credtrack.db import UnitOfWork
from credtrack.models import (
    Certificate,
    ExternalRevocation,
    IssuerKey,
    Setting,
    TrustedIssuer,
    TrustedIssuerKey,
    utcnow,
)
from credtrack.services import keys as key_service
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import Actor, require


def trusted_keys(session: Session, extra_jwks: list[dict] | None = None) -> list[TrustedKey]:
    trusted = []
    setting = session.get(Setting, "institution_name")
    institution = setting.value if setting else ""
    for row in session.scalars(select(IssuerKey)):
        jwk = json.loads(row.public_jwk)
        trusted.append(TrustedKey(row.kid, keys.public_key_from_jwk(jwk), row.issuer_name or institution, row.status))
    for key, issuer in session.execute(
        select(TrustedIssuerKey, TrustedIssuer.name).join(TrustedIssuer).where(TrustedIssuerKey.status != "distrusted")
    ):
        # Another institution's key, imported by an administrator; a distrusted key verifies nothing.
        trusted.append(
            TrustedKey(
                key.kid,
                keys.public_key_from_jwk(json.loads(key.public_jwk)),
                issuer,
                "active" if key.status == "trusted" else "retired",
            )
        )
    for document in extra_jwks or []:
        trusted.extend(Trust.from_jwks(document).keys)
    return trusted


def superseded_codes(session: Session) -> dict[str, str]:
    """Each certificate replaced by a renewal, with the renewal's code."""
    newer = aliased(Certificate)
    return {
        old: new
        for old, new in session.execute(
            select(Certificate.code, newer.code)
            .join(newer, newer.id == Certificate.superseded_by_id)
            .where(Certificate.status == "superseded")
        )
    }


def trust_from_session(session: Session, extra_jwks: list[dict] | None = None) -> Trust:
    """Keys, revocations (own and imported), renewals and certificates issued by exception, as this database knows them.

    What a trusted institution's lists name counts only for certificates signed with that institution's keys.
    """
    trusted = trusted_keys(session, extra_jwks)
    kids_of: dict[int, set[str]] = {}
    issuer_of: dict[str, int] = {}
    for issuer_id, kid in session.execute(select(TrustedIssuerKey.issuer_id, TrustedIssuerKey.kid)):
        kids_of.setdefault(issuer_id, set()).add(kid)
        issuer_of[kid] = issuer_id
    lists = {issuer_id: IssuerList(frozenset(kids)) for issuer_id, kids in kids_of.items()}
    revoked: dict[str, Revocation] = {}
    for kid, code, reason, revoked_on, as_of in session.execute(
        select(  # columns, not objects: lists run long
            ExternalRevocation.issuer_kid,
            ExternalRevocation.code,
            ExternalRevocation.reason,
            ExternalRevocation.revoked_on,
            ExternalRevocation.list_as_of,
        )
    ):
        listed_by = issuer_of.get(kid)
        into = lists[listed_by].revocations if listed_by is not None else revoked
        into[code] = Revocation(code, reason, revoked_on, f"revocation list as of {as_of:%Y-%m-%d}")
    for code, why, when in session.execute(
        select(Certificate.code, Certificate.revoked_reason, Certificate.revoked_at).where(
            Certificate.status == "revoked"
        )
    ):
        revoked[code] = Revocation(code, why or "", when.date() if when else None)
    for issuer_id, text in session.execute(
        select(TrustedIssuer.id, TrustedIssuer.revocation_list).where(TrustedIssuer.revocation_list != "")
    ):
        if issuer_id not in lists:
            continue
        try:  # renewals the institution listed; the list was checked on import and is checked again here
            loaded = revocation_list.load(text, [k for k in trusted if k.kid in lists[issuer_id].kids])
        except RevocationListError:
            continue
        lists[issuer_id].superseded.update(dict(loaded.superseded))

    def payload_for_code(code: str) -> str | None:
        return session.scalar(select(Certificate.qr_payload).where(Certificate.code == code))

    exceptions = set(session.scalars(select(Certificate.code).where(Certificate.override_reason.is_not(None))))
    return Trust(
        keys=trusted,
        revocations=revoked,
        superseded=superseded_codes(session),
        issuer_lists=list(lists.values()),
        exceptions=exceptions,
        payload_for_code=payload_for_code,
    )


def verify_input(
    uow: UnitOfWork,
    source: str | bytes | os.PathLike[str],
    *,
    extra_jwks: list[dict] | None = None,
    today: dt.date | None = None,
) -> VerificationResult:
    """Verify anything a verifier holds, with what this database trusts. Open to everyone."""
    with uow:
        return verify.verify(source, trust_from_session(uow.session, extra_jwks), today=today)


@dataclass(frozen=True)
class ImportSummary:
    issuer_name: str
    as_of: dt.datetime
    total: int
    new: int


def export_revocation_list(uow: UnitOfWork, actor: Actor, *, passphrase: str | None = None) -> str:
    """A signed list of every certificate this issuer has revoked, as of now."""
    with uow:
        require(actor, "certificates.revocations_export")
        session = uow.session
        rows = session.execute(
            select(Certificate.code, Certificate.revoked_reason, Certificate.revoked_at).where(
                Certificate.status == "revoked"
            )
        ).all()
        revoked = [Revocation(code, reason or "", when.date() if when else None) for code, reason, when in rows]
        name = session.get(Setting, "institution_name")
        key = key_service.signing_key(session, passphrase, actor=actor, action="certificates.revocations_export")
        return revocation_list.export(
            revoked,
            issuer=key_service.issuer_id(session),
            issuer_name=name.value if name else "",
            as_of=utcnow(),
            key=key,
            superseded=superseded_codes(session),
        )


def signer_is_trusted(uow: UnitOfWork, text: str, extra_jwks: list[dict] | None = None) -> bool:
    """Whether the key that signed this revocation list is one this database (or ``extra_jwks``) knows.
    A list from another workstation's issuer needs that issuer's public keys (its JWKS file) to be checked."""
    with uow:
        kid = revocation_list.signer_kid(text)
        return kid is not None and any(k.kid == kid for k in trusted_keys(uow.session, extra_jwks))


def import_revocation_list(
    uow: UnitOfWork, actor: Actor, text: str, *, extra_jwks: list[dict] | None = None
) -> Result[ImportSummary]:
    """Check a revocation list's signature and record its revocations (newer lists add, never remove)."""
    with uow:
        require(actor, "certificates.revocations_import")
        session = uow.session
        loaded = revocation_list.load(text, trusted_keys(session, extra_jwks))
        summary = record_list(session, actor, loaded, text)
        uow.commit()
        return Result(summary, Change.CERTIFICATES | Change.AUDIT)


def record_list(session: Session, actor: Actor, loaded: revocation_list.RevocationList, text: str) -> ImportSummary:
    """Record a checked list's revocations, and keep it as its trusted issuer's latest list when it is newer."""
    new = 0
    for item in loaded.revoked:
        row = session.scalar(
            select(ExternalRevocation).where(
                ExternalRevocation.issuer_kid == loaded.kid, ExternalRevocation.code == item.code
            )
        )
        if row is None:
            session.add(
                ExternalRevocation(
                    issuer_kid=loaded.kid,
                    code=item.code,
                    reason=item.reason,
                    revoked_on=item.revoked_on,
                    list_as_of=loaded.as_of,
                )
            )
            new += 1
        elif loaded.as_of > row.list_as_of:
            row.list_as_of = loaded.as_of
    issuer = session.scalar(select(TrustedIssuer).join(TrustedIssuerKey).where(TrustedIssuerKey.kid == loaded.kid))
    if issuer is not None and (issuer.revocation_list_as_of is None or loaded.as_of > issuer.revocation_list_as_of):
        issuer.revocation_list, issuer.revocation_list_as_of = text.strip(), loaded.as_of
    session.flush()
    summary = ImportSummary(loaded.issuer_name, loaded.as_of, len(loaded.revoked), new)
    audit.record(
        session,
        actor,
        "revocations.import",
        "revocation_list",
        loaded.kid,
        after={
            "as_of": loaded.as_of,
            "total": summary.total,
            "new": new,
            "issuer": issuer.name if issuer is not None else loaded.issuer_name,
        },
    )
    return summary

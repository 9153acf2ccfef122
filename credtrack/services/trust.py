"""Trusted issuers: other institutions' keys and revocation lists, managed by administrators, every change audited."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.certificates import keys, revocation_list, trust_bundle
from credtrack.certificates.errors import SigningKeyError, TrustBundleError
from credtrack.db import UnitOfWork
from credtrack.errors import DuplicateError, NotFoundError, ValidationError
from credtrack.models import IssuerKey, Setting, TrustedIssuer, TrustedIssuerKey, utcnow
from credtrack.services import keys as key_service
from credtrack.services.audit import log as audit
from credtrack.services.certificates import revocations
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import Actor, require

STATUSES = ("trusted", "retired", "distrusted")


@dataclass(frozen=True)
class IssuerInfo:
    name: str
    keys: tuple[tuple[str, str, str], ...]  # (kid, fingerprint, status)
    revocation_list_as_of: dt.datetime | None


def _info(issuer: TrustedIssuer) -> IssuerInfo:
    return IssuerInfo(
        issuer.name,
        tuple((k.kid, keys.fingerprint(k.kid), k.status) for k in issuer.keys),
        issuer.revocation_list_as_of,
    )


def list_issuers(uow: UnitOfWork) -> list[IssuerInfo]:
    with uow:
        return [_info(i) for i in uow.session.scalars(select(TrustedIssuer).order_by(TrustedIssuer.name))]


def _add_keys(session: Session, name: str, document: dict) -> tuple[TrustedIssuer, list[str]]:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError("Give the institution's name (1 to 200 characters), as it signs its certificates.")
    try:
        found = [(keys.thumbprint(jwk), jwk) for jwk in document.get("keys", []) if keys.public_key_from_jwk(jwk)]
    except (SigningKeyError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError("The key file holds a key that is not a P-256 (ES256) public key.") from exc
    if not found:
        raise ValidationError("The key file holds no public keys. Ask the institution for its JWKS file.")
    own = set(session.scalars(select(IssuerKey.kid)))
    if any(kid in own for kid, _ in found):
        raise ValidationError("These are this institution's own keys; they are trusted already.")
    issuer = session.scalar(select(TrustedIssuer).where(TrustedIssuer.name == name))
    if issuer is None:
        issuer = TrustedIssuer(name=name, revocation_list="")
        session.add(issuer)
        session.flush()
    added = []
    for kid, jwk in found:
        existing = session.scalar(select(TrustedIssuerKey).where(TrustedIssuerKey.kid == kid))
        if existing is not None and existing.issuer_id != issuer.id:
            raise DuplicateError(f"The key {keys.fingerprint(kid)} is already trusted for {existing.issuer.name}.")
        if existing is None:
            public = {m: jwk[m] for m in ("kty", "crv", "x", "y")}
            session.add(
                TrustedIssuerKey(
                    issuer_id=issuer.id, kid=kid, public_jwk=json.dumps(public, sort_keys=True), status="trusted"
                )
            )
            added.append(keys.fingerprint(kid))
    session.flush()
    session.refresh(issuer)
    return issuer, added


def parse_jwks(text: str) -> dict:
    """A key file's text as a JWKS document: a JSON object whose ``keys`` is a list of objects."""
    try:
        document = json.loads(text)
    except ValueError:
        raise ValidationError(
            "This is not a key file (JWKS): it is not JSON. Ask the institution for the file "
            "made by 'Export public key (JWKS)'."
        ) from None
    found = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(found, list) or not all(isinstance(key, dict) for key in found):
        raise ValidationError('This is not a key file (JWKS): it needs an object with a "keys" list.')
    return document


def import_jwks(uow: UnitOfWork, actor: Actor, name: str, document: dict) -> Result[IssuerInfo]:
    """Trust another institution's public keys under ``name``; compare the fingerprints shown with theirs."""
    with uow:
        require(actor, "trust.manage")
        issuer, added = _add_keys(uow.session, name, document)
        audit.record(
            uow.session,
            actor,
            "trust.import_keys",
            "trusted_issuer",
            issuer.id,
            after={"name": issuer.name, "added": added},
        )
        info = _info(issuer)
        uow.commit()
        return Result(info, Change.KEYS | Change.AUDIT)


def import_bundle(uow: UnitOfWork, actor: Actor, text: str, *, name: str | None = None) -> Result[IssuerInfo]:
    """Import an institution's trust bundle: its keys, then its revocation list.

    A bundle for an institution already trusted here must be signed by one of the keys trusted for
    it, so nobody can slip a new key in under a known name.
    """
    with uow:
        require(actor, "trust.manage")
        bundle = trust_bundle.load(text)
        session = uow.session
        if not name:  # the key that signed it names the institution already trusted for it, if any
            holder = session.scalar(
                select(TrustedIssuer).join(TrustedIssuerKey).where(TrustedIssuerKey.kid == bundle.kid)
            )
            name = holder.name if holder is not None else bundle.issuer_name
        name = name.strip()
        known = session.scalar(select(TrustedIssuer).where(TrustedIssuer.name == name))
        if known is not None and not any(k.kid == bundle.kid and k.status == "trusted" for k in known.keys):
            raise TrustBundleError(
                f"This bundle is signed by a key ({keys.fingerprint(bundle.kid)}) that is not trusted for {name}. "
                "Confirm its fingerprint with the institution before trusting it (import its key file)."
            )
        issuer, added = _add_keys(session, name, bundle.jwks)
        audit.record(
            session,
            actor,
            "trust.import_bundle",
            "trusted_issuer",
            issuer.id,
            after={"name": issuer.name, "added": added, "as_of": bundle.as_of},
        )
        if bundle.revocation_list:
            loaded = revocation_list.load(bundle.revocation_list, revocations.trusted_keys(session))
            revocations.record_list(session, actor, loaded, bundle.revocation_list)
        session.refresh(issuer)
        info = _info(issuer)
        uow.commit()
        return Result(info, Change.KEYS | Change.CERTIFICATES | Change.AUDIT)


def set_key_status(uow: UnitOfWork, actor: Actor, key: str, status: str) -> Result[IssuerInfo]:
    """Mark a trusted issuer's key trusted, retired (its certificates still verify) or distrusted (they do not)."""
    if status not in STATUSES:
        raise ValidationError(f"A key is {', '.join(STATUSES)}; not {status!r}.")
    wanted = key.replace(" ", "").upper()
    with uow:
        require(actor, "trust.manage")
        session = uow.session
        row = next(
            (
                k
                for k in session.scalars(select(TrustedIssuerKey))
                if k.kid == key or keys.fingerprint(k.kid).replace(" ", "") == wanted
            ),
            None,
        )
        if row is None:
            raise NotFoundError(f"No trusted issuer has the key {key}. 'credtrack-cli trust list' shows them.")
        before = row.status
        row.status, row.changed_at = status, utcnow()
        session.flush()
        audit.record(
            session,
            actor,
            "trust.key_status",
            "trusted_issuer_key",
            row.kid,
            before={"status": before},
            after={"status": status, "issuer": row.issuer.name},
        )
        info = _info(row.issuer)
        uow.commit()
        return Result(info, Change.KEYS | Change.AUDIT)


def export_bundle(uow: UnitOfWork, actor: Actor, *, passphrase: str | None = None) -> Result[str]:
    """Our trust bundle: every public key and a revocation list signed now, in one signed file."""
    with uow:
        require(actor, "trust.manage")
    listed = revocations.export_revocation_list(uow, actor, passphrase=passphrase)
    with uow:
        session = uow.session
        setting = session.get(Setting, "institution_name")
        # Signing the bundle signs a revocation list's worth of our word: the same key use as exporting one.
        key = key_service.signing_key(session, passphrase, actor=actor, action="certificates.revocations_export")
        text = trust_bundle.export(
            issuer=key_service.issuer_id(session),
            issuer_name=setting.value if setting else "",
            jwks=key_service.jwks_document(session),
            revocation_list=listed,
            as_of=utcnow(),
            key=key,
        )
        audit.record(session, actor, "trust.export_bundle", "trust_bundle", key.kid, after={"kid": key.kid})
        uow.commit()
        return Result(text, Change.AUDIT)

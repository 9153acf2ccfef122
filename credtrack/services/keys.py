"""The issuer's signing key: creation at set-up, rotation, JWKS export, loading for signing."""

from __future__ import annotations

import datetime as dt
import json
import socket
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack import paths
from credtrack.certificates import keys
from credtrack.certificates.errors import SigningKeyError
from credtrack.db import UnitOfWork, intend_to_write
from credtrack.errors import DuplicateError, ValidationError
from credtrack.models import IssuerKey, Setting, utcnow
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import SYSTEM, Actor, require

ISSUER_ID_SETTING = "issuer_id"


@dataclass(frozen=True)
class KeyInfo:
    kid: str
    fingerprint: str
    status: str
    created_at: dt.datetime
    retired_at: dt.datetime | None
    encrypted: bool
    private_key_here: bool


def _info(row: IssuerKey) -> KeyInfo:
    path = keys.private_key_path(row.kid)
    return KeyInfo(
        row.kid,
        keys.fingerprint(row.kid),
        row.status,
        row.created_at,
        row.retired_at,
        keys.is_encrypted(row.kid),
        path.exists(),
    )


def _institution_name(session: Session) -> str:
    setting = session.get(Setting, "institution_name")
    return setting.value if setting else ""


def issuer_id(session: Session) -> str:
    """The short issuer id carried in every QR (set when the first key is made)."""
    setting = session.get(Setting, ISSUER_ID_SETTING)
    return setting.value if setting else ""


def _new_key(session: Session, passphrase: str | None) -> IssuerKey:
    private = keys.generate()
    keys.save_private_key(private, passphrase=passphrase or None)
    jwk = keys.public_jwk(private)
    row = IssuerKey(
        kid=keys.thumbprint(jwk),
        public_jwk=json.dumps(jwk, sort_keys=True),
        issuer_name=_institution_name(session),
        status="active",
    )
    session.add(row)
    if session.get(Setting, ISSUER_ID_SETTING) is None:
        session.add(
            Setting(key=ISSUER_ID_SETTING, value="CT" + row.kid[:8].upper().replace("-", "X").replace("_", "Y"))
        )
    session.flush()
    return row


def create_issuer_key(uow: UnitOfWork, actor: Actor = SYSTEM, *, passphrase: str | None = None) -> Result[KeyInfo]:
    """Create the installation's first signing key. The first-run wizard calls this.

    ``actor`` may be ``SYSTEM`` while no key exists yet (set-up); afterwards an
    administrator is required and a second key is refused (use ``rotate_issuer_key``).
    The private key goes to the data folder's ``keys`` directory (mode 0600),
    encrypted when ``passphrase`` is given; the public key goes into the database.
    Returns the new key's id and fingerprint, to show the user.
    """
    with uow:
        intend_to_write()
        session = uow.session
        existing = session.scalar(select(func.count()).select_from(IssuerKey)) or 0
        if not (existing == 0 and actor is SYSTEM):
            require(actor, "keys.manage")
        if session.scalar(select(IssuerKey).where(IssuerKey.status == "active")) is not None:
            raise DuplicateError("A signing key already exists. To replace it, rotate the key instead.")
        row = _new_key(session, passphrase)
        audit.record(session, actor, "key.create", "issuer_key", row.kid, after={"kid": row.kid})
        info = _info(row)
        uow.commit()
        return Result(info, Change.KEYS | Change.AUDIT)


def rotate_issuer_key(uow: UnitOfWork, actor: Actor, *, passphrase: str | None = None) -> Result[KeyInfo]:
    """Retire the active key and make a new one. Certificates signed by the old key still verify."""
    with uow:
        require(actor, "keys.manage")
        session = uow.session
        old = session.scalar(select(IssuerKey).where(IssuerKey.status == "active"))
        if old is not None:
            old.status = "retired"
            old.retired_at = utcnow()
        row = _new_key(session, passphrase)
        audit.record(
            session,
            actor,
            "key.rotate",
            "issuer_key",
            row.kid,
            before={"kid": old.kid if old else None},
            after={"kid": row.kid},
        )
        info = _info(row)
        uow.commit()
        return Result(info, Change.KEYS | Change.AUDIT)


def list_keys(uow: UnitOfWork) -> list[KeyInfo]:
    with uow:
        return [_info(r) for r in uow.session.scalars(select(IssuerKey).order_by(IssuerKey.created_at))]


def active_key(uow: UnitOfWork) -> KeyInfo | None:
    with uow:
        row = uow.session.scalar(select(IssuerKey).where(IssuerKey.status == "active"))
        return _info(row) if row else None


def jwks_document(session: Session) -> dict:
    """Every public key, active and retired, as a JWKS (public data: no permission needed)."""
    entries = []
    for row in session.scalars(select(IssuerKey).order_by(IssuerKey.created_at)):
        jwk = json.loads(row.public_jwk)
        jwk["name"] = row.issuer_name or _institution_name(session)
        entries.append(jwk)
    return keys.jwks(entries)


def export_jwks(uow: UnitOfWork) -> dict:
    with uow:
        return jwks_document(uow.session)


MIN_EXPORT_PASSPHRASE = 10


def _workstation() -> str:
    return socket.gethostname() or "this workstation"


def export_private_key(
    uow: UnitOfWork, actor: Actor, target: Path, *, passphrase: str, key_passphrase: str | None = None
) -> Result[KeyInfo]:
    """Write the active private key to ``target``, encrypted under ``passphrase``, to install on another
    issuing workstation (``install_private_key``). Administrators only; audited with this workstation's name.

    ``key_passphrase`` opens a key protected here (else $CREDTRACK_KEY_PASSPHRASE). Nothing is written
    when the file exists already, the passphrase is short, or this workstation does not hold the key.
    """
    with uow:
        require(actor, "keys.manage")
        session = uow.session
        row = session.scalar(select(IssuerKey).where(IssuerKey.status == "active"))
        if row is None:
            raise SigningKeyError("No signing key has been set up yet, so there is none to export.")
        if len(passphrase) < MIN_EXPORT_PASSPHRASE:
            raise ValidationError(
                f"The export passphrase needs at least {MIN_EXPORT_PASSPHRASE} characters; it "
                "is all that protects the key in the file. Nothing was written."
            )
        if target.exists():
            raise ValidationError(f"{target} already exists; choose a new file name. Nothing was written.")
        key = keys.load_private_key(row.kid, passphrase=key_passphrase)
        audit.record(
            session,
            actor,
            "key.export_private",
            "issuer_key",
            row.kid,
            after={"kid": row.kid, "file": str(target), "from_workstation": _workstation()},
        )
        paths.write_private_file(target, keys.export_pem(key, passphrase))
        try:
            uow.commit()
        except BaseException:
            target.unlink(missing_ok=True)  # not recorded, so not left behind
            raise
        return Result(_info(row), Change.KEYS | Change.AUDIT)


def install_private_key(
    uow: UnitOfWork, actor: Actor, pem: bytes, *, passphrase: str, store_passphrase: str | None = None
) -> Result[KeyInfo]:
    """Make this workstation an issuing workstation: install an exported private key.

    The key must be the database's active key (its public part is compared with the one recorded);
    a retired key, a key of another database, a wrong passphrase or a file that is not an exported key
    are refused with nothing written. The key is stored encrypted: under ``store_passphrase`` when
    given, else under the export passphrase, which issuing staff then enter when they sign.
    """
    with uow:
        require(actor, "keys.manage")
        session = uow.session
        key = keys.read_exported(pem, passphrase)
        kid = keys.kid_of(key)
        row = session.scalar(select(IssuerKey).where(IssuerKey.kid == kid))
        if row is None:
            raise SigningKeyError(
                f"This key (fingerprint {keys.fingerprint(kid)}) is not one this database knows: it "
                "belongs to another installation. Export the key from a workstation using this "
                "database. Nothing was installed."
            )
        if row.status != "active":
            raise SigningKeyError(
                f"This key (fingerprint {keys.fingerprint(kid)}) was retired on "
                f"{row.retired_at:%Y-%m-%d}; certificates are signed with the current key. Export "
                "the current key and install that. Nothing was installed."
            )
        path = keys.private_key_path(kid)
        if path.exists():
            raise DuplicateError("This workstation already holds the signing key; nothing was changed.")
        audit.record(
            session, actor, "key.install", "issuer_key", kid, after={"kid": kid, "workstation": _workstation()}
        )
        keys.save_private_key(key, passphrase=store_passphrase or passphrase)
        try:
            uow.commit()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Result(_info(row), Change.KEYS | Change.AUDIT)


SIGNING_ACTIONS = ("certificates.issue", "certificates.reprint", "certificates.revocations_export")


def signing_key(
    session: Session, passphrase: str | None = None, *, actor: Actor, action: str = "certificates.issue"
) -> keys.SigningKey:
    """The active private key, ready to sign for ``actor``, whose role must allow ``action``: issuing
    certificates, exporting one as a signed Open Badge, or exporting the signed revocation list.
    Raises SigningKeyError with what to do when the key cannot be loaded."""
    if action not in SIGNING_ACTIONS:
        raise KeyError(f"the signing key is not loaded for {action!r}")
    require(actor, action)
    audit.confirm_account(session, actor)  # nobody signs under rights taken away since they signed in
    row = session.scalar(select(IssuerKey).where(IssuerKey.status == "active"))
    if row is None:
        raise SigningKeyError(
            "No signing key has been set up yet. An administrator can create one (credtrack-cli keys create)."
        )
    return keys.SigningKey(row.kid, keys.load_private_key(row.kid, passphrase=passphrase))

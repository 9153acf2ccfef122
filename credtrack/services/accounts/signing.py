"""E-signatures: the signer re-enters their password inside the action they sign.

A wrong password counts towards the account's lock like a failed sign-in, written by the unit of work
after the abandoned action is rolled back (``db.keep_on_failure``); a locked account cannot sign.
The slow hash is checked first in a short read of its own (``check_password_first``), so the
action's transaction, which may hold the SQLite write lock, only confirms the hash is unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from credtrack.db import UnitOfWork, keep_on_failure
from credtrack.errors import AccountLocked, AuthenticationError
from credtrack.models import User, utcnow
from credtrack.services.accounts.throttle import LOCKOUT, MAX_FAILED_LOGINS
from credtrack.services.accounts.users import hash_matches, password_matches
from credtrack.services.audit import log as audit
from credtrack.services.permissions import Actor


@dataclass(frozen=True)
class PasswordCheck:
    """The outcome of checking a signer's password against the hash stored when it was checked."""

    user_id: int | None
    password_hash: str | None
    matches: bool


def check_password_first(uow: UnitOfWork, actor: Actor, password: str) -> PasswordCheck:
    """Check the signer's password in a short read of its own, before the action's transaction.

    The check costs about a tenth of a second on purpose (argon2id); run inside a transaction that
    holds the SQLite write lock, it makes every other workstation wait that long per signature.
    ``reauthenticate`` given this result only confirms the stored hash is still the one checked.
    """
    with uow:
        user = uow.session.get(User, actor.id) if actor.id is not None else None
        stored = user.password_hash if user is not None else None
    return PasswordCheck(actor.id, stored, stored is not None and hash_matches(stored, password))


def reauthenticate(
    session: Session,
    actor: Actor,
    password: str,
    *,
    now: dt.datetime | None = None,
    checked: PasswordCheck | None = None,
) -> None:
    """Confirm the acting user's password inside a transaction (an e-signature).

    A wrong password counts towards the log-in lock-out like a failed log-in (recorded in a
    transaction of its own, since the caller's action is abandoned), and a locked account
    cannot sign. With ``checked`` (from ``check_password_first``) the slow hash is not computed
    again unless the password was changed in between.
    """
    now = now or utcnow()
    user = session.get(User, actor.id) if actor.id is not None else None
    if user is None:
        raise AuthenticationError("Your account could not be confirmed, so nothing was saved. Sign in again.")
    audit.confirm_account(session, actor)
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(
            "Your account is locked after repeated wrong passwords; nothing was saved. "
            "Ask an administrator to unlock it."
        )
    if checked is not None and checked.user_id == user.id and checked.password_hash == user.password_hash:
        matches = checked.matches
    else:
        matches = password_matches(user, password)
    if not matches:
        locked = _count_signing_failure(session, actor, now)
        if locked:
            raise AccountLocked(
                "Wrong password again: your account is now locked and nothing was saved. "
                "Ask an administrator to unlock it."
            )
        raise AuthenticationError("The password you re-entered to sign is not correct. Nothing was saved.")


def _count_signing_failure(session: Session, actor: Actor, now: dt.datetime) -> bool:
    """Count a failed signature; True when it locks the account.

    The action being signed is abandoned: the count is written by the unit of work after it rolls the
    action back, in a transaction of its own (``db.keep_on_failure``), so nothing the action staged is kept.
    """
    user = session.get(User, actor.id)
    if user is None:
        return False
    worn_off = user.locked_until is not None and user.locked_until <= now  # an earlier lock: count afresh
    locked = (0 if worn_off else user.failed_logins) + 1 >= MAX_FAILED_LOGINS

    def count(session: Session) -> None:
        user = session.get(User, actor.id)
        if user is None:
            return
        if user.locked_until is not None and user.locked_until <= now:
            user.failed_logins, user.locked_until = 0, None
        user.failed_logins += 1
        now_locked = user.failed_logins >= MAX_FAILED_LOGINS
        if now_locked:
            user.locked_until = now + LOCKOUT
        audit.record(
            session,
            actor,
            "user.locked" if now_locked else "user.signature_failed",
            "user",
            user.id,
            after={"failed_logins": user.failed_logins},
        )

    keep_on_failure(session, count)
    return locked

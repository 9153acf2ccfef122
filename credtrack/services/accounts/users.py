"""User accounts: argon2id passwords, log-in with lock-out, roles (re-authentication for e-signatures: ``signing``)."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from types import EllipsisType

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from credtrack.db import UnitOfWork, intend_to_write
from credtrack.errors import (
    AccountLocked,
    AuthenticationError,
    CredtrackError,
    DatabaseReadOnlyError,
    DuplicateError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from credtrack.models import Person, User, utcnow
from credtrack.models.enums import ROLES
from credtrack.services.accounts import throttle as login_throttle
from credtrack.services.accounts.passwords import MIN_PASSWORD_LENGTH as MIN_PASSWORD_LENGTH
from credtrack.services.accounts.passwords import check_password_rules
from credtrack.services.accounts.throttle import LOCKOUT, MAX_FAILED_LOGINS
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import check_version, limited_text, refuse_controls
from credtrack.services.permissions import SYSTEM, Actor, require
from credtrack.text import first_control

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    locked: bool
    failed_logins: int
    person_id: int | None
    last_login_at: dt.datetime | None
    person: str | None = None  # the linked person, as "Name (external id)"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _actor(user: User) -> Actor:
    return Actor(
        id=user.id, username=user.username, role=user.role, display_name=user.display_name, person_id=user.person_id
    )


def _row(user: User, now: dt.datetime | None = None, paused: bool = False) -> UserRow:
    """``paused``: sign-in with the name is paused on some workstation after wrong passwords."""
    now = now or utcnow()
    return UserRow(
        user.id,
        user.username,
        user.display_name,
        user.role,
        user.active,
        paused or bool(user.locked_until and user.locked_until > now),
        user.failed_logins,
        user.person_id,
        user.last_login_at,
        f"{user.person.full_name} ({user.person.external_id})" if user.person is not None else None,
    )


def _snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
        "person_id": user.person_id,
    }


def _get_by_username(session: Session, username: str) -> User | None:
    if first_control(username):
        return None  # no stored name holds one (and PostgreSQL cannot even be asked about a NUL)
    return session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def count_users(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(User)) or 0


class FirstAccountExists(PermissionDenied):
    """Set-up asked to make an administrator on a database that already has accounts."""

    def __init__(self) -> None:
        CredtrackError.__init__(
            self,
            "This database already has user accounts, so set-up cannot create an administrator without "
            "a log-in. An administrator signs in and adds the account: credtrack-cli --user ADMIN users "
            "add NAME --role admin (or Users in the desktop app). Nothing was created.",
        )
        self.action, self.role = "create the first administrator", "set-up"


def _lock_accounts(session: Session) -> None:
    """Serialise account creation so two workstations cannot both make "the first" administrator.

    SQLite already queues writers (the unit of work began with BEGIN IMMEDIATE); on PostgreSQL the
    count and the insert would otherwise run side by side under READ COMMITTED.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE user_account IN SHARE ROW EXCLUSIVE MODE"))


def create_user(
    uow: UnitOfWork,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    person_id: int | None = None,
) -> Result[UserRow]:
    """Create an account.

    Set-up (``SYSTEM``, no one signed in) may create only the very first account, an administrator,
    and only while no account exists at all: on a shared database every workstation knows the
    address, so after that accounts are made by a signed-in administrator.
    """
    with uow:
        intend_to_write()
        session = uow.session
        _lock_accounts(session)
        first = (session.scalar(select(func.count()).select_from(User)) or 0) == 0
        if actor is SYSTEM:
            if not first:
                raise FirstAccountExists()
            if role != "admin":
                raise ValidationError("The first account must be an administrator.", field="role")
        else:
            require(actor, "users.manage")
        username = username.strip()
        refuse_controls(username, "A user name", "username")
        if not username or len(username) > 64 or any(ch.isspace() for ch in username):
            raise ValidationError("A user name needs 1–64 characters and no spaces.", field="username")
        if role not in ROLES:
            raise ValidationError(f"Role must be one of: {', '.join(ROLES)}.", field="role")
        check_password_rules(password, names=(username, display_name))
        if _get_by_username(session, username) is not None:
            raise DuplicateError(f"The user name {username!r} is already taken.")
        _check_person_link(session, person_id, None)
        user = User(
            username=username,
            display_name=limited_text(display_name, "A display name", "display_name", 200),
            password_hash=hash_password(password),
            role=role,
            person_id=person_id,
        )
        session.add(user)
        try:
            session.flush()
        except IntegrityError as exc:
            raise DuplicateError(f"The user name {username!r} is already taken.") from exc
        audit.record(session, actor, "user.create", "user", user.id, after=_snapshot(user))
        row = _row(user)
        uow.commit()
        return Result(row, Change.USERS | Change.AUDIT)


def log_in(
    uow: UnitOfWork, username: str, password: str, *, now: dt.datetime | None = None, source: str | None = None
) -> Actor:
    """Check a password. Five wrong ones in a row for a name from one workstation pause that name there
    for a while (an administrator can lift it); an unknown name and a wrong password get the same answer,
    after the same work, so nobody learns which names exist. On a database this user cannot write
    (a read-only file) the password is checked and nothing recorded, so people can still look."""
    try:
        return _log_in(uow, username, password, now=now, source=source)
    except DatabaseReadOnlyError:
        return _log_in_to_read(uow, username, password)


def _log_in_to_read(uow: UnitOfWork, username: str, password: str) -> Actor:
    with uow:
        user = _get_by_username(uow.session, username)
        right = _password_matches(user, password) if user is not None else _spend_a_check(password)
        if user is None or not right:
            raise AuthenticationError("Wrong user name or password.")
        if not user.active:
            raise AuthenticationError("This account is switched off. Ask an administrator.")
        return _actor(user)


def _log_in(uow: UnitOfWork, username: str, password: str, *, now: dt.datetime | None, source: str | None) -> Actor:
    now = now or utcnow()
    source = source or login_throttle.this_workstation()
    with uow:
        intend_to_write()  # a log-in records its outcome
        session = uow.session
        user = _get_by_username(session, username)
        known = user is not None  # an unknown name may be a password in the wrong field: counted unreadably
        paused = login_throttle.paused_until(session, source, username, now, known=known)
        if paused is not None:
            raise AccountLocked(_paused_message(paused, now))
        right = _password_matches(user, password) if user is not None else _spend_a_check(password)
        if user is None or not right:
            failures, now_paused = login_throttle.count_failure(session, source, username, now, known=known)
            if user is not None:
                after = {"failed_logins": failures, "source": source}
                if now_paused:
                    after["paused_until"] = now + LOCKOUT
                audit.record(
                    session,
                    _actor(user),
                    "user.locked" if now_paused else "user.login_failed",
                    "user",
                    user.id,
                    after=after,
                )
            else:
                audit.record(
                    session,
                    SYSTEM,
                    "login.unknown_name",
                    "login",
                    "",
                    after={"source": source},
                    note="A sign-in with a user name that has no account",
                )
            uow.commit()
            if now_paused:
                raise AccountLocked(
                    f"Wrong user name or password. Sign-in with this name is now paused on this workstation "
                    f"for {int(LOCKOUT.total_seconds() // 60)} minutes; an administrator can lift it sooner."
                )
            left = MAX_FAILED_LOGINS - failures
            raise AuthenticationError(
                f"Wrong user name or password. {left} attempt(s) left on this workstation "
                "before sign-in with this name pauses."
            )
        # Only someone who knows the password learns more about the account from here on.
        if not user.active:
            raise AuthenticationError("This account is switched off. Ask an administrator.")
        if user.locked_until and user.locked_until > now:
            raise AccountLocked(_paused_message(user.locked_until, now, signing=True))
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        login_throttle.clear(session, source, username)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        actor = _actor(user)
        audit.record(session, actor, "user.login", "user", user.id)
        uow.commit()
        return actor


def _paused_message(until: dt.datetime, now: dt.datetime, *, signing: bool = False) -> str:
    minutes = max(1, int((until - now).total_seconds() // 60) + 1)
    why = (
        "This account is locked after repeated wrong passwords when signing"
        if signing
        else f"Sign-in with this name is paused on this workstation after {MAX_FAILED_LOGINS} wrong passwords"
    )
    return f"{why}. Try again in about {minutes} minutes, or ask an administrator to unlock it."


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("credtrack: no such account")


def _spend_a_check(password: str) -> bool:
    """Verify against a hash no password matches, so an unknown name costs what a real check costs."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_dummy_hash(), password)
    return False


def password_matches(user: User, password: str) -> bool:
    """Whether ``password`` is the account's, counting nothing (callers decide what a failure means)."""
    return _password_matches(user, password)


def _password_matches(user: User, password: str) -> bool:
    return hash_matches(user.password_hash, password)


def hash_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(uow: UnitOfWork, actor: Actor, old_password: str, new_password: str) -> Result[None]:
    with uow:
        user = uow.session.get(User, actor.id)
        if user is None:
            raise NotFoundError("Your account no longer exists.")
        if not _password_matches(user, old_password):
            raise AuthenticationError("The current password is not correct; the password was not changed.")
        check_password_rules(new_password, names=(user.username, user.display_name))
        if new_password == old_password:
            raise ValidationError("Choose a new password different from the current one.", field="password")
        user.password_hash = hash_password(new_password)
        audit.record(uow.session, actor, "user.password_change", "user", user.id)
        uow.commit()
        return Result(None, Change.USERS | Change.AUDIT)


def reset_password(uow: UnitOfWork, actor: Actor, user_id: int, new_password: str) -> Result[None]:
    with uow:
        require(actor, "users.manage")
        user = _require_user(uow.session, user_id)
        check_password_rules(new_password, names=(user.username, user.display_name))
        user.password_hash = hash_password(new_password)
        user.failed_logins = 0
        user.locked_until = None
        login_throttle.clear_everywhere(uow.session, user.username)
        audit.record(uow.session, actor, "user.password_reset", "user", user.id)
        uow.commit()
        return Result(None, Change.USERS | Change.AUDIT)


def unlock(uow: UnitOfWork, actor: Actor, user_id: int) -> Result[UserRow]:
    """Lift a lock after wrong signing passwords and every workstation's pause on the name."""
    with uow:
        require(actor, "users.manage")
        user = _require_user(uow.session, user_id)
        before = {"failed_logins": user.failed_logins, "locked_until": user.locked_until}
        user.failed_logins = 0
        user.locked_until = None
        paused = login_throttle.clear_everywhere(uow.session, user.username)
        audit.record(
            uow.session, actor, "user.unlock", "user", user.id, before=before, after={"workstations_unpaused": paused}
        )
        row = _row(user)
        uow.commit()
        return Result(row, Change.USERS | Change.AUDIT)


def update_user(
    uow: UnitOfWork,
    actor: Actor,
    user_id: int,
    *,
    role: str | None = None,
    active: bool | None = None,
    display_name: str | None = None,
    person_id: int | None | EllipsisType = ...,  # ... leaves the link as it is
    expected_version: int | None = None,
) -> Result[UserRow]:
    with uow:
        require(actor, "users.manage")
        session = uow.session
        user = _require_user(session, user_id)
        check_version(user, expected_version, "This account")
        before = _snapshot(user)
        if role is not None:
            if role not in ROLES:
                raise ValidationError(f"Role must be one of: {', '.join(ROLES)}.", field="role")
            user.role = role
        if active is not None:
            user.active = active
        if display_name is not None:
            user.display_name = limited_text(display_name, "A display name", "display_name", 200)
        if person_id is not ...:
            _check_person_link(session, person_id, user.id)
            user.person_id = person_id
        if user.id == actor.id and (user.role != "admin" or not user.active):
            raise ValidationError("You cannot remove your own administrator rights or switch off your own account.")
        _ensure_an_admin_remains(session)
        audit.record(session, actor, "user.update", "user", user.id, before=before, after=_snapshot(user))
        row = _row(user)
        uow.commit()
        return Result(row, Change.USERS | Change.AUDIT)


def _check_person_link(session: Session, person_id: int | None, user_id: int | None) -> None:
    """A linked person exists and is nobody else's: their sign-ins, ratings and precepting record are theirs."""
    if person_id is None:
        return
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("The person linked to this account does not exist.")
    other = session.scalar(select(User.username).where(User.person_id == person_id, User.id != (user_id or 0)))
    if other is not None:
        raise DuplicateError(f"{person.full_name} is linked to the account {other!r} already: unlink it there first.")


def _ensure_an_admin_remains(session: Session) -> None:
    session.flush()
    admins = session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True)))
    if not admins:
        raise ValidationError("At least one active administrator account must remain.")


def list_users(uow: UnitOfWork, actor: Actor) -> list[UserRow]:
    with uow:
        require(actor, "users.manage")
        now = utcnow()
        paused = login_throttle.paused_names(uow.session, now)
        return [
            _row(u, now, login_throttle.name_digest(u.username) in paused)
            for u in uow.session.scalars(select(User).options(selectinload(User.person)).order_by(User.username))
        ]


def unlock_by_name(uow: UnitOfWork, actor: Actor, username: str) -> Result[UserRow]:
    """``unlock`` for the account called ``username`` (any case)."""
    with uow:
        user = _get_by_username(uow.session, username)
        if user is None:
            raise NotFoundError(f"No account {username.strip()!r}.")
        user_id = user.id
    return unlock(uow, actor, user_id)


def _require_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"No user account with id {user_id}.")
    return user

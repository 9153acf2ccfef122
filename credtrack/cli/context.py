"""What every command needs: the open database and the acting user."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys

from sqlalchemy import func, select

from credtrack import config, paths
from credtrack.db import Database
from credtrack.errors import AuthenticationError
from credtrack.models import User, utcnow
from credtrack.services import batch_staging
from credtrack.services.accounts import throttle as login_throttle
from credtrack.services.accounts import users as accounts
from credtrack.services.database import open_database
from credtrack.services.permissions import ADMIN, Actor

# Calls within this long of the user's last sign-in belong to that session: one log-in event, not one per call.
SESSION = dt.timedelta(minutes=15)


def database(args) -> Database:
    """Open the database; a batch issue that was stopped before it finished is settled first, and said so."""

    db = open_database(config.database_url(getattr(args, "database_url", None)))
    for message in batch_staging.recover(db):
        print(message, file=sys.stderr)
    return db


def actor(args, db: Database) -> Actor:
    """Sign in as ``--user`` / $CREDTRACK_USER with $CREDTRACK_PASSWORD or a prompt."""

    username = getattr(args, "user", None) or os.environ.get("CREDTRACK_USER")
    if not username:
        raise AuthenticationError("Say who is acting: --user NAME or CREDTRACK_USER (and CREDTRACK_PASSWORD).")
    password = os.environ.get("CREDTRACK_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise AuthenticationError("No password: set CREDTRACK_PASSWORD or run from a terminal.")
        password = getpass.getpass(f"Password for {username}: ")
    signed_in = _within_session(db, username, password)
    if signed_in is not None:
        return signed_in
    return accounts.log_in(db.unit_of_work(), username, password)


def _within_session(db: Database, username: str, password: str) -> Actor | None:
    """The user, when they signed in less than SESSION ago and the password is right: then this call is
    part of that session and writes no new log-in event. None when a full log-in is due (it is logged).

    The password is checked on every call all the same; a wrong one goes to a full log-in, which counts it
    for this workstation only (so nobody can lock the account from elsewhere).
    """

    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
        now = utcnow()
        if (
            user is None
            or not user.active
            or user.failed_logins
            or user.last_login_at is None
            or (user.locked_until is not None and user.locked_until > now)
            or not now - SESSION <= user.last_login_at <= now
            or login_throttle.failures_here(uow.session, login_throttle.this_workstation(), username)
        ):
            return None
        if not accounts.password_matches(user, password):
            return None  # a full log-in follows: it counts the failure for this workstation and says so
        return Actor(
            id=user.id, username=user.username, role=user.role, display_name=user.display_name, person_id=user.person_id
        )


def data_folder_owner() -> Actor:
    """The operating-system account that owns the data folder, acting without a credtrack sign-in.

    Only for lifting sign-in pauses: whoever owns the folder can already read and replace the database,
    so this gives them nothing new, and it keeps a way in when every administrator is locked out.
    """

    folder = paths.data_dir()
    getuid = getattr(os, "getuid", None)
    if getuid is None or folder.stat().st_uid != getuid():
        raise AuthenticationError(
            f"Sign in as an administrator (--user NAME), or run this as the operating-system "
            f"user who owns the data folder {folder}."
        )
    who = getpass.getuser()
    return Actor(id=None, username=f"os:{who}", role=ADMIN, display_name=f"owner of the data folder ({who})")

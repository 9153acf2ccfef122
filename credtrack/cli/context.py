"""What every command needs: the open database and the acting user."""

from __future__ import annotations

import getpass
import os
import sys

from credtrack.db import Database, open_database
from credtrack.errors import AuthenticationError
from credtrack.services.permissions import Actor


def database(args) -> Database:
    from credtrack import config

    return open_database(config.database_url(getattr(args, "database_url", None)))


def actor(args, db: Database) -> Actor:
    """Sign in as ``--user`` / $CREDTRACK_USER with $CREDTRACK_PASSWORD or a prompt."""
    from credtrack.services import accounts

    username = getattr(args, "user", None) or os.environ.get("CREDTRACK_USER")
    if not username:
        raise AuthenticationError("Say who is acting: --user NAME or CREDTRACK_USER (and CREDTRACK_PASSWORD).")
    password = os.environ.get("CREDTRACK_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise AuthenticationError("No password: set CREDTRACK_PASSWORD or run from a terminal.")
        password = getpass.getpass(f"Password for {username}: ")
    return accounts.log_in(db.unit_of_work(), username, password)

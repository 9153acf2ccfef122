"""Errors a person can cause, each with a message they can act on."""

from __future__ import annotations


class CredtrackError(Exception):
    """Base for every error the UI and CLI show as a plain message."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(CredtrackError):
    """Input that cannot be accepted as it is (a future date, a missing field...)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(CredtrackError):
    """A record named by the user does not exist."""


class DuplicateError(CredtrackError):
    """A record with the same unique identifier already exists."""


class PermissionDenied(CredtrackError):
    """The acting user's role does not allow the action."""

    exit_code = 3

    def __init__(self, action: str, role: str) -> None:
        super().__init__(f"Your role ({role}) does not allow: {action}.")
        self.action = action
        self.role = role


class AuthenticationError(CredtrackError):
    """Wrong user name or password, or a locked or inactive account."""

    exit_code = 4


class AccountChanged(AuthenticationError):
    """The signed-in account was switched off, or its role changed, since its user signed in."""


class AccountLocked(AuthenticationError):
    """Too many failed log-ins; an administrator can clear the lock."""


class ConcurrentEditError(CredtrackError):
    """Someone else saved the same record first."""

    def __init__(self, what: str = "This record") -> None:
        super().__init__(
            f"{what} was changed by someone else while you were editing it. "
            "Reload it to see their change, then make yours again."
        )


class DatabaseDamagedError(CredtrackError):
    """The SQLite file fails its integrity check: work that would write into it is refused."""

    def __init__(self, finding: str, *, refused: str = "") -> None:
        self.finding = finding
        super().__init__(
            f"The database file is damaged (SQLite reports: {finding}). {refused}"
            "Stop using it and restore the latest good backup (Settings › Restore from backup, or "
            "credtrack-cli db restore); credtrack-cli db check tells when the file is sound again."
        )


class DatabaseReadOnlyError(CredtrackError):
    """The SQLite file (or its folder) cannot be written by this user: reading works, saving does not."""

    def __init__(self) -> None:
        super().__init__(
            "The database file is read-only for you, so nothing can be saved (nothing was). You can "
            "still sign in and look. To make changes, ask whoever looks after this computer to let your "
            "account write to the database file and its folder."
        )


class DatabaseBusyError(CredtrackError):
    """The database stayed locked by another program for longer than the busy timeout."""

    def __init__(self) -> None:
        super().__init__(
            "The database is busy (another workstation or program is writing to it). "
            "Nothing was saved; wait a moment and try again."
        )


class DatabaseFullError(CredtrackError):
    """The disk (or the server's disk) holding the database ran out of space during a change."""

    def __init__(self) -> None:
        super().__init__(
            "The disk holding the database is full, so that change could not be saved (nothing of it was; "
            "what was saved before is safe). Free some space on that disk, or ask whoever looks after the "
            "database server, then try again."
        )


class NoSpaceError(CredtrackError):
    """A file (a backup, an export) could not be written for want of free space; nothing partial is left."""

    def __init__(self, what: str, folder: object) -> None:
        super().__init__(
            f"The disk holding {folder} is full, so {what} was not written (nothing half-written "
            "was left behind). Free some space there, or choose another folder, then try again."
        )


class DatabaseTooNewError(CredtrackError):
    """The database was written by a newer credtrack than this one."""

    exit_code = 5


class DatabaseOpenError(CredtrackError):
    """The database could not be opened or upgraded."""

    exit_code = 5


def describe_os_error(exc: OSError) -> str:
    """A folder that cannot be made, a file that cannot be written: the system's own words with the path,
    and what to do about it."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}. Choose another place, or check its permissions and free space."

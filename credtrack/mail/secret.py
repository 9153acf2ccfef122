"""Where the mail server's password is kept: the operating system's keyring, or an encrypted file.

Never in the database (so never in a backup of it, a shared PostgreSQL server or an export), never in the
settings file, the audit log or the app's log. The password belongs to this workstation's user: another
workstation sharing the database asks for it again.

Where the system has a keyring (Windows Credential Manager, macOS Keychain, the Secret Service on Linux
desktops), the password goes there. Where it has none (a server, a container, CI), it is encrypted with Fernet
(AES-128-CBC with an HMAC-SHA256) under a random key kept in the data folder, owner-only, beside the encrypted
file. That protects against the password being read from a copy of the database, a backup, a log, the
settings file or a screenshot, and against someone who finds only the encrypted file. It does NOT protect
against anyone who can read this user's data folder (they have the key too) or who runs code as this user:
on a computer without a keyring, keep the data folder private.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
from cryptography.fernet import Fernet, InvalidToken

from credtrack import paths
from credtrack.errors import CredtrackError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "credtrack-mail"


class SecretError(CredtrackError):
    """The stored password cannot be read back (a damaged file, another folder's key, a locked keyring)."""


def account(host: str, username: str) -> str:
    """The name a password is filed under: the user on that server."""
    return f"{username}@{host}"


def keyring_available() -> bool:
    """Whether the system has a real keyring (not keyring's fail or null stand-in)."""
    backend = keyring.get_keyring()
    if isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring):
        return False
    # A chain of backends with nothing in it is no keyring either.
    return bool(getattr(backend, "backends", True))


def where() -> str:
    """Where a password saved now goes, in words for the Settings page."""
    if keyring_available():
        return f"the system keyring ({type(keyring.get_keyring()).__name__})"
    return "an encrypted file in the data folder (this system has no keyring)"


def save_password(host: str, username: str, password: str) -> None:
    """Keep ``password`` for ``username`` on ``host``; an empty password forgets it."""
    if not password:
        forget_password(host, username)
        return
    name = account(host, username)
    if keyring_available():
        try:
            keyring.set_password(KEYRING_SERVICE, name, password)
        except keyring.errors.KeyringError as exc:
            raise SecretError(
                f"The system keyring refused to store the mail password ({type(exc).__name__}). Unlock the "
                "keyring and try again."
            ) from exc
        _drop_from_file(name)  # one place only: an old copy in the file would be found after a keyring wipe
        return
    stored = _read_file()
    stored[name] = _fernet().encrypt(password.encode("utf-8")).decode("ascii")
    _write_file(stored)


def load_password(host: str, username: str) -> str:
    """The password kept for ``username`` on ``host``, or "" if none was saved."""
    if not username:
        return ""
    name = account(host, username)
    if keyring_available():
        try:
            found = keyring.get_password(KEYRING_SERVICE, name)
        except keyring.errors.KeyringError as exc:
            raise SecretError(
                f"The system keyring would not give back the mail password ({type(exc).__name__}). Unlock the "
                "keyring, or enter the password again in Settings › Mail."
            ) from exc
        if found is not None:
            return found
    token = _read_file().get(name)
    if token is None:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise SecretError(
            "The saved mail password cannot be decrypted with this data folder's key (the key file was replaced "
            "or the file comes from another computer). Enter the password again in Settings › Mail."
        ) from exc


def has_password(host: str, username: str) -> bool:
    try:
        return bool(load_password(host, username))
    except SecretError:
        return False


def forget_password(host: str, username: str) -> None:
    name = account(host, username)
    if keyring_available():
        with contextlib.suppress(keyring.errors.PasswordDeleteError):  # nothing was kept there
            keyring.delete_password(KEYRING_SERVICE, name)
    _drop_from_file(name)


def _drop_from_file(name: str) -> None:
    stored = _read_file()
    if stored.pop(name, None) is not None:
        _write_file(stored)


def _store_file() -> Path:
    return paths.data_dir() / "mail-passwords.json"


def _key_file() -> Path:
    return paths.data_dir() / "mail-passwords.key"


def _fernet() -> Fernet:
    path = _key_file()
    if not path.exists():
        paths.write_private_file(path, Fernet.generate_key())
    return Fernet(path.read_bytes().strip())


def _read_file() -> dict[str, str]:
    try:
        raw = json.loads(_store_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise SecretError(
            f"The file of saved mail passwords ({_store_file()}) is damaged. Delete it and enter the password "
            "again in Settings › Mail."
        ) from exc
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _write_file(stored: dict[str, str]) -> None:
    paths.write_private_file(_store_file(), json.dumps(stored, indent=2).encode("utf-8"))

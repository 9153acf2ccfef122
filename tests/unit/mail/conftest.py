"""The loopback SMTP servers, and a keyring chosen per test (none by default, as on CI)."""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.backends.fail
import pytest

from tests.mailserver import (  # noqa: F401  (fixtures)
    flaky_smtp_server,
    smtp_auth_server,
    smtp_certificate,
    smtp_server,
    smtp_starttls_server,
    smtp_tls_server,
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend kept in memory: what a desktop's keyring does, without a desktop."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def no_keyring():
    """No system keyring, as on CI: the password goes to the encrypted file unless a test installs one."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(no_keyring):
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend

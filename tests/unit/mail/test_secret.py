"""The mail password: in the system keyring when there is one, else encrypted in the data folder."""

from __future__ import annotations

import stat

import pytest

from credtrack import paths
from credtrack.mail import secret

PASSWORD = "Kw9!mail-Secret-Ünïcode"


def test_without_a_keyring_the_password_is_encrypted_in_the_data_folder() -> None:
    assert not secret.keyring_available()
    secret.save_password("smtp.riverbend.example", "edu", PASSWORD)
    assert secret.load_password("smtp.riverbend.example", "edu") == PASSWORD
    assert secret.load_password("smtp.riverbend.example", "someone-else") == ""
    stored = (paths.data_dir() / "mail-passwords.json").read_bytes()
    key = paths.data_dir() / "mail-passwords.key"
    assert PASSWORD.encode() not in stored and PASSWORD.encode("utf-8") not in stored
    assert b"edu@smtp.riverbend.example" in stored  # the account is named; the password is not readable
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "encrypted file" in secret.where()


def test_a_replaced_key_is_reported_not_taken_for_an_empty_password() -> None:
    secret.save_password("smtp.riverbend.example", "edu", PASSWORD)
    (paths.data_dir() / "mail-passwords.key").unlink()  # the file was copied to another computer, say
    with pytest.raises(secret.SecretError, match="cannot be decrypted.*Enter the password again"):
        secret.load_password("smtp.riverbend.example", "edu")
    assert not secret.has_password("smtp.riverbend.example", "edu")


def test_an_empty_password_forgets_the_saved_one() -> None:
    secret.save_password("smtp.riverbend.example", "edu", PASSWORD)
    secret.save_password("smtp.riverbend.example", "edu", "")
    assert secret.load_password("smtp.riverbend.example", "edu") == ""


def test_with_a_keyring_the_password_goes_there_and_not_to_the_file(memory_keyring) -> None:
    assert secret.keyring_available()
    secret.save_password("smtp.riverbend.example", "edu", PASSWORD)
    assert memory_keyring.items == {(secret.KEYRING_SERVICE, "edu@smtp.riverbend.example"): PASSWORD}
    assert not (paths.data_dir() / "mail-passwords.json").exists()
    assert secret.load_password("smtp.riverbend.example", "edu") == PASSWORD
    secret.forget_password("smtp.riverbend.example", "edu")
    assert memory_keyring.items == {}


def test_a_copy_left_in_the_file_is_dropped_once_a_keyring_takes_the_password(memory_keyring, monkeypatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(secret, "keyring_available", lambda: False)
        secret.save_password("smtp.riverbend.example", "edu", "old password")
    secret.save_password("smtp.riverbend.example", "edu", PASSWORD)
    assert b"edu@" not in (paths.data_dir() / "mail-passwords.json").read_bytes()
    assert secret.load_password("smtp.riverbend.example", "edu") == PASSWORD

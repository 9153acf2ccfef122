"""credtrack-cli for accounts: demo data only in a demo database, a way back in for a locked-out admin,
owner-only database files, and a signing key whose protection is chosen knowingly."""

from __future__ import annotations

import os
import stat

import pytest

from credtrack.demo import DEMO_PASSWORD
from credtrack.services.accounts import users as accounts
from credtrack.services.database import open_database
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("isolated_home")


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CREDTRACK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_demo_data_is_refused_in_a_database_made_for_real_use(cli) -> None:  # noqa: F811
    assert cli("init", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    code, out, err = cli("demo", "--people", "10")
    assert code != 0 and "not created for a demo" in err and "init --demo" in err
    assert DEMO_PASSWORD not in out + err
    code, _out, err = cli("users", "list", user="educator", password=DEMO_PASSWORD)
    assert code != 0  # no demo account was added


def test_a_demo_database_is_declared_at_init_and_takes_the_demo(cli) -> None:  # noqa: F811
    code, out, _ = cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)
    assert code == 0 and "for a demo" in out
    code, out, _ = cli("demo", "--people", "10")
    assert code == 0 and DEMO_PASSWORD in out


def test_the_data_folder_owner_can_unlock_the_only_admin_without_signing_in(cli, monkeypatch) -> None:  # noqa: F811
    assert cli("init", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    for _ in range(5):
        assert cli("users", "list", user="admin", password="a wrong guess")[0] != 0
    code, _out, err = cli("users", "list", user="admin", password=ADMIN_PASSWORD)
    assert code != 0 and "paused" in err
    monkeypatch.delenv("CREDTRACK_USER")
    monkeypatch.delenv("CREDTRACK_PASSWORD")
    code, out, err = cli("users", "unlock", "ADMIN")
    assert code == 0, err
    assert "unlocked" in out
    code, out, _ = cli("users", "list", user="admin", password=ADMIN_PASSWORD)
    assert code == 0 and "admin\tadmin\tactive" in out


def test_someone_who_does_not_own_the_data_folder_must_sign_in_to_unlock(cli, monkeypatch) -> None:  # noqa: F811
    assert cli("init", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    monkeypatch.delenv("CREDTRACK_USER", raising=False)
    monkeypatch.setattr(os, "getuid", lambda: os.stat("/").st_uid + 4242)
    code, _out, err = cli("users", "unlock", "admin")
    assert code != 0 and "owns the data folder" in err


def test_the_database_its_folder_and_backups_are_owner_only(isolated_home, monkeypatch) -> None:
    from credtrack import paths
    from credtrack.services import backups

    old_umask = os.umask(0o022)
    try:
        db = open_database(f"sqlite:///{paths.default_database_path()}")
        accounts.count_users(db.unit_of_work())
        copy = backups.back_up_file(db.sqlite_path, reason="manual").path
        db.dispose()
    finally:
        os.umask(old_umask)

    def mode(path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(isolated_home) == 0o700
    assert mode(paths.default_database_path()) == 0o600
    assert mode(paths.backups_dir()) == 0o700 and mode(copy) == 0o600
    assert mode(paths.keys_dir()) == 0o700


def test_an_existing_world_readable_database_is_made_owner_only_when_opened(isolated_home) -> None:
    import sqlite3

    from credtrack import paths

    path = paths.default_database_path()
    sqlite3.connect(path).close()
    path.chmod(0o644)
    open_database(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_creating_the_signing_key_without_a_terminal_needs_a_choice(cli) -> None:  # noqa: F811
    assert cli("init")[0] == 0
    code, _out, err = cli("keys", "create")
    assert code != 0 and "--no-passphrase" in err and "anyone who can read the data folder" in err
    code, out, _ = cli("keys", "create", "--no-passphrase")
    assert code == 0 and "unencrypted" in out

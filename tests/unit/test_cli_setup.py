"""credtrack-cli set-up commands on a database that is already in use."""

from __future__ import annotations

from sqlalchemy import select

from credtrack.models import User
from tests.unit.records.builders import build_world, snapshot
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401 - the fixture


def test_init_admin_on_a_database_with_accounts_creates_nothing_and_names_the_signed_in_way(cli, db) -> None:  # noqa: F811
    build_world(db)
    before = snapshot(db)
    code, out, err = cli("init", "--admin", "mallory", password=ADMIN_PASSWORD)
    assert code == 3 and out == ""
    assert "already has user accounts" in err and "users add NAME --role admin" in err
    assert snapshot(db) == before
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(User).where(User.username == "mallory")) is None


def test_init_admin_on_an_empty_database_still_makes_the_first_administrator(cli) -> None:  # noqa: F811
    code, out, _ = cli("init", "--admin", "admin", password=ADMIN_PASSWORD)
    assert code == 0 and "Administrator account 'admin' created." in out
    code, out, err = cli("init", "--admin", "admin2", password=ADMIN_PASSWORD)
    assert code == 3 and "already has user accounts" in err


def test_keys_create_needs_a_sign_in_once_accounts_exist(cli, db) -> None:  # noqa: F811
    build_world(db)
    code, _out, err = cli("keys", "create")
    assert code == 4 and "Say who is acting" in err

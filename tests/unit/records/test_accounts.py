"""Accounts: argon2id hashes, lock-out and unlock, password rules, and keeping an administrator."""

from __future__ import annotations

import datetime as dt
import hashlib
import stat

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from credtrack import paths
from credtrack.errors import AccountLocked, AuthenticationError, DuplicateError, ValidationError
from credtrack.models import AuditEvent, LoginThrottle, User, utcnow
from credtrack.services.accounts import throttle as login_throttle
from credtrack.services.accounts import users as accounts
from credtrack.services.permissions import SYSTEM
from tests.unit.records.builders import PASSWORD, build_world, cheap_hashing, snapshot


def _hash_of(db, username: str) -> str:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(User.password_hash).where(User.username == username))


def test_passwords_are_stored_as_argon2id_and_the_first_account_is_an_admin(db) -> None:
    with pytest.raises(ValidationError, match="first account must be an administrator"):
        accounts.create_user(db.unit_of_work(), SYSTEM, username="edu", password=PASSWORD, role="educator")
    row = accounts.create_user(db.unit_of_work(), SYSTEM, username="Admin", password=PASSWORD, role="admin").value
    stored = _hash_of(db, "Admin")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    actor = accounts.log_in(db.unit_of_work(), "admin", PASSWORD)  # user names ignore case
    assert (actor.id, actor.role) == (row.id, "admin")


def test_five_wrong_passwords_pause_the_name_on_that_workstation_until_an_admin_unlocks_it(db) -> None:
    w = build_world(db)
    for attempt in range(1, 5):
        with pytest.raises(
            AuthenticationError, match=f"{5 - attempt} attempt\\(s\\) left on this workstation"
        ) as failed:
            accounts.log_in(w.uow(), "preceptor", "wrong password!", source="ward-1")
        assert not isinstance(failed.value, AccountLocked)
    with pytest.raises(AccountLocked, match="paused on this workstation for 15 minutes"):
        accounts.log_in(w.uow(), "preceptor", "wrong password!", source="ward-1")
    with pytest.raises(AccountLocked, match="ask an administrator to unlock it"):
        accounts.log_in(w.uow(), "preceptor", PASSWORD, source="ward-1")  # even the right password waits here
    assert [u.locked for u in accounts.list_users(w.uow(), w.admin) if u.username == "preceptor"] == [True]
    accounts.unlock(w.uow(), w.admin, w.preceptor.id)
    assert accounts.log_in(w.uow(), "preceptor", PASSWORD, source="ward-1").id == w.preceptor.id
    with w.uow() as uow:
        actions = list(
            uow.session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.entity_id == str(w.preceptor.id), AuditEvent.entity_type == "user"
                )
            )
        )
    assert actions.count("user.login_failed") == 4 and "user.locked" in actions and "user.unlock" in actions


def test_wrong_passwords_from_one_workstation_do_not_lock_out_the_only_admin_elsewhere(db) -> None:
    w = build_world(db)
    for _ in range(8):
        with pytest.raises(AuthenticationError):
            accounts.log_in(w.uow(), "admin", "a guess at it", source="corridor-kiosk")
    with pytest.raises(AccountLocked):
        accounts.log_in(w.uow(), "admin", PASSWORD, source="corridor-kiosk")
    assert accounts.log_in(w.uow(), "admin", PASSWORD, source="admin-office").id == w.admin.id
    with w.uow() as uow:
        failed = list(
            uow.session.scalars(select(AuditEvent.after_json).where(AuditEvent.action == "user.login_failed"))
        )
    assert failed and all("corridor-kiosk" in a for a in failed)  # the audit says where the guesses came from


def test_a_lock_wears_off_after_its_period(db) -> None:
    w = build_world(db)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            accounts.log_in(w.uow(), "viewer", "wrong password!")
    later = utcnow() + accounts.LOCKOUT + dt.timedelta(seconds=1)
    assert accounts.log_in(w.uow(), "viewer", PASSWORD, now=later).role == "viewer"


def test_a_successful_log_in_resets_the_failure_count(db) -> None:
    w = build_world(db)
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            accounts.log_in(w.uow(), "viewer", "wrong password!")
    accounts.log_in(w.uow(), "viewer", PASSWORD)
    with pytest.raises(AuthenticationError, match="4 attempt"):
        accounts.log_in(w.uow(), "viewer", "wrong password!")


def _answers(uow_of, username: str, password: str, tries: int) -> list[tuple[str, str]]:
    said = []
    for _ in range(tries):
        with pytest.raises(AuthenticationError) as refused:
            accounts.log_in(uow_of(), username, password, source="front-desk")
        said.append((type(refused.value).__name__, refused.value.message))
    return said


def test_an_unknown_name_and_a_wrong_password_get_the_same_answers_after_the_same_work(db, monkeypatch) -> None:
    w = build_world(db)
    checks = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):  # noqa: A002 - the library's own parameter name
            checks.append(hash)
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_hasher", Counting())
    unknown = _answers(w.uow, "no.such.person", "wrong password!", 6)
    assert len(checks) == 5 and all(h.startswith("$argon2id$") for h in checks)  # a real check, until the pause
    known = _answers(w.uow, "viewer", "wrong password!", 6)
    assert unknown == known
    assert "locked" not in " ".join(m for _k, m in unknown[:5]).lower()
    # A switched-off account says so only to someone who knows its password.
    accounts.update_user(w.uow(), w.admin, w.educator.id, active=False)
    assert _answers(w.uow, "educator", "wrong password!", 1) == _answers(w.uow, "nobody.here", "wrong password!", 1)
    with pytest.raises(AuthenticationError, match="switched off"):
        accounts.log_in(w.uow(), "educator", PASSWORD)


def test_a_name_typed_at_sign_in_is_never_stored(db) -> None:
    w = build_world(db)
    typed = "my-Secret-passw0rd-typed-as-a-name"
    with pytest.raises(AuthenticationError):
        accounts.log_in(w.uow(), typed, "x")
    with w.uow() as uow:
        stored = " ".join(
            str(v)
            for row in uow.session.execute(select(AuditEvent)).scalars()
            for v in (row.after_json, row.before_json, row.note, row.entity_id, row.actor)
        )
        kept = list(uow.session.scalars(select(LoginThrottle.name_digest)))
    assert typed.lower() not in stored.lower() and "my-Secret" not in stored
    # Nor a quickly guessed digest of it: a few bits keyed with this workstation's secret, not in the database.
    assert hashlib.sha256(typed.casefold().encode()).hexdigest() not in kept
    assert len(kept) == 1 and len(kept[0].removeprefix(login_throttle.UNKNOWN_PREFIX)) == login_throttle.UNKNOWN_HEX
    assert stat.S_IMODE(paths.login_names_key_file().stat().st_mode) == 0o600


def test_an_unknown_name_is_paused_like_a_real_one_and_counted_apart_from_accounts(db) -> None:
    w = build_world(db)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            accounts.log_in(w.uow(), "Not.A.User", "wrong password!", source="front-desk")
    with pytest.raises(AccountLocked):
        accounts.log_in(w.uow(), "not.a.user ", "wrong password!", source="front-desk")  # any case, any spaces
    assert accounts.log_in(w.uow(), "viewer", PASSWORD, source="front-desk").role == "viewer"


def test_unknown_user_and_switched_off_account_are_refused(db) -> None:
    w = build_world(db)
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        accounts.log_in(w.uow(), "nobody", PASSWORD)
    accounts.update_user(w.uow(), w.admin, w.viewer.id, active=False)
    with pytest.raises(AuthenticationError, match="switched off"):
        accounts.log_in(w.uow(), "viewer", PASSWORD)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaa", "different characters"),
        ("password12", "common passwords"),
        ("Password12", "common passwords"),
        ("qwertyuiop", "common passwords"),
        ("dana.whitfield", "own user name"),
        ("Whitfield2026!", "own user name"),
        ("DanaWhitfield", "own user name"),
    ],
)
def test_common_passwords_and_the_users_own_names_are_refused(db, password, why) -> None:
    w = build_world(db)
    before = snapshot(db)
    with pytest.raises(ValidationError, match=why):
        accounts.create_user(
            w.uow(), w.admin, username="dana.whitfield", password=password, role="viewer", display_name="Dana Whitfield"
        )
    with pytest.raises(ValidationError, match=why):
        accounts.reset_password(w.uow(), w.admin, w.educator.id, password)  # the educator is Dana Whitfield too
    assert snapshot(db) == before


def test_a_password_that_merely_contains_a_short_name_is_accepted(db) -> None:
    w = build_world(db)
    with cheap_hashing():
        accounts.create_user(
            w.uow(), w.admin, username="li", password="li walks the blue heron", role="viewer", display_name="Li Wei"
        )
        accounts.create_user(
            w.uow(),
            w.admin,
            username="dana",
            password="lantern dana quietly 47",
            role="viewer",
            display_name="Dana Whitfield",
        )


def test_passwords_have_a_minimum_length(db) -> None:
    w = build_world(db)
    before = snapshot(db)
    short = "x" * (accounts.MIN_PASSWORD_LENGTH - 1)
    with pytest.raises(ValidationError, match="at least 10 characters"):
        accounts.create_user(w.uow(), w.admin, username="short", password=short, role="viewer")
    with pytest.raises(ValidationError, match="at least 10 characters"):
        accounts.reset_password(w.uow(), w.admin, w.viewer.id, short)
    with pytest.raises(ValidationError, match="at least 10 characters"):
        accounts.change_password(w.uow(), w.viewer, PASSWORD, short)
    assert snapshot(db) == before
    with cheap_hashing():
        accounts.create_user(w.uow(), w.admin, username="long", password="xkcd-936-ok", role="viewer")


def test_changing_a_password_needs_the_old_one(db) -> None:
    w = build_world(db)
    before = snapshot(db)
    with pytest.raises(AuthenticationError, match="current password is not correct"):
        accounts.change_password(w.uow(), w.viewer, "not the password", "a new password 2026")
    assert snapshot(db) == before
    with cheap_hashing():
        accounts.change_password(w.uow(), w.viewer, PASSWORD, "a new password 2026")
    assert accounts.log_in(w.uow(), "viewer", "a new password 2026").id == w.viewer.id
    with pytest.raises(AuthenticationError):
        accounts.log_in(w.uow(), "viewer", PASSWORD)


def test_the_last_administrator_cannot_be_demoted_or_switched_off(db) -> None:
    w = build_world(db)
    before = snapshot(db)
    with pytest.raises(ValidationError, match="your own administrator rights"):
        accounts.update_user(w.uow(), w.admin, w.admin.id, role="educator")
    with pytest.raises(ValidationError, match="At least one active administrator"):
        accounts.update_user(w.uow(), SYSTEM, w.admin.id, role="educator")
    with pytest.raises(ValidationError, match="At least one active administrator"):
        accounts.update_user(w.uow(), SYSTEM, w.admin.id, active=False)
    assert snapshot(db) == before
    # With a second administrator, the first may step down.
    accounts.update_user(w.uow(), w.admin, w.educator.id, role="admin")
    promoted = accounts.log_in(w.uow(), "educator", PASSWORD)
    assert accounts.update_user(w.uow(), promoted, w.admin.id, role="educator").value.role == "educator"


def test_a_person_is_linked_to_one_account_at_most(db) -> None:
    w = build_world(db)
    taken = accounts.list_users(w.uow(), w.admin)
    owner = next(u for u in taken if u.person_id == w.preceptor_person)
    assert owner.person is not None and "(" in owner.person  # "Name (external id)"
    with pytest.raises(DuplicateError, match=f"linked to the account '{owner.username}' already"):
        accounts.create_user(
            w.uow(), w.admin, username="second", password=PASSWORD, role="preceptor", person_id=w.preceptor_person
        )
    other = accounts.create_user(w.uow(), w.admin, username="second", password=PASSWORD, role="preceptor").value
    with pytest.raises(DuplicateError, match="unlink it there first"):
        accounts.update_user(w.uow(), w.admin, other.id, person_id=w.preceptor_person)
    accounts.update_user(w.uow(), w.admin, owner.id, person_id=None)
    moved = accounts.update_user(w.uow(), w.admin, other.id, person_id=w.preceptor_person).value
    assert moved.person_id == w.preceptor_person
    assert accounts.update_user(w.uow(), w.admin, other.id, person_id=w.preceptor_person).value.person == moved.person

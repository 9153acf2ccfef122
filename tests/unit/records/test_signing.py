"""E-signatures: re-entered passwords, lock-out through the signing prompt, verification at record time."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from unittest import mock

import pytest
from sqlalchemy import event, func, select

from credtrack.errors import AccountLocked, AuthenticationError
from credtrack.models import Assessment, AuditEvent, Completion, Person, utcnow
from credtrack.services import people
from credtrack.services.accounts import signing
from credtrack.services.accounts import users as accounts
from credtrack.services.accounts.users import LOCKOUT, MAX_FAILED_LOGINS
from credtrack.services.records import completions as completion_records
from tests.unit.records.builders import PASSWORD, build_world, cheap_hashing, complete, signoff


def _count(db, model) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_wrong_signing_passwords_lock_the_account_and_save_nothing(db):
    with cheap_hashing():
        w = build_world(db)
        for attempt in range(1, MAX_FAILED_LOGINS + 1):
            expected = AccountLocked if attempt == MAX_FAILED_LOGINS else AuthenticationError
            with pytest.raises(expected):
                signoff(w, "TT1", "4", "2026-03-02", password="not my password")
        assert _count(db, Assessment) == 0
        with db.unit_of_work() as uow:
            actions = list(
                uow.session.scalars(
                    select(AuditEvent.action).where(AuditEvent.actor == "preceptor").order_by(AuditEvent.id)
                )
            )
        assert actions.count("user.signature_failed") == MAX_FAILED_LOGINS - 1
        assert actions[-1] == "user.locked"
        # Locked: even the right password cannot sign, nor log in, until an admin unlocks.
        with pytest.raises(AccountLocked):
            signoff(w, "TT1", "4", "2026-03-02", password=PASSWORD)
        with pytest.raises(AccountLocked):
            accounts.log_in(w.uow(), "preceptor", PASSWORD)
        accounts.unlock(w.uow(), w.admin, w.preceptor.id)
        assert signoff(w, "TT1", "4", "2026-03-02", password=PASSWORD).reauthenticated
        assert _count(db, Assessment) == 1


def test_a_signing_lock_wears_off_and_then_one_wrong_password_does_not_lock_again(db, monkeypatch):
    with cheap_hashing():
        w = build_world(db)
        for _ in range(MAX_FAILED_LOGINS - 1):
            with pytest.raises(AuthenticationError):
                signoff(w, "TT1", "4", "2026-03-02", password="not my password")
        with pytest.raises(AccountLocked):
            signoff(w, "TT1", "4", "2026-03-02", password="not my password")
        later = utcnow() + LOCKOUT + dt.timedelta(seconds=1)
        monkeypatch.setattr(signing, "utcnow", lambda: later)
        with pytest.raises(AuthenticationError) as typo:
            signoff(w, "TT1", "4", "2026-03-02", password="not my password")
        assert not isinstance(typo.value, AccountLocked)  # the count started again when the lock wore off
        assert signoff(w, "TT1", "4", "2026-03-02", password=PASSWORD).reauthenticated
        with db.unit_of_work() as uow:
            last = uow.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.actor == "preceptor", AuditEvent.action.like("user.%"))
                .order_by(AuditEvent.id.desc())
            ).first()
        assert (last.action, json.loads(last.after_json)) == ("user.signature_failed", {"failed_logins": 1})


def test_verifying_while_recording_needs_the_password_and_is_marked_signed(db):
    with cheap_hashing():
        w = build_world(db)
        with pytest.raises(AuthenticationError):
            complete(w, "SIM-1", "2026-03-01", actor=w.preceptor, verify=True)
        assert _count(db, Completion) == 0
        row = complete(w, "SIM-1", "2026-03-01", actor=w.preceptor, verify=True, password=PASSWORD)
        assert row.verification == "verified"
        with db.unit_of_work() as uow:
            event = uow.session.scalar(select(AuditEvent).where(AuditEvent.action == "completion.record"))
        assert event.reauthenticated


def test_giving_an_end_date_marks_the_person_as_left(db):
    with cheap_hashing():
        w = build_world(db)
        row = people.update_person(w.uow(), w.educator, w.learner2, end_date="2026-02-28").value
        assert (row.end_date.isoformat(), row.status) == ("2026-02-28", "inactive")


def _write_attempts_during_password_checks(db) -> tuple[list[str], object]:
    """Patch the password check so that, while it runs, another workstation tries to write at once."""
    other = sqlite3.connect(db.sqlite_path, timeout=0, isolation_level=None)
    attempts: list[str] = []
    real = accounts._hasher

    class HasherWhileAnotherWrites:
        def verify(self, password_hash: str, password: str) -> bool:
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                attempts.append("written")
            except sqlite3.OperationalError as exc:
                attempts.append(str(exc))
            return real.verify(password_hash, password)

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    return attempts, mock.patch.object(accounts, "_hasher", HasherWhileAnotherWrites())


def test_a_signoff_checks_the_password_before_taking_the_write_lock(sqlite_db):
    # The check is slow on purpose; under the lock, every other workstation waited on it and some
    # were refused as "database busy".
    with cheap_hashing():
        w = build_world(sqlite_db)
    attempts, patch = _write_attempts_during_password_checks(sqlite_db)
    with patch:
        assert signoff(w, "TT1", "4", "2026-03-02").reauthenticated
    assert attempts == ["written"]
    assert _count(sqlite_db, Assessment) == 1


def test_verifying_a_completion_checks_the_password_before_taking_the_write_lock(sqlite_db):
    with cheap_hashing():
        w = build_world(sqlite_db)
    pending = complete(w, "SIM-1", "2026-03-01")
    attempts, patch = _write_attempts_during_password_checks(sqlite_db)
    with patch:
        completion_records.verify_completion(w.uow(), w.preceptor, pending.id, password=PASSWORD)
    assert attempts == ["written"]


def test_a_password_changed_after_the_early_check_is_checked_again(sqlite_db):
    with cheap_hashing():
        w = build_world(sqlite_db)
    checked = signing.check_password_first(w.uow(), w.preceptor, PASSWORD)
    with cheap_hashing():
        accounts.reset_password(w.uow(), w.admin, w.preceptor.id, "a different passphrase")
    with w.uow() as uow, pytest.raises(AuthenticationError):
        signing.reauthenticate(uow.session, w.preceptor, PASSWORD, checked=checked)


def test_a_wrong_signing_password_commits_nothing_until_the_unit_of_work_ends(db):
    """The count of a failed signature is written by the unit of work after it rolls the action back,
    never by committing the caller's transaction in the middle of its action."""
    with cheap_hashing():
        w = build_world(db)
        commits = []
        with w.uow() as uow:
            event.listen(uow.session, "after_commit", lambda _session: commits.append("commit"))
            uow.session.get(Person, w.learner).full_name = "Staged by the abandoned action"
            with pytest.raises(AuthenticationError):
                signing.reauthenticate(uow.session, w.preceptor, "not my password")
            assert commits == []  # the action's transaction is still the caller's to end
        assert commits == ["commit"]  # the failure, in a transaction of its own
        with db.unit_of_work() as uow:
            actions = list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
            name = uow.session.get(Person, w.learner).full_name
        assert actions[-1] == "user.signature_failed"
        assert name != "Staged by the abandoned action"

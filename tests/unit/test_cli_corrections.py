"""credtrack-cli records list / void / verify, and complete --repeat, run in-process."""

from __future__ import annotations

import re

from credtrack.demo import DEMO_PASSWORD
from tests.unit.test_cli_records import ADMIN_PASSWORD, YESTERDAY, cli  # noqa: F401  (the fixture)


def _id(out: str, kind: str, code: str) -> str:
    match = re.search(rf"^  {kind} (\d+)\t[^\n]*{re.escape(code)}", out, re.M)
    assert match, out
    return match.group(1)


def test_wrong_records_are_voided_and_pending_ones_verified_from_the_command_line(cli) -> None:  # noqa: F811
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "20")[0] == 0
    assert (
        cli("people", "add", "EMP-100", "Zoë Adams", "--profession", "PT", user="educator", password=DEMO_PASSWORD)[0]
        == 0
    )
    assert cli("complete", "EMP-100", "IPE-101", "--date", YESTERDAY)[0] == 0
    assert cli("complete", "EMP-100", "IPE-103", "--date", YESTERDAY)[0] == 0  # awaits verification
    code, _, err = cli("complete", "EMP-100", "IPE-101", "--date", YESTERDAY)
    assert code == 1 and "record this one as a repeat" in err
    code, out, _ = cli("complete", "EMP-100", "IPE-101", "--date", YESTERDAY, "--repeat")
    assert code == 0

    code, out, _ = cli("records", "list", "EMP-100")
    assert code == 0 and out.splitlines()[0] == "Zoë Adams (EMP-100)"
    assert "awaiting verification" in out
    pending = _id(out, "completion", "IPE-103")

    code, out, _ = cli("records", "verify", "completion", pending)
    assert code == 0 and out.startswith(f"Verified completion {pending} (IPE-103")
    code, out, _ = cli("progress", "EMP-100", "--credential", "IPC-FOUND")
    assert any(line.startswith("  ✓ IPE-103") for line in out.splitlines())

    code, out, _ = cli("records", "list", "EMP-100")
    first = _id(out, "completion", "IPE-101")
    code, _, err = cli(
        "records", "void", "completion", first, "--reason", "Entered twice", user="preceptor", password=DEMO_PASSWORD
    )
    assert code == 3 and "recorded by someone else" in err
    code, out, _ = cli(
        "records", "void", "completion", first, "--reason", "Entered twice", user="educator", password=DEMO_PASSWORD
    )
    assert code == 0 and out.startswith(f"Voided completion {first} (IPE-101")
    code, out, _ = cli("records", "list", "EMP-100")
    assert f"completion {first}\t{YESTERDAY}\tIPE-101\tVOIDED: Entered twice" in out
    code, out, err = cli("records", "void", "signoff", "999999", "--reason", "x")
    assert code != 0 and "Traceback" not in err

    code, out, _ = cli("audit", "verify")
    assert code == 0


def test_people_find_says_how_many_more_there_are_beyond_the_limit(cli) -> None:  # noqa: F811
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "60")[0] == 0
    code, out, err = cli("people", "find", "DEMO", user="viewer", password=DEMO_PASSWORD)
    assert code == 0 and len(out.splitlines()) == 50
    assert err.strip() == (
        "Showing the first 50 of 60 people (10 more): narrow the search, or use --limit 60 "
        "(or --limit 0) to see them all."
    )
    code, out, err = cli("people", "find", "DEMO", "--limit", "0")
    assert len(out.splitlines()) == 60 and err == ""
    code, out, err = cli("people", "find", "DEMO-00000")
    assert len(out.splitlines()) == 9 and err == ""


def _logins(db, username: str) -> int:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'user.login' AND actor = :u"), {"u": username}
        ).scalar_one()


def test_scripted_calls_within_a_session_write_one_log_in_event(cli, db) -> None:  # noqa: F811
    from sqlalchemy import text

    assert cli("init", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("people", "add", "EMP-1", "Ann One", user="admin")[0] == 0
    for n in range(2, 6):
        assert cli("people", "add", f"EMP-{n}", f"Person {n}")[0] == 0
    assert _logins(db, "admin") == 1
    code, out, err = cli("people", "add", "EMP-9", "Wrong", password="not the password")
    assert (code, out) == (4, "") and "Wrong user name or password" in err
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT failures FROM login_throttle")).scalar_one() == 1  # on this workstation
        assert conn.execute(text("SELECT failed_logins FROM user_account WHERE username = 'admin'")).scalar_one() == 0
    # After a failure, or once the session has run out, the next call is a full, logged sign-in again.
    assert cli("people", "find", "EMP-1", password=ADMIN_PASSWORD)[0] == 0
    assert _logins(db, "admin") == 2
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE user_account SET last_login_at = :t WHERE username = 'admin'"), {"t": "2000-01-01 00:00:00"}
        )
    assert cli("people", "find", "EMP-1")[0] == 0
    assert _logins(db, "admin") == 3

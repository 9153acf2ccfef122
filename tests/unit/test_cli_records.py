"""credtrack-cli for everyday records work, run in-process against the test database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from credtrack import migrations
from credtrack.cli import main
from credtrack.db import Database
from credtrack.demo import DEMO_PASSWORD

ADMIN_PASSWORD = "admin password 2026"
YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def _stamp_current(db: Database) -> None:
    """The test schema is built from the models; mark it current, as `init` leaves a database."""
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": migrations.HEAD})


@pytest.fixture
def cli(db, monkeypatch, capsys):
    """Run credtrack-cli against the test database; returns (exit code, stdout, stderr)."""
    _stamp_current(db)
    monkeypatch.setenv("CREDTRACK_DATABASE_URL", db.url)

    def run(*args: str, user: str | None = None, password: str | None = None) -> tuple[int, str, str]:
        if user:
            monkeypatch.setenv("CREDTRACK_USER", user)
        if password is not None:
            monkeypatch.setenv("CREDTRACK_PASSWORD", password)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_everyday_records_work_from_the_command_line(cli) -> None:
    code, out, _ = cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)
    assert code == 0
    assert (
        "Starter data added: 11 professions, 1 frameworks, 4 scales, 4 rating sources, "
        "and the preceptor development pathway." in out
    )
    assert "Administrator account 'admin' created." in out

    code, out, _ = cli("demo", "--people", "20")
    assert code == 0 and "Demo loaded" in out and "20 people" in out

    code, out, _ = cli(
        "people",
        "add",
        "EMP-100",
        "Zoë O'Brien-Łukasiewicz",
        "--profession",
        "PT",
        "--start-date",
        "2026-01-05",
        user="educator",
        password=DEMO_PASSWORD,
    )
    assert (code, out.strip()) == (0, "Added Zoë O'Brien-Łukasiewicz (EMP-100).")
    code, out, _ = cli("people", "find", "zoe lukasiewicz")
    assert code == 0 and out.splitlines() == ["EMP-100\tZoë O'Brien-Łukasiewicz\tPhysical therapy\tactive"]
    code, out, err = cli("people", "find", "no such person")
    assert (code, out, err.strip()) == (0, "", "No one matches.")

    code, out, _ = cli("complete", "EMP-100", "IPE-101", "--date", YESTERDAY, "--evidence", "LMS")
    assert (code, out.strip()) == (0, f"Recorded IPE-101 for Zoë O'Brien-Łukasiewicz on {YESTERDAY}.")
    code, out, _ = cli("complete", "EMP-100", "IPE-103", "--date", YESTERDAY)
    assert code == 0 and "(awaiting verification)" in out

    code, out, _ = cli(
        "signoff",
        "EMP-100",
        "C1",
        "--scale",
        "ENTRUST5",
        "--level",
        "4",
        "--date",
        YESTERDAY,
        "--attest",
        user="preceptor",
        password=DEMO_PASSWORD,
    )
    assert code == 0
    assert out.strip() == (f"Signed off C1 for Zoë O'Brien-Łukasiewicz: Distant supervision (ENTRUST5) on {YESTERDAY}.")

    code, out, _ = cli("progress", "EMP-100", "--credential", "IPC-FOUND", user="viewer")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Zoë O'Brien-Łukasiewicz (EMP-100)"
    assert "IPC-FOUND – Interprofessional Collaboration: Foundations: In progress (2/8 requirements)" in lines
    assert any(line.startswith("  ✓ IPE-101") for line in lines)
    assert any(line.startswith("  · IPE-103") for line in lines)  # awaiting verification: not yet counted
    assert any(line.startswith("  ✓ C1") and "Distant supervision" in line for line in lines)
    assert "  Assessor professions: 1 of 2 needed (Nursing)" in lines

    code, out, _ = cli("audit", "verify")
    assert code == 0 and out.startswith("Audit log intact:")


def test_refusals_exit_non_zero_with_a_message(cli) -> None:
    assert cli("init", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    code, out, err = cli("people", "add", "EMP-1", "A Person", user="admin", password="wrong password")
    assert (code, out) == (4, "") and "Wrong user name or password" in err
    code, _, err = cli("people", "add", "EMP-1", "A Person", "--start-date", "2026-02-30", password=ADMIN_PASSWORD)
    assert (
        code == 1 and err.strip() == "credtrack-cli: The start date '2026-02-30' is not a real date (use YYYY-MM-DD)."
    )
    assert cli("people", "add", "EMP-1", "A Person")[0] == 0
    code, _, err = cli("people", "add", "EMP-1", "Another Person")
    assert code == 1 and "already exists" in err
    code, _, err = cli("complete", "EMP-1", "NOPE", "--date", YESTERDAY)
    assert code == 1 and "No module with code 'NOPE'" in err
    assert "Traceback" not in err


def test_a_signoff_without_the_attestation_is_refused_before_anything_happens(cli, db) -> None:
    assert cli("init", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    with pytest.raises(SystemExit) as refused:
        cli("signoff", "EMP-1", "C1", "--scale", "ENTRUST5", "--level", "3", "--date", YESTERDAY)
    assert refused.value.code == 2


def test_a_viewer_may_look_but_not_add(cli) -> None:
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "20")[0] == 0
    code, _, err = cli("people", "add", "EMP-1", "A Person", user="viewer", password=DEMO_PASSWORD)
    assert code == 3 and err.strip() == "credtrack-cli: Your role (viewer) does not allow: add or edit people."
    code, out, _ = cli("people", "find", "DEMO-000001")
    assert code == 0 and out.startswith("DEMO-000001\t")


def test_audit_verify_exits_1_on_a_tampered_log(cli, db) -> None:
    assert cli("init", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'someone else' WHERE id = 1"))
    code, out, _ = cli("audit", "verify")
    assert code == 1 and out.splitlines()[0] == (
        "Audit log BROKEN at event 1: its contents were changed after it was written"
    )


def test_init_creates_a_new_database_in_the_data_folder(data_home, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CREDTRACK_PASSWORD", ADMIN_PASSWORD)
    assert main(["init", "--admin", "admin"]) == 0
    out = capsys.readouterr().out
    assert f"Database ready: SQLite: {data_home}" in out
    assert main(["audit", "verify"]) == 0
    assert "Audit log intact: 3 events" in capsys.readouterr().out  # its purpose, the starter data, the admin

"""credtrack-cli units: list, add, edit, deactivate, move and history, run in-process."""

from __future__ import annotations

from credtrack.demo import DEMO_PASSWORD
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401  (the fixture)


def _line(out: str, start: str) -> str:
    found = [line for line in out.splitlines() if line.startswith(start)]
    assert len(found) == 1, out
    return found[0]


def test_units_are_kept_and_people_moved_between_them_from_the_command_line(cli) -> None:  # noqa: F811
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "20")[0] == 0

    code, out, _ = cli("units", "add", "Ward 9", "--service-line", "Medicine", "--site", "North", user="educator",
                       password=DEMO_PASSWORD)  # fmt: skip
    assert (code, out) == (0, "Added the unit Ward 9 (Medicine · North).\n")
    code, _, err = cli("units", "add", "  ward 9")
    assert code == 1 and err == (
        "credtrack-cli: There is already a unit called 'Ward 9' (names are compared ignoring case).\n"
    )
    assert cli("units", "add", "Ward 10")[0] == 0
    code, out, _ = cli("people", "add", "EMP-100", "Zoë Adams", "--unit", "ward 9", "--start-date", "2026-01-05")
    assert code == 0

    code, out, _ = cli("units", "move", "EMP-100", "Ward 10", "--on", "2026-03-01")
    assert (code, out) == (0, "Zoë Adams (EMP-100) is in Ward 10 from 2026-03-01.\n")
    code, out, err = cli("units", "move", "EMP-100", "Ward 9", "--on", "2026-02-01")
    assert code == 1 and "has unit history on or after 2026-02-01" in err and "Traceback" not in err
    code, _, err = cli("units", "move", "EMP-100", "Ward 9", "--on", "1 March")
    assert code == 1 and err.startswith("credtrack-cli: The date of the move")
    code, _, err = cli("units", "move", "EMP-999", "Ward 9", "--on", "2026-04-01")
    assert code == 1 and "No one has the external id 'EMP-999'" in err
    code, _, err = cli("units", "move", "EMP-100", "Ward 99", "--on", "2026-04-01")
    assert code == 1 and "No unit is called 'Ward 99'" in err

    code, out, _ = cli("units", "history", "EMP-100", user="viewer", password=DEMO_PASSWORD)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "Zoë Adams (EMP-100)"
    assert lines[1].startswith("  2026-01-05 to 2026-02-28\tWard 9\t(membership ")
    assert lines[2].startswith("  2026-03-01 to now\tWard 10\t(membership ")
    code, out, _ = cli("units", "list")
    assert _line(out, "Ward 9\t") == "Ward 9\tMedicine\tNorth\t0"
    assert _line(out, "Ward 10\t") == "Ward 10\t\t\t1"

    for command in (["add", "Ward 11"], ["edit", "Ward 9", "--site", "South"], ["deactivate", "Ward 9"]):
        code, _, err = cli("units", *command, user="preceptor", password=DEMO_PASSWORD)
        assert code == 3 and "Traceback" not in err, err
    code, _, err = cli("units", "move", "EMP-100", "Ward 9", "--on", "2026-05-01", user="viewer")
    assert code == 3

    code, out, _ = cli("units", "edit", "ward 10", "--name", "Ward Ten", "--site", "South", user="educator")
    assert (code, out) == (0, "Updated the unit Ward Ten (South).\n")
    code, out, _ = cli("units", "edit", "Ward Ten", "--site", "")
    assert (code, out) == (0, "Updated the unit Ward Ten.\n")
    code, out, _ = cli("units", "edit", "Ward Ten", "--site", "")
    assert (code, out) == (0, "Nothing to change: Ward Ten is already so.\n")
    code, _, err = cli("units", "deactivate", "Ward Ten")
    assert code == 1 and "1 person is still in Ward Ten: move them to another unit first" in err
    code, out, _ = cli("units", "deactivate", "Ward 9")
    assert code == 0 and out.startswith("Deactivated Ward 9")
    code, out, _ = cli("units", "list", "--active")
    assert "Ward 9\t" not in out and "Ward Ten\t" in out
    code, out, _ = cli("units", "list")
    assert _line(out, "Ward 9\t") == "Ward 9\tMedicine\tNorth\t0\tdeactivated"

    code, out, _ = cli("audit", "verify")
    assert code == 0, out

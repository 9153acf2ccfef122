"""credtrack-cli ratings: sources, recording a rating, listing, voiding, and what it changes in progress."""

from __future__ import annotations

import datetime as dt

from credtrack.demo import DEMO_PASSWORD
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401 - the fixture

YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def test_ratings_from_the_command_line(cli) -> None:  # noqa: F811 - the fixture
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "5")[0] == 0
    cli("people", "add", "EMP-200", "Ngozi Adeyemi", "--profession", "PHARM", user="educator", password=DEMO_PASSWORD)

    code, out, _ = cli("ratings", "sources")
    assert code == 0 and "PATIENT" in out and "Patient or family advisor" in out and "OBSERVED5" in out

    code, out, _ = cli(
        "ratings",
        "record",
        "EMP-200",
        "patient",
        "--date",
        YESTERDAY,
        "--score",
        "C1=4",
        "--score",
        "VE1=5",
        "--collected",
        "interview",
        "--rater",
        "Hélène Marchetti",
        "--attest",
    )
    assert code == 0, out
    assert "Hélène Marchetti" in out and "C1 Often" in out and "VE1 Always" in out
    rating_id = out.split()[1]

    # A competency the source does not rate: one line saying what it does rate, nothing recorded.
    code, out, err = cli(
        "ratings",
        "record",
        "EMP-200",
        "PATIENT",
        "--date",
        YESTERDAY,
        "--score",
        "TT9=4",
        "--collected",
        "interview",
        "--rater",
        "Someone",
        "--attest",
    )
    assert code != 0 and "does not rate TT9" in err and "C1" in err and "Traceback" not in err
    code, out, err = cli(
        "ratings",
        "record",
        "EMP-200",
        "PATIENT",
        "--date",
        YESTERDAY,
        "--score",
        "C1",
        "--collected",
        "interview",
        "--rater",
        "Someone",
        "--attest",
    )
    assert code != 0 and "COMPETENCY=LEVEL" in err

    code, out, _ = cli("progress", "EMP-200", "--credential", "IPC-VOICES")
    assert code == 0 and "1 of 2 so far" in out

    code, out, _ = cli("ratings", "list", "EMP-200")
    assert code == 0 and "1 rating" in out and "Hélène Marchetti (Interview)" in out

    code, out, _ = cli("ratings", "void", rating_id, "--reason", "Form was for another learner")
    assert code == 0 and "voided" in out
    code, out, _ = cli("ratings", "list", "EMP-200")
    assert "VOIDED: Form was for another learner" in out
    code, out, _ = cli("progress", "EMP-200", "--credential", "IPC-VOICES")
    assert "1 of 2 so far" not in out

    code, out, _ = cli(
        "ratings",
        "add-source",
        "coach",
        "Unit team coach",
        "--scale",
        "OBSERVED5",
        "--competencies",
        "TT5,TT10",
        user="preceptor",
        password=DEMO_PASSWORD,
    )
    assert code != 0  # a preceptor may not edit the sources
    code, out, _ = cli(
        "ratings",
        "add-source",
        "coach",
        "Unit team coach",
        "--scale",
        "OBSERVED5",
        "--competencies",
        "TT5,TT10",
        user="educator",
        password=DEMO_PASSWORD,
    )
    assert code == 0 and "COACH" in out
    code, out, _ = cli("ratings", "edit-source", "COACH", "--retire")
    assert code == 0 and "no longer offered" in out
    assert "COACH" not in cli("ratings", "sources")[1]
    assert "COACH" in cli("ratings", "sources", "--all")[1]

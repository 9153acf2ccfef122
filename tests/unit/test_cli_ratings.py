"""credtrack-cli ratings: sources, recording a rating, listing, voiding, and what it changes in progress."""

from __future__ import annotations

import datetime as dt

from credtrack.demo import DEMO_PASSWORD
from tests.unit.certificates.helpers import pdf_text, rasterise, read_zxing
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


def test_a_blank_form_from_the_command_line(cli, tmp_path) -> None:  # noqa: F811 - the fixture
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    add = ("people", "add", "EMP-300", "Nguyễn Thị Minh", "--profession", "NURS")
    assert cli(*add, user="admin", password=ADMIN_PASSWORD)[0] == 0
    out_file = tmp_path / "form.pdf"

    code, out, err = cli("ratings", "form", "EMP-300", "patient", "--out", str(out_file))
    assert code == 0, err
    assert f"Blank PATIENT rating form for EMP-300 written to {out_file}." in out
    text = " ".join(pdf_text(out_file).split())
    assert "Nguyễn Thị Minh" in text and "Patient or family advisor" in text
    assert read_zxing(rasterise(out_file)) == [f"CTRF1:EMP-300:PATIENT:{dt.date.today().isoformat()}"]

    # A folder that is not there, a source that is not there: one line each, non-zero, no traceback.
    code, out, err = cli("ratings", "form", "EMP-300", "PATIENT", "--out", str(tmp_path / "nowhere" / "form.pdf"))
    assert code != 0 and err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err
    code, out, err = cli("ratings", "form", "EMP-300", "NOPE", "--out", str(out_file))
    assert code != 0 and err.count("\n") == 1 and "No rating source with code 'NOPE'" in err
    (tmp_path / "taken.pdf").mkdir()
    code, out, err = cli("ratings", "form", "EMP-300", "PATIENT", "--out", str(tmp_path / "taken.pdf"))
    assert code != 0 and err.count("\n") == 1 and "taken.pdf is a folder" in err

    # The filled-in form comes back scanned: the command says whom it was printed for and how to record it.
    code, out, err = cli("ratings", "read-form", str(out_file))
    assert code == 0, err
    assert f"A Patient or family advisor (PATIENT) form for Nguyễn Thị Minh (EMP-300), printed {dt.date.today()}" in out
    assert "credtrack-cli ratings record EMP-300 PATIENT" in out
    code, out, err = cli("ratings", "read-form", str(tmp_path / "missing.pdf"))
    assert code != 0 and err.count("\n") == 1 and "missing.pdf" in err and "Traceback" not in err

"""credtrack-cli improvement and import improvement: recording work with its team, confirming it with a
password, attaching and opening a file, voiding, a file of work checked row by row, and progress on the demo
credential that needs a broad QI project and a patient advisor rating."""

from __future__ import annotations

import datetime as dt

from credtrack.demo import DEMO_PASSWORD
from credtrack.paths import attachments_dir
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401 - the fixture

DAY = dt.date.today() - dt.timedelta(days=1)
START = (DAY - dt.timedelta(days=90)).isoformat()


def test_improvement_work_from_the_command_line(cli, tmp_path) -> None:  # noqa: F811 - the fixture
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "5")[0] == 0
    cli("people", "add", "EMP-300", "Zoë O'Brien", "--profession", "NURS", user="educator", password=DEMO_PASSWORD)

    code, out, err = cli(
        "improvement",
        "record",
        "EMP-300",
        "qi_project",
        "--title",
        "Falls prevention at night",
        "--started",
        START,
        "--team",
        "Ines Ferreira (MED); Sam Lee (PHARM)",
        "--role",
        "Project lead",
    )
    assert code == 0, err
    assert "team of 3 professions" in out and "counts once a supervisor confirms it" in out
    work_id = out.split()[2].rstrip(":")

    code, out, _ = cli("progress", "EMP-300", "--credential", "IPC-QISAFE")
    assert code == 0 and "· QI_PROJECT 1 confirmed QI project with at least 3 professions" in out  # missing

    # A team written wrongly: one line saying how to write it, nothing recorded.
    code, out, err = cli(
        "improvement", "record", "EMP-300", "qi_project", "--title", "X", "--started", START, "--team", "Ines, MED"
    )
    assert code != 0 and "Name (PROFESSION)" in err and "Traceback" not in err

    # Still under way: the preceptor is told to give the end date.
    code, out, err = cli("improvement", "confirm", work_id, user="preceptor", password=DEMO_PASSWORD)
    assert code != 0 and "still under way" in err
    code, out, err = cli(
        "improvement", "confirm", work_id, "--ended", DAY.isoformat(), user="preceptor", password=DEMO_PASSWORD
    )
    assert code == 0, err
    assert "confirmed by" in out
    code, out, _ = cli("progress", "EMP-300", "--credential", "IPC-QISAFE", user="educator", password=DEMO_PASSWORD)
    assert code == 0 and "✓ QI_PROJECT" in out  # met

    poster = tmp_path / "poster.pdf"
    poster.write_bytes(b"%PDF-1.4 run chart")
    code, out, err = cli("improvement", "attach", work_id, str(poster))
    assert code == 0, err
    attachment_id = out.split()[1].rstrip(":")
    code, out, err = cli("improvement", "open", attachment_id, "--out", str(tmp_path / "copy.pdf"))
    assert code == 0 and (tmp_path / "copy.pdf").read_bytes() == poster.read_bytes()
    for kept in attachments_dir().iterdir():
        kept.write_bytes(b"changed")
    code, out, err = cli("improvement", "open", attachment_id, "--out", str(tmp_path / "again.pdf"))
    assert code != 0 and "altered since it was attached" in err and not (tmp_path / "again.pdf").exists()

    code, out, _ = cli("improvement", "list", "EMP-300")
    assert code == 0 and "Falls prevention at night" in out and "Confirmed" in out and "poster.pdf" in out
    code, out, err = cli("improvement", "void", work_id, "--reason", "Another learner's project")
    assert code == 0 and "voided" in out
    code, out, _ = cli("improvement", "list", "EMP-300")
    assert "VOIDED: Another learner's project" in out


def test_a_file_of_improvement_work_is_checked_row_by_row_then_imported(cli, tmp_path) -> None:  # noqa: F811
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "3")[0] == 0
    cli("people", "add", "EMP-400", "Nguyễn Thị Minh", "--profession", "NURS", user="educator", password=DEMO_PASSWORD)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Learner ID,Kind,Title,Started on,Ended on,Team\n"
        f"EMP-400,QI project,Sepsis screening,{START},{DAY.isoformat()},Ines Ferreira (MED); Sam Lee (ASTRO)\n"
        f"EMP-404,safety_review,Insulin near miss,{START},,\n"
        f"EMP-400,poster,Something,{START},,\n"
        f"EMP-400,teach_back,Inhalers,{DAY.isoformat()},{START},\n",
        encoding="utf-8",
    )
    code, out, err = cli("import", "improvement", str(bad), "--dry-run")
    text = out + err
    assert code != 0
    assert "row 2" in text.lower() and "ASTRO" in text  # the team's unknown profession, named
    assert "EMP-404" in text and "poster" in text and "before the start" in text
    good = tmp_path / "good.csv"
    good.write_text(
        "Learner ID,Kind,Title,Started on,Ended on,Role,Team\n"
        f"EMP-400,QI project,Sepsis screening,{START},{DAY.isoformat()},Data collection,"
        "Ines Ferreira (MED); Sam Lee (PHARM)\n"
        f"EMP-400,Safety event review,Insulin near miss,{START},,Reviewer,\n",
        encoding="utf-8",
    )
    code, out, err = cli("import", "improvement", str(good))
    assert code == 0, err
    code, out, _ = cli("improvement", "list", "EMP-400")
    assert "2 pieces of work" in out and "Sepsis screening" in out and "Awaiting confirmation" in out
    assert "Medicine, Nursing, Pharmacy" in out
    code, out, err = cli("import", "improvement", str(good), "--dry-run")
    assert code != 0 and "already recorded" in out + err
    code, out, err = cli("audit", "verify")
    assert code == 0, out + err

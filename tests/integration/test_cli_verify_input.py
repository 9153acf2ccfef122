"""`credtrack-cli verify` gives every genuine QR text a verdict and every bad file a one-line reason."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from credtrack.cli import main
from credtrack.cli.certificates import VERIFY_EXIT_CODES
from credtrack.models import Certificate
from credtrack.services.certificates import issuing as certificates
from tests.unit.test_cli_records import _stamp_current

from .test_certificate_world import DAY, PASSWORD, build_world

LONG_NAME = "Nguyễn Thị Minh Khai Bartholomew-Featherstonehaugh Ødegård"


@pytest.fixture
def issued(db, tmp_path):
    _stamp_current(db)
    world = build_world(db, names=(LONG_NAME,))
    cert = certificates.issue_certificate(
        db.unit_of_work(), world.educator, world.eligible_id, world.credential_id, out_dir=tmp_path, today=DAY
    ).value
    return db, cert


def test_qr_text_longer_than_a_file_name_gets_its_verdict(issued, capsys):
    db, cert = issued
    with db.unit_of_work() as uow:
        genuine = uow.session.scalar(select(Certificate.qr_payload).where(Certificate.code == cert.code))
    # A genuine payload is valid whatever its runs; a run of 300 characters with no "/" is
    # longer than any file name and used to crash the "is it a file?" check.
    assert main(["--database-url", db.url, "verify", genuine, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] == cert.code
    too_long_for_a_name = "CT1:" + "6BF" * 100
    code = main(["--database-url", db.url, "verify", too_long_for_a_name, "--json"])
    assert code == VERIFY_EXIT_CODES["unreadable"]
    assert json.loads(capsys.readouterr().out)["verdict"] == "unreadable"


def test_missing_folder_and_bad_key_files_get_one_line_each(issued, tmp_path, capsys):
    db, _ = issued
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    latin1 = tmp_path / "keys.json"
    latin1.write_bytes('{"keys": "caf\xe9"}'.encode("latin-1"))
    cases = [
        (["verify", str(tmp_path / "missing.pdf")], "does not exist"),
        (["verify", str(tmp_path)], "is a folder"),
        (["verify", "CT1:XYZ", "--jwks", str(listed)], 'needs an object with a "keys" list'),
        (["verify", "CT1:XYZ", "--jwks", str(latin1)], "not UTF-8"),
        (["verify", "CT1:XYZ", "--jwks", str(tmp_path / "nope.json")], "does not exist"),
    ]
    for argv, words in cases:
        assert main(["--database-url", db.url, *argv]) not in (0, *VERIFY_EXIT_CODES.values())
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err


def test_a_data_folder_that_cannot_be_made_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["--data-dir", str(blocker / "home"), "people", "find", "x"]) == 1
    err = capsys.readouterr().err
    assert str(blocker) in err and len(err.strip().splitlines()) == 1


def test_writing_keys_or_a_revocation_list_where_it_cannot_go_is_one_line(issued, tmp_path, capsys, monkeypatch):
    db, _ = issued
    monkeypatch.setenv("CREDTRACK_USER", "admin")
    monkeypatch.setenv("CREDTRACK_PASSWORD", PASSWORD)
    out = tmp_path / "out"
    out.mkdir()
    blocker = out / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    targets = [out / "no-such-folder" / "out.json", out, blocker / "out.json"]
    for command in (["keys", "export-jwks"], ["revocations", "export"]):
        for target in targets:
            code = main(["--database-url", db.url, *command, str(target)])
            err = capsys.readouterr().err
            assert code != 0, (command, target)
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
            assert str(target) in err or target.name in err, err
    assert sorted(p.name for p in out.iterdir()) == ["a-file"]

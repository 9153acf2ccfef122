"""credtrack-cli keys export-private / install: the way a second workstation becomes an issuing one."""

from __future__ import annotations

from credtrack import paths
from credtrack.services import keys
from tests.unit.records.builders import PASSWORD, build_world
from tests.unit.test_cli_records import cli  # noqa: F401 - the fixture


def test_export_and_install_from_the_command_line(cli, db, tmp_path, monkeypatch):  # noqa: F811
    def at(name: str) -> None:
        home = tmp_path / name
        home.mkdir(exist_ok=True)
        monkeypatch.setenv(paths.HOME_ENV, str(home))
        paths.set_data_dir(None)

    at("first")
    w = build_world(db)
    keys.create_issuer_key(db.unit_of_work(), w.admin)
    monkeypatch.setenv("EXPORT_PASS", "issuing staff passphrase")
    exported = tmp_path / "key.pem"

    at("second")
    code, _out, err = cli("revocations", "export", str(tmp_path / "list.json"), user="admin", password=PASSWORD)
    assert code != 0 and "keys export-private" in err and "keys install" in err and "Do not rotate" in err

    at("first")
    code, out, err = cli("keys", "export-private", str(exported), "--passphrase-env", "EXPORT_PASS")
    assert code == 0, err
    assert exported.is_file() and "keys install" in out

    at("second")
    code, _out, err = cli("keys", "install", str(exported), user="viewer", password=PASSWORD)
    assert code == 3 and "manage the signing key" in err
    monkeypatch.setenv("WRONG_PASS", "not the passphrase at all")
    code, _out, err = cli("keys", "install", str(exported), "--passphrase-env", "WRONG_PASS", user="admin")
    assert code == 1 and "passphrase is wrong" in err
    code, _out, err = cli("keys", "install", str(tmp_path / "missing.pem"), "--passphrase-env", "EXPORT_PASS")
    assert code == 1 and "does not exist" in err
    code, out, err = cli("keys", "install", str(exported), "--passphrase-env", "EXPORT_PASS")
    assert code == 0 and "can now issue certificates" in out, err
    monkeypatch.setenv("CREDTRACK_KEY_PASSPHRASE", "issuing staff passphrase")
    code, out, err = cli("revocations", "export", str(tmp_path / "list.json"))
    assert code == 0, err
    code, out, _ = cli("keys", "list")
    assert "private key here, passphrase" in out

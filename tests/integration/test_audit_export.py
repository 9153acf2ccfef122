"""An administrator exports the audit log for an auditor; the export verifies on its own, without the database."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import select

from credtrack.certificates import keys
from credtrack.cli import main as cli_main
from credtrack.errors import PermissionDenied, ValidationError
from credtrack.models import AuditEvent
from credtrack.services.accounts import users as accounts
from credtrack.services.audit import export as audit_export
from credtrack.services.audit import log as audit
from tests.integration.test_audit_checkpoints import _issue_two_and_revoke
from tests.integration.test_certificate_world import PASSWORD, build_world
from tests.unit.records.builders import snapshot
from tests.unit.test_cli_records import _stamp_current


@pytest.fixture
def world(db):
    return build_world(db, names=("Amara Okafor", "Ben Okafor"))


def _rewrite(path, name: str, change, *, fix_manifest: bool = True) -> None:
    """Edit one member of an export and (unless told not to) fix the manifest's hash, as someone covering
    their tracks would."""
    import hashlib

    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[name] = change(members[name])
    if fix_manifest:
        manifest = json.loads(members["manifest.json"])
        manifest["members"][name] = hashlib.sha256(members[name]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    path.unlink()
    with zipfile.ZipFile(path, "w") as archive:
        for n, data in members.items():
            archive.writestr(n, data)


def test_the_export_verifies_on_its_own_and_is_itself_audited(world, tmp_path):
    _issue_two_and_revoke(world, tmp_path)
    target = tmp_path / "for the auditor" / "audit.zip"
    info = audit_export.export_log(world.db.unit_of_work(), world.admin, target).value
    assert info.path == target and info.checkpoints == 3
    world.db.dispose()  # the auditor has only the file

    report = audit_export.verify_export(target)
    assert report.intact, report.describe()
    assert report.events == info.events and report.checkpoints.signed == 3
    assert report.checkpoints.events_after_latest == 0
    text = report.describe()
    assert "Export verified." in text and report.fingerprints[0] in text
    with world.db.unit_of_work() as uow:
        (event,) = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).all()
        assert event.id == info.events + 1 and json.loads(event.after_json)["events"] == info.events
        assert audit.verify_chain(uow.session).intact


def test_an_edited_cut_or_re_signed_export_does_not_verify(world, tmp_path):
    _issue_two_and_revoke(world, tmp_path)
    good = tmp_path / "audit.zip"
    audit_export.export_log(world.db.unit_of_work(), world.admin, good)

    def edited(data: bytes) -> bytes:  # the revocation rewritten as if it never happened
        lines = [json.loads(line) for line in data.splitlines()]
        (revoke,) = [e for e in lines if e["action"] == "certificate.revoke"]
        revoke["after_json"] = json.dumps({"status": "valid"})
        return b"\n".join(json.dumps(e).encode() for e in lines) + b"\n"

    changed = tmp_path / "changed.zip"
    changed.write_bytes(good.read_bytes())
    _rewrite(changed, "events.jsonl", edited)
    report = audit_export.verify_export(changed)
    assert not report.intact and "contents were changed" in report.describe()

    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes())
    _rewrite(cut, "events.jsonl", lambda data: b"\n".join(data.splitlines()[:-2]) + b"\n")
    report = audit_export.verify_export(cut)
    assert not report.intact and "missing tail" in report.describe()

    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(good.read_bytes())
    _rewrite(tampered, "checkpoints.jsonl", lambda data: b"", fix_manifest=False)
    report = audit_export.verify_export(tampered)
    assert not report.intact and "changed after it was written" in report.describe()

    stranger = keys.jwks([keys.public_jwk(keys.generate())])
    report = audit_export.verify_export(good, published_jwks=stranger)
    assert not report.intact and "does not hold" in report.describe()

    not_an_export = tmp_path / "notes.zip"
    with zipfile.ZipFile(not_an_export, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ValidationError, match="not a credtrack audit export"):
        audit_export.verify_export(not_an_export)


@pytest.mark.parametrize("role", ["educator", "preceptor", "viewer"])
def test_only_an_administrator_exports_the_log(world, tmp_path, role):
    db = world.db
    if role == "educator":
        actor = world.educator
    else:
        accounts.create_user(db.unit_of_work(), world.admin, username=role, password=PASSWORD, role=role)
        actor = accounts.log_in(db.unit_of_work(), role, PASSWORD)
    before = snapshot(db)
    with pytest.raises(PermissionDenied) as refused:
        audit_export.export_log(db.unit_of_work(), actor, tmp_path / "audit.zip")
    assert refused.value.action == "export the audit log for an auditor"
    assert snapshot(db) == before and not (tmp_path / "audit.zip").exists()


def test_export_and_verify_from_the_command_line(world, tmp_path, monkeypatch, capsys):
    _issue_two_and_revoke(world, tmp_path)
    _stamp_current(world.db)
    monkeypatch.setenv("CREDTRACK_DATABASE_URL", world.db.url)
    monkeypatch.setenv("CREDTRACK_USER", "admin")
    monkeypatch.setenv("CREDTRACK_PASSWORD", PASSWORD)
    target = tmp_path / "audit.zip"
    assert cli_main(["audit", "export", str(target)]) == 0
    assert "audit verify-export" in capsys.readouterr().out
    assert cli_main(["audit", "export", str(target)]) == 1  # never over an earlier export
    assert "already exists" in capsys.readouterr().err
    assert cli_main(["audit", "verify-export", str(target)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("Export verified.")
    published = tmp_path / "published.json"
    assert cli_main(["keys", "export-jwks", str(published)]) == 0
    capsys.readouterr()
    assert cli_main(["audit", "verify-export", str(target), "--jwks", str(published)]) == 0
    assert cli_main(["audit", "verify-export", str(tmp_path / "missing.zip")]) == 1
    assert "is not a file" in capsys.readouterr().err

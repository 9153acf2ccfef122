"""credtrack-cli verify on a pasted Open Badges token (VC-JWT): says what it is and checks it, never a traceback."""

from __future__ import annotations

from sqlalchemy import text

from credtrack import migrations
from credtrack.cli import main
from credtrack.services.certificates import copies as certificate_copies
from credtrack.services.certificates import issuing as certificates

from .test_certificate_world import DAY, build_world


def _stamp(db) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": migrations.HEAD})


def test_a_pasted_open_badge_token_is_recognised_verified_and_its_status_shown(db, tmp_path, monkeypatch, capsys):
    w = build_world(db)
    _stamp(db)
    monkeypatch.setenv("CREDTRACK_DATABASE_URL", db.url)
    cert = certificates.issue_certificate(
        db.unit_of_work(), w.educator, w.eligible_id, w.credential_id, out_dir=tmp_path, today=DAY
    ).value
    token, _badge = certificate_copies.export_openbadge(db.unit_of_work(), w.educator, cert.code).value

    code = main(["verify", token])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("Open Badges 3.0 credential (VC-JWT). VALID: The Open Badge credential is genuine")
    assert f"  Certificate: {cert.code}" in out and "Traceback" not in err

    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    code = main(["verify", forged])
    out, _ = capsys.readouterr()
    assert code != 0 and "ALTERED OR FORGED" in out

    certificates.revoke_certificate(db.unit_of_work(), w.educator, cert.code, "Issued to the wrong person")
    code = main(["verify", token])
    out, err = capsys.readouterr()
    assert code != 0 and "REVOKED" in out and "wrong person" in out and "Traceback" not in err

    code = main(["verify", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"])
    out, err = capsys.readouterr()
    assert code != 0 and "not a credtrack Open Badge" in out and "Traceback" not in err

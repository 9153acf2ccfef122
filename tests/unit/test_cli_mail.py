"""credtrack-cli mail and certificates email/zip, against a real SMTP server on loopback."""

from __future__ import annotations

import zipfile

from sqlalchemy import select

from credtrack.demo import DEMO_PASSWORD
from credtrack.models import Certificate, Person
from tests.mailserver import SMTP_PASSWORD
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401 - the fixture


def holders(db, n: int) -> list[tuple[str, str]]:
    """The first ``n`` certificates in force with their holders' addresses."""
    with db.unit_of_work() as uow:
        return list(
            uow.session.execute(
                select(Certificate.code, Person.email)
                .join(Person, Person.id == Certificate.person_id)
                .where(Certificate.status == "valid", Person.email.is_not(None))
                .order_by(Certificate.id)
                .limit(n)
            ).all()
        )


def test_mail_settings_and_certificates_from_the_command_line(cli, db, flaky_smtp_server, smtp_auth_server, tmp_path):  # noqa: F811
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "40")[0] == 0
    server = flaky_smtp_server

    code, _, err = cli("mail", "settings", "--host", "127.0.0.1", user="viewer", password=DEMO_PASSWORD)
    assert code == 3 and "change the mail settings" in err

    code, out, err = cli(
        "mail", "settings", "--host", "127.0.0.1", "--port", str(server.port), "--security", "none",
        "--sender", "education@riverbend.example", "--sender-name", "Riverbend Education",
        user="educator", password=DEMO_PASSWORD,
    )  # fmt: skip
    assert code == 0, err
    assert f"server\t127.0.0.1:{server.port}" in out and "Riverbend Education <education@riverbend.example>" in out

    code, out, _ = cli("mail", "test", "ward7@riverbend.example")
    assert code == 0 and [r.recipients for r in server.received] == [("ward7@riverbend.example",)]

    chosen = holders(db, 3)
    assert len(chosen) == 3
    server.accept = 2  # the test message and one certificate, then the server gives up
    code, out, err = cli("certificates", "email", *(c for c, _ in chosen))
    assert code == 2 and "Sent 1; failed 0; still queued 2." in out
    assert "credtrack-cli certificates email --retry 1" in err
    server.accept = None
    code, out, err = cli("certificates", "email", "--retry", "1")
    assert code == 0 and "Sent 2; failed 0; still queued 0; sent before 1." in out
    assert sorted(server.recipients()[1:]) == sorted(email for _, email in chosen)  # each holder once

    target = tmp_path / "learners.zip"
    code, out, err = cli("certificates", "zip", *(c for c, _ in chosen), "--out", str(target))
    assert code == 0 and out.strip() == str(target)
    with zipfile.ZipFile(target) as bundle:
        assert [n.rsplit(" – ", 1)[1] for n in bundle.namelist()] == [f"{c}.pdf" for c, _ in chosen]

    # A server that wants a password over STARTTLS: the password from the environment, never printed.
    auth = smtp_auth_server
    code, out, err = cli(
        "mail", "settings", "--port", str(auth.port), "--security", "starttls", "--username", "education-office",
        "--trust-certificate", str(auth.certificate.cert_file), "--password-env", "SMTP_PW",
    )  # fmt: skip
    assert code != 0 and "SMTP_PW is empty" in err
    import os

    os.environ["SMTP_PW"] = SMTP_PASSWORD
    try:
        code, out, err = cli(
            "mail", "settings", "--port", str(auth.port), "--security", "starttls", "--username", "education-office",
            "--trust-certificate", str(auth.certificate.cert_file), "--password-env", "SMTP_PW",
        )  # fmt: skip
    finally:
        del os.environ["SMTP_PW"]
    assert code == 0 and "password saved" in out and SMTP_PASSWORD not in out + err
    code, out, err = cli("mail", "test", "ward7@riverbend.example")
    assert code == 0, err
    assert len(auth.received) == 1

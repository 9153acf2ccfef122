"""The mail settings as users change them: who may, what is audited, and where the password never goes."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest
from sqlalchemy import select

from credtrack import paths
from credtrack.errors import PermissionDenied, ValidationError
from credtrack.mail.settings import MailSettings
from credtrack.mail.transport import MailError
from credtrack.models import AuditEvent, Base
from credtrack.services import mail
from credtrack.services.changes import Change
from tests.integration.secret_scan import found, secret_forms, views
from tests.mailserver import SMTP_PASSWORD
from tests.unit.records.builders import audit_count, build_world, snapshot

SETTINGS = MailSettings(
    host="smtp.riverbend.example",
    port=587,
    security="starttls",
    username="education-office",
    sender_address="education@riverbend.example",
    sender_name="Riverbend Education Office",
    reply_to="help@riverbend.example",
)


def audit_events(db, action: str) -> list[AuditEvent]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_staff_save_the_settings_and_the_change_is_audited_without_the_password(db) -> None:
    w = build_world(db)
    result = mail.update_mail_settings(w.uow(), w.educator, SETTINGS, password=SMTP_PASSWORD)
    assert result.changes == Change.SETTINGS | Change.AUDIT
    setup = mail.get_mail_setup(w.uow())
    assert setup.settings == SETTINGS and setup.password_saved
    assert mail.mail_password(setup.settings) == SMTP_PASSWORD
    (event,) = audit_events(db, "mail.settings")
    after = json.loads(event.after_json)
    assert after["host"] == "smtp.riverbend.example" and after["password"] == "changed"
    assert SMTP_PASSWORD not in event.after_json + (event.before_json or "")
    events = audit_count(db)
    assert mail.update_mail_settings(w.uow(), w.admin, SETTINGS).changes == Change.NONE  # nothing new
    assert audit_count(db) == events


def test_preceptors_and_viewers_may_neither_change_the_settings_nor_send(db) -> None:
    w = build_world(db)
    before = snapshot(db)
    for actor in (w.preceptor, w.viewer):
        with pytest.raises(PermissionDenied, match="change the mail settings"):
            mail.update_mail_settings(w.uow(), actor, SETTINGS, password="x")
        with pytest.raises(PermissionDenied, match="send e-mail"):
            mail.send_test(w.uow(), actor, "someone@riverbend.example")
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"host": "smtp://mail.example"}, "not a host name"),
        ({"port": 0}, "between 1 and 65535"),
        ({"security": "none"}, "only sent over an encrypted connection"),
        ({"sender_address": "education office"}, "not one e-mail address"),
        ({"reply_to": "help@localhost"}, "not a complete e-mail address"),
        ({"ca_file": "/nowhere/smtp.pem"}, "does not exist on this computer"),
    ],
)
def test_settings_that_cannot_work_are_refused_saying_what_to_change(db, change, message) -> None:
    w = build_world(db)
    before = snapshot(db)
    with pytest.raises(ValidationError, match=message):
        mail.update_mail_settings(w.uow(), w.educator, replace(SETTINGS, **change), password="x")
    assert snapshot(db) == before
    assert not (paths.data_dir() / "mail-passwords.json").exists()


def test_a_new_account_takes_the_saved_password_along_and_no_user_forgets_it(db) -> None:
    w = build_world(db)
    mail.update_mail_settings(w.uow(), w.educator, SETTINGS, password=SMTP_PASSWORD)
    moved = replace(SETTINGS, host="mail.riverbend.example")
    mail.update_mail_settings(w.uow(), w.educator, moved)
    assert mail.mail_password(moved) == SMTP_PASSWORD and mail.mail_password(SETTINGS) == ""
    anonymous = replace(moved, username="", security="none", port=25)
    mail.update_mail_settings(w.uow(), w.educator, anonymous)
    assert not mail.get_mail_setup(w.uow()).password_saved
    assert mail.mail_password(moved) == ""


def test_the_test_message_arrives_and_is_audited(db, smtp_starttls_server) -> None:
    w = build_world(db)
    mail.update_mail_settings(w.uow(), w.educator, smtp_starttls_server.settings())
    mail.send_test(w.uow(), w.educator, "  ward7@riverbend.example ")
    (got,) = smtp_starttls_server.received
    assert got.recipients == ("ward7@riverbend.example",)
    (event,) = audit_events(db, "mail.test")
    assert "ward7@riverbend.example" in event.after_json


def test_a_test_message_that_fails_says_why_and_records_nothing(db, smtp_starttls_server) -> None:
    w = build_world(db)
    mail.update_mail_settings(w.uow(), w.educator, smtp_starttls_server.settings(ca_file=""))
    events = audit_count(db)
    with pytest.raises(MailError, match="cannot be verified"):
        mail.send_test(w.uow(), w.educator, "ward7@riverbend.example")
    assert audit_count(db) == events and smtp_starttls_server.received == []


def test_the_password_is_nowhere_in_the_database_the_audit_log_or_the_logs(db, smtp_auth_server, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    w = build_world(db)
    mail.update_mail_settings(w.uow(), w.educator, smtp_auth_server.settings(), password=SMTP_PASSWORD)
    mail.send_test(w.uow(), w.educator, "ward7@riverbend.example")
    assert len(smtp_auth_server.received) == 1  # the password was used, and it worked
    with db.unit_of_work() as uow:
        for table in Base.metadata.sorted_tables:
            for row in uow.session.execute(select(table)):
                assert SMTP_PASSWORD not in repr(tuple(row)), table.name
    # Every file of the data folder (and the SQLite database with its write-ahead log), dumped, unzipped and
    # searched for the password as typed, in hex, base64, UTF-16 or as an unsalted digest.
    files = [f for f in paths.data_dir().rglob("*") if f.is_file()]
    if db.is_sqlite:
        files += list(db.sqlite_path.parent.glob(db.sqlite_path.name + "*"))
    forms = secret_forms(SMTP_PASSWORD)
    assert files and not [(v.where, found(v, forms)) for f in files for v in views(f) if found(v, forms)]
    app_records = [r for r in caplog.records if not r.name.startswith("mail.log")]  # not the test server's own
    assert app_records and not any(SMTP_PASSWORD in r.getMessage() for r in app_records)

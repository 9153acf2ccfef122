"""credtrack-cli reminders and calendar: what is due, a dry run, sending through a loopback SMTP server (once
only), the rules and wording with what is refused, and calendar files."""

from __future__ import annotations

import re

from icalendar import Calendar
from sqlalchemy import select

from credtrack.demo import DEMO_PASSWORD
from credtrack.models import Cohort
from credtrack.services.mail import update_mail_settings
from credtrack.services.permissions import SYSTEM
from tests.mailserver import free_port
from tests.unit.test_cli_records import ADMIN_PASSWORD, cli  # noqa: F401 - the fixture


def test_reminders_from_the_command_line(cli, db, smtp_server, tmp_path) -> None:  # noqa: F811 - the fixture
    assert cli("init", "--demo", "--admin", "admin", password=ADMIN_PASSWORD)[0] == 0
    assert cli("demo", "--people", "50")[0] == 0  # (fewer leave nobody overdue on some days)

    code, out, _ = cli("reminders", "due", user="educator", password=DEMO_PASSWORD)
    assert code == 0, out
    due = int(re.match(r"(\d+) reminders? due", out).group(1))  # type: ignore[union-attr]
    assert due > 0 and "Subject: Overdue:" in out and "Dear " in out

    code, out, _ = cli("reminders", "send", "--dry-run")
    assert code == 0 and out.endswith("Dry run: nothing was sent or recorded.\n")
    assert cli("reminders", "history")[1] == ""

    # A mail server nobody answers at: every reminder stays queued, the exit code says it failed.
    update_mail_settings(db.unit_of_work(), SYSTEM, smtp_server.settings(port=free_port()))
    code, out, _ = cli("reminders", "send")
    assert code != 0 and out.startswith(f"0 sent, 0 failed (kept to retry), {due} not tried (still queued)"), out
    assert "Could not reach the mail server" in out
    assert cli("reminders", "history")[1].count(" queued ") == due

    update_mail_settings(db.unit_of_work(), SYSTEM, smtp_server.settings())
    code, out, _ = cli("reminders", "send")
    assert code == 0 and out.startswith(f"{due} sent, 0 failed"), out
    assert len(smtp_server.received) == due
    code, out, _ = cli("reminders", "send")
    assert out.startswith("0 sent") and len(smtp_server.received) == due  # a second run sends nothing again
    assert cli("reminders", "history")[1].count(" sent ") == due

    code, out, _ = cli("reminders", "set-rule", "--credential", "IPC-FOUND", "--days", "60,14", "--no-overdue")
    assert code == 0 and "60, 14 days before; on expiry; copy unit educator" in out
    code, _out, err = cli("reminders", "set-rule", "--days", "90,ninety")
    assert code != 0 and "'ninety' is not a number of days" in err
    assert "credential IPC-FOUND" in cli("reminders", "rules")[1]

    body = tmp_path / "body.txt"
    body.write_text("Dear {name}, {credential} by {deadline}.", encoding="utf-8")
    code, _out, err = cli("reminders", "set-template", "overdue", "--body-file", str(body))
    assert code != 0 and "{deadline}, which is not a placeholder" in err
    assert "{still_needed}" in cli("reminders", "templates")[1]

    code, out, err = cli("reminders", "unit-educator", "Emergency", "--email", "ed.emergency@example.org")
    assert code == 0 and "copy ed.emergency@example.org" in out, err

    ics = tmp_path / "cohort.ics"
    with db.unit_of_work() as uow:
        cohort = uow.session.scalars(select(Cohort.code).order_by(Cohort.code)).first()
    code, out, err = cli("calendar", "cohort", cohort, "--out", str(ics))
    assert code == 0, err
    events = int(out.split()[0])
    assert len(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")) == events

    code, _out, err = cli("reminders", "due", user="viewer", password=DEMO_PASSWORD)
    assert code != 0 and "view reminders" in err

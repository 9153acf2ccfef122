"""The demo's mail settings: a relay on this computer, no password, audited with the rest of the demo."""

from __future__ import annotations

import datetime as dt

from credtrack import demo
from credtrack.demo_mail import DEMO_MAIL
from credtrack.mail import secret
from credtrack.services import mail
from credtrack.services.audit import check as audit_check


def test_the_demo_sends_through_a_local_relay_without_a_password(sqlite_db) -> None:
    demo.load_demo(sqlite_db, 5, today=dt.date(2026, 6, 15))
    setup = mail.get_mail_setup(sqlite_db.unit_of_work())
    assert setup.settings == DEMO_MAIL and setup.settings.configured
    assert (setup.settings.host, setup.settings.username, setup.password_saved) == ("localhost", "", False)
    assert not secret.has_password("localhost", "")
    with sqlite_db.unit_of_work() as uow:
        verdict = audit_check.verify(uow.session)
    assert verdict.intact, verdict.describe()

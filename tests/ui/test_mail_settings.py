"""Settings › Mail: staff save the server and send a test message to a real SMTP server on loopback."""

from __future__ import annotations

from PySide6.QtCore import Qt

from credtrack.demo import DEMO_PASSWORD
from credtrack.services import mail
from credtrack.ui.pages.settings import SettingsPage
from tests.mailserver import SMTP_PASSWORD
from tests.ui.conftest import open_page


def fill(page, server, **extra) -> None:
    panel = page.mail
    panel.host.setText("127.0.0.1")
    panel.security.setCurrentIndex(panel.security.findData(server.security))
    panel.port.setValue(server.port)
    panel.sender_address.setText("education@riverbend.example")
    panel.sender_name.setText("Riverbend Education Office")
    panel.ca_file.setText(str(server.certificate.cert_file) if server.certificate else "")
    for name, value in extra.items():
        getattr(panel, name).setText(value)


def test_staff_save_the_mail_settings_and_send_a_test_message(qtbot, demo_ctx, demo_db, boxes, smtp_auth_server):
    page = open_page(qtbot, SettingsPage, demo_ctx("educator", DEMO_PASSWORD))
    assert page.mail.isVisible()
    fill(page, smtp_auth_server, username="education-office", password=SMTP_PASSWORD)
    qtbot.mouseClick(page.mail.save_button, Qt.MouseButton.LeftButton)
    assert boxes.shown[-1] == ("info", "Saved", "The mail settings were saved.")
    setup = mail.get_mail_setup(demo_db.unit_of_work())
    assert setup.settings.port == smtp_auth_server.port and setup.password_saved
    assert page.mail.password.text() == "" and "leave empty to keep" in page.mail.password.placeholderText()
    assert "never in the database" in page.mail.password_note.text()

    page.mail.test_to.setText("ward7@riverbend.example")
    qtbot.mouseClick(page.mail.test_button, Qt.MouseButton.LeftButton)
    assert boxes.shown[-1][:2] == ("info", "Test message sent")
    (got,) = smtp_auth_server.received
    assert got.recipients == ("ward7@riverbend.example",) and got.message["Subject"] == "credtrack: test message"


def test_a_server_whose_certificate_is_not_trusted_is_explained(qtbot, demo_ctx, boxes, smtp_starttls_server):
    page = open_page(qtbot, SettingsPage, demo_ctx("educator", DEMO_PASSWORD))
    fill(page, smtp_starttls_server, ca_file="")
    qtbot.mouseClick(page.mail.save_button, Qt.MouseButton.LeftButton)
    page.mail.test_to.setText("ward7@riverbend.example")
    qtbot.mouseClick(page.mail.test_button, Qt.MouseButton.LeftButton)
    kind, _title, text = boxes.shown[-1]
    assert kind == "error" and "cannot be verified" in text and "Certificate to trust" in text
    assert smtp_starttls_server.received == [] and page.mail.test_button.isEnabled()


def test_the_mail_section_is_not_offered_to_preceptors(qtbot, demo_ctx):
    page = open_page(qtbot, SettingsPage, demo_ctx("preceptor", DEMO_PASSWORD))
    assert not page.mail.isVisible()

"""Settings › Mail: the SMTP server credtrack e-mails certificates through, and 'Send a test message'."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from credtrack.mail.settings import DEFAULT_PORTS, SECURITY, MailSettings
from credtrack.services import mail
from credtrack.ui import crash, messages, style

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

CERTIFICATE_FILES = "Certificates (*.pem *.crt *.cer);;All files (*)"


class MailPanel(QGroupBox):
    """Shown to staff, who may change the settings and send; the password goes to the keyring, not the database."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Mail (for e-mailing certificates to learners)", parent)
        self.ctx = ctx
        self.setup: mail.MailSetup | None = None
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. smtp.riverbend.example")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        for key, label in SECURITY.items():
            self.security.addItem(label, key)
        self.security.currentIndexChanged.connect(self._security_changed)
        self.username = QLineEdit()
        self.username.setPlaceholderText("Empty if the server takes mail without signing in")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_note = QLabel()
        style.set_role(self.password_note, "subtitle")
        self.password_note.setWordWrap(True)
        self.sender_address = QLineEdit()
        self.sender_address.setPlaceholderText("e.g. education@riverbend.example")
        self.sender_name = QLineEdit()
        self.sender_name.setPlaceholderText("e.g. Riverbend Education Office")
        self.reply_to = QLineEdit()
        self.reply_to.setPlaceholderText("Optional: where learners' replies go")
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText("Optional: a self-signed server's certificate (PEM)")
        self.ca_button = QPushButton("Choose…")
        self.ca_button.setAccessibleName("Choose the certificate to trust")
        self.ca_button.clicked.connect(self._choose_ca)
        self.save_button = QPushButton("Save mail settings")
        self.save_button.clicked.connect(self.save)
        self.test_to = QLineEdit()
        self.test_to.setPlaceholderText("Send to, e.g. your own address")
        self.test_button = QPushButton("Send a test message")
        self.test_button.clicked.connect(self.send_test)
        for field, name in (
            (self.host, "Mail server"),
            (self.port, "Port"),
            (self.security, "Security"),
            (self.username, "User name"),
            (self.password, "Password"),
            (self.sender_address, "Sender address"),
            (self.sender_name, "Sender name"),
            (self.reply_to, "Reply-to address"),
            (self.ca_file, "Certificate to trust"),
            (self.test_to, "Test message recipient"),
        ):
            field.setAccessibleName(name)
        form = QFormLayout(self)
        server = QHBoxLayout()
        server.addWidget(self.host, 1)
        server.addWidget(self.port)
        form.addRow("Mail server and port", server)
        form.addRow("Security", self.security)
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        form.addRow("", self.password_note)
        form.addRow("Sender address", self.sender_address)
        form.addRow("Sender name", self.sender_name)
        form.addRow("Reply-to", self.reply_to)
        trust = QHBoxLayout()
        trust.addWidget(self.ca_file, 1)
        trust.addWidget(self.ca_button)
        form.addRow("Certificate to trust", trust)
        form.addRow("", self.save_button)
        test = QHBoxLayout()
        test.addWidget(self.test_to, 1)
        test.addWidget(self.test_button)
        form.addRow("Test", test)
        self.tab_stops: list[QWidget] = [
            self.host,
            self.port,
            self.security,
            self.username,
            self.password,
            self.sender_address,
            self.sender_name,
            self.reply_to,
            self.ca_file,
            self.ca_button,
            self.save_button,
            self.test_to,
            self.test_button,
        ]

    def reload(self) -> None:
        ctx = self.ctx
        ctx.run(lambda _c: mail.get_mail_setup(ctx.uow()), self.set_setup, parent=self)

    def set_setup(self, setup: mail.MailSetup) -> None:
        self.setup = setup
        s = setup.settings
        self.host.setText(s.host)
        self.security.setCurrentIndex(max(0, self.security.findData(s.security)))
        self.port.setValue(s.port)
        self.username.setText(s.username)
        self.password.clear()
        self.password.setPlaceholderText("Saved: leave empty to keep it" if setup.password_saved else "")
        self.password_note.setText(f"The password is kept in {setup.password_store}, never in the database.")
        self.sender_address.setText(s.sender_address)
        self.sender_name.setText(s.sender_name)
        self.reply_to.setText(s.reply_to)
        self.ca_file.setText(s.ca_file)

    def settings(self) -> MailSettings:
        base = self.setup.settings if self.setup else MailSettings()
        return replace(
            base,
            host=self.host.text(),
            port=self.port.value(),
            security=self.security.currentData(),
            username=self.username.text(),
            sender_address=self.sender_address.text(),
            sender_name=self.sender_name.text(),
            reply_to=self.reply_to.text(),
            ca_file=self.ca_file.text(),
        )

    def _security_changed(self) -> None:
        # A port still at another choice's usual number follows the new choice; one typed in stays.
        if self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[self.security.currentData()])

    def _choose_ca(self) -> None:
        chosen = messages.open_file_name(self, "Choose the mail server's certificate", CERTIFICATE_FILES)
        if chosen:
            self.ca_file.setText(chosen)

    def save(self) -> None:
        ctx, values = self.ctx, self.settings()
        password = self.password.text() or None

        def done(_value: Any) -> None:
            self.reload()
            messages.show_info(self, "Saved", "The mail settings were saved.")

        def work() -> Any:
            return mail.update_mail_settings(ctx.uow(), ctx.actor, values, password=password)

        ctx.mutate(work, done, parent=self)

    def send_test(self) -> None:
        ctx, to = self.ctx, self.test_to.text()
        if not to.strip():
            messages.show_error(self, "Send a test message", "Enter the address to send the test message to.")
            return
        self.test_button.setEnabled(False)

        def done(_value: Any) -> None:
            self.test_button.setEnabled(True)
            messages.show_info(self, "Test message sent", f"The test message was sent to {to.strip()}.")

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            crash.report(exc, self)  # a MailError's words say what to check; anything else is apologised for

        ctx.run(lambda _c: mail.send_test(ctx.uow(), ctx.actor, to), done, parent=self, on_error=failed)

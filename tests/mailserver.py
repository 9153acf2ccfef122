"""Real SMTP servers on loopback for the mail tests (aiosmtpd), each on a free port.

Also: no test reaches the system keyring (``no_keyring``, for every test); ``memory_keyring`` stands in for one.

``smtp_server`` takes plain SMTP; ``smtp_starttls_server`` requires STARTTLS with a self-signed certificate
made here (its file is what the settings trust, so verification stays on); ``smtp_tls_server`` speaks TLS from
the first byte; ``smtp_auth_server`` requires STARTTLS and a user name and password; ``flaky_smtp_server`` takes
``accept`` messages, then refuses the next with 421 and closes (``mode = "refuse"``) or drops the connection
without a word (``mode = "drop"``). Any of them answers 550 to the addresses in ``refuse_recipients``.
Each keeps the messages it accepted in ``received``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from credtrack.mail.settings import PLAIN, STARTTLS, TLS, MailSettings

SMTP_USER = "education-office"
SMTP_PASSWORD = "Smtp-pa55word-7Qx!"  # distinctive, so a test can look for it anywhere it must not be


@dataclass(frozen=True)
class Received:
    mail_from: str
    recipients: tuple[str, ...]
    message: EmailMessage


@dataclass(frozen=True)
class SelfSigned:
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_self_signed(folder: Path) -> SelfSigned:
    """A certificate for localhost and 127.0.0.1 signed by its own key, written as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return SelfSigned(cert_file, key_file)


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self._server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self._server.refuse_recipients:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        box = self._server
        if box.accept is not None and len(box.received) >= box.accept:
            if box.mode == "drop":
                server.transport.close()
                return "421 4.3.0 gone"  # never reaches the client: the connection is already closed
            server.transport.write(b"421 4.3.2 Too much mail from you, closing\r\n")
            server.transport.close()
            return "421 4.3.2 closing"
        content = envelope.original_content or envelope.content
        message = email.message_from_bytes(content, policy=email.policy.default)
        box.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """One aiosmtpd server on 127.0.0.1, and the settings that reach it."""

    def __init__(self, security: str, certificate: SelfSigned | None = None, *, auth: bool = False) -> None:
        self.security = security
        self.certificate = certificate
        self.auth = auth
        self.received: list[Received] = []
        self.accept: int | None = None  # how many more messages before refusing; None: no limit
        self.mode = "refuse"
        self.refuse_recipients: set[str] = set()  # addresses answered "550 no such mailbox"
        self.port = free_port()
        kwargs: dict = {}
        if security == STARTTLS:
            assert certificate is not None
            kwargs.update(tls_context=certificate.server_context(), require_starttls=True)
        elif security == TLS:
            assert certificate is not None
            kwargs.update(ssl_context=certificate.server_context(), server_hostname="localhost")
        if auth:
            kwargs.update(authenticator=_authenticate, auth_required=True, auth_require_tls=True)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **kwargs)

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def settings(self, **overrides) -> MailSettings:
        values: dict = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "sender_address": "education@riverbend.example",
            "sender_name": "Riverbend Education Office",
            "timeout_seconds": 10,
        }
        if self.certificate is not None and self.security != PLAIN:
            values["ca_file"] = str(self.certificate.cert_file)
        if self.auth:
            values["username"] = SMTP_USER
        return replace(MailSettings(**values), **overrides)

    def recipients(self) -> list[str]:
        return [address for item in self.received for address in item.recipients]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend kept in memory: what a desktop's keyring does, without a desktop."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def no_keyring():  # every test: none ever writes into the keyring of the person running them
    """No system keyring, as on CI: the password goes to the encrypted file unless a test installs one."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(no_keyring):
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture(scope="session")
def smtp_certificate(tmp_path_factory) -> SelfSigned:
    return make_self_signed(tmp_path_factory.mktemp("smtp-tls"))


def _serve(server: MailServer):
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server():
    yield from _serve(MailServer(PLAIN))


@pytest.fixture
def smtp_starttls_server(smtp_certificate):
    yield from _serve(MailServer(STARTTLS, smtp_certificate))


@pytest.fixture
def smtp_tls_server(smtp_certificate):
    yield from _serve(MailServer(TLS, smtp_certificate))


@pytest.fixture
def smtp_auth_server(smtp_certificate):
    yield from _serve(MailServer(STARTTLS, smtp_certificate, auth=True))


@pytest.fixture
def flaky_smtp_server():
    """Plain SMTP that takes ``accept`` messages and then refuses or drops; set ``accept = None`` to heal it."""
    yield from _serve(MailServer(PLAIN))

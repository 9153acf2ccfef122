"""Security basics over a whole working session through the real credtrack-cli, run as its own processes.

A session sets up a demo database (once with a passphrase on the signing key, once with the default,
unprotected key), signs off with re-entered passwords, issues certificates to one person and to a
cohort, revokes one, exports lists, reports, a transcript, the audit log, the verifier page, the trust
bundle and the key, makes backups, and fails in the ways people do: wrong passwords, a password typed as
the user name, a too-short passphrase, a garbage backup, an unexpected error written to the crash log.

Afterwards every file in the data folder and every file written out, with whatever is inside it (zip
members, PDF streams, SQLite tables), and every line the commands printed, is searched for the
passwords, the passphrases and the private key in every form they could be kept in. Only the key's own
files may hold it, and encrypted wherever a passphrase was chosen. Argon2id hashes are the only trace
of a password. The modes of the key, its folder, the database and the backups are checked too.

Lock-out rules themselves are tested on the service (tests/unit/records/test_accounts.py: five wrong
passwords pause a name on a workstation, the pause wears off, unknown names count alike and are never
stored; tests/unit/records/test_signing.py: wrong signing passwords lock the account); here the same
rules are seen through the command line and in the audit export an auditor gets.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.integration.secret_scan import View, found, private_key_forms, secret_forms, views

REPO = Path(__file__).resolve().parents[2]

ADMIN_PW = "Admin-Secret-pw-4711"
PRECEPTOR_PW = "Preceptor-Secret-pw-3390"
VIEWER_PW = "Viewer-Secret-pw-6024"
WRONG_PW = "Almost-Admin-pw-4712"  # a near miss of the admin's: typed, so it must not be kept either
NAME_TYPED_PW = "Typed-As-Name-pw-9153"  # someone types their password into the user-name field
KEY_PASS = "Key-Passphrase-8812-zz"
EXPORT_PASS = "Export-Passphrase-5521"
WRONG_EXPORT_PASS = "Wrong-Export-Pass-7730"
SHORT_PASS = "Shrt-pw-7"  # refused as too short: the refusal must not repeat it
BACKUP_PASS = "Backup-Passphrase-2048"
DB_PASSWORD = "Db-Server-Secret-6161"  # a PostgreSQL password in a database address that cannot connect

SECRETS = {name: value for name, value in globals().items() if name.endswith(("_PW", "_PASS", "_PASSWORD"))}


@dataclass
class Session:
    work: Path
    passphrase: str | None
    printed: list[tuple[list[str], str]] = field(default_factory=list)

    @property
    def home(self) -> Path:
        return self.work / "home"

    @property
    def out(self) -> Path:
        return self.work / "out"

    def cli(
        self, *args: str, user: str | None = "admin", password: str | None = ADMIN_PW, ok: bool = True, **env: str
    ) -> subprocess.CompletedProcess:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CREDTRACK_")}
        environment.update(CREDTRACK_HOME=str(self.home), PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen", **env)
        if user:
            environment["CREDTRACK_USER"] = user
        if password is not None:
            environment["CREDTRACK_PASSWORD"] = password
        if self.passphrase:
            environment.setdefault("CREDTRACK_KEY_PASSPHRASE", self.passphrase)
        done = subprocess.run(
            [sys.executable, "-m", "credtrack.cli", *args],
            env=environment,
            cwd=self.work,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            preexec_fn=lambda: os.umask(0o022),
        )  # a usual umask: others could read new files
        self.printed.append((list(args), done.stdout + done.stderr))
        assert (done.returncode == 0) == ok, (args, done.returncode, done.stdout, done.stderr)
        return done

    def python(self, code: str) -> None:
        """Run ``code`` in a process of its own with this session's data folder (for the crash log)."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CREDTRACK_")}
        environment.update(CREDTRACK_HOME=str(self.home), PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=environment,
            cwd=self.work,
            capture_output=True,
            text=True,
            preexec_fn=lambda: os.umask(0o022),
        )
        self.printed.append((["python"], done.stdout + done.stderr))
        assert done.returncode == 0, done.stderr

    def query(self, sql: str) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.home / 'credtrack.db'}?mode=ro", uri=True)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def key_file(self) -> Path:
        (kid,) = self.query("SELECT kid FROM issuer_key WHERE status = 'active'")[0]
        return self.home / "keys" / f"{kid}.pem"

    def private_key(self):
        return serialization.load_pem_private_key(
            self.key_file().read_bytes(), self.passphrase.encode() if self.passphrase else None
        )

    def written_files(self) -> list[Path]:
        return sorted(p for p in [*self.home.rglob("*"), *self.out.rglob("*")] if p.is_file())


CRASH = f"""
from credtrack.ui import crash
from credtrack.services.database import open_database
from credtrack.services import accounts
try:
    db = open_database("postgresql+psycopg://credtrack:{DB_PASSWORD}@127.0.0.1:9/credtrack")
    accounts.log_in(db.unit_of_work(), "admin", "{ADMIN_PW}")
except Exception as exc:
    crash.log_only(exc, "signing in")
else:
    raise SystemExit("the database address was expected not to answer")
print(crash.log_file())
"""


def _demo(s: Session) -> tuple[str, str]:
    """init, the signing key, the demo; returns the person and credential the demo left ready to issue."""
    s.cli("init", "--demo", "--admin", "admin", user=None)
    if s.passphrase:
        s.cli("keys", "create", "--passphrase-env", "CT_KEY_PASS", CT_KEY_PASS=s.passphrase)
    printed = s.cli("demo", "--people", "30", user=None, password=None).stdout
    ready = next(line for line in printed.splitlines() if line.startswith("Ready to issue:")).split()
    return ready[ready.index("--person") + 1], ready[ready.index("--credential") + 1]


def _everyday_work(s: Session, person: str, credential: str) -> None:
    s.cli(
        "users", "add", "sec.prec", "--role", "preceptor", "--name", "Sam Okafor", CREDTRACK_NEW_PASSWORD=PRECEPTOR_PW
    )
    s.cli("users", "add", "sec.viewer", "--role", "viewer", "--name", "Quality desk", CREDTRACK_NEW_PASSWORD=VIEWER_PW)
    signoff = ("signoff", person, "C1", "--scale", "ENTRUST5", "--level", "4", "--date", "2026-01-15", "--attest")
    s.cli(*signoff, user="sec.prec", password=PRECEPTOR_PW)  # the password re-entered to sign
    s.cli(*signoff, user="sec.prec", password=WRONG_PW, ok=False)
    code = s.cli("issue", "--person", person, "--credential", credential, "--out", "out/pdfs").stdout.split()[0]
    (cohort,) = s.query("SELECT code FROM cohort ORDER BY id LIMIT 1")[0]
    s.cli("issue-cohort", cohort, "--out", "out/cohort", "--workers", "1")
    s.cli("revoke", code, "--reason", "Issued to the wrong credential")
    s.cli("verify", code, ok=False)  # revoked: a verdict of its own
    for what in ("people", "enrolments", "completions", "assessments"):
        for ext in ("csv", "xlsx"):
            s.cli("export", what, "--out", f"out/{what}.{ext}")
    s.cli("report", "completion-by-profession", "--out", "out/by-profession.xlsx")
    s.cli("report", "expiring", "--cohort", cohort, "--out", "out/expiring.csv")
    s.cli("transcript", person, "--out", "out/transcript.pdf")


def _exports_and_backups(s: Session) -> None:
    s.cli("audit", "checkpoint")
    s.cli("revocations", "export", "out/revocations.jwt")
    s.cli("keys", "export-jwks", "out/jwks.json")
    s.cli("verifier", "export", "out/verifier.html")
    s.cli("trust", "export-bundle", "out/bundle.json")
    s.cli("keys", "export-private", "out/short.pem", "--passphrase-env", "CT_EXPORT", CT_EXPORT=SHORT_PASS, ok=False)
    s.cli("keys", "export-private", "out/key-export.pem", "--passphrase-env", "CT_EXPORT", CT_EXPORT=EXPORT_PASS)
    if s.passphrase:
        s.cli("db", "backup")  # the key goes in under its own passphrase
    else:
        s.cli("db", "backup", "--passphrase-env", "CT_BACKUP", CT_BACKUP=SHORT_PASS, ok=False)
        s.cli("db", "backup", "--passphrase-env", "CT_BACKUP", CT_BACKUP=BACKUP_PASS)
    s.cli("db", "backup", "--to", "out/backups", "--passphrase-env", "CT_BACKUP", CT_BACKUP=BACKUP_PASS)


def _mistakes(s: Session) -> None:
    for _ in range(2):
        s.cli("users", "list", password=WRONG_PW, ok=False)
    s.cli("users", "list", user=NAME_TYPED_PW, password=ADMIN_PW, ok=False)
    for _ in range(5):
        s.cli("people", "find", "Lan", user="sec.viewer", password=WRONG_PW, ok=False)
    paused = s.cli("people", "find", "Lan", user="sec.viewer", password=VIEWER_PW, ok=False)
    assert "paused" in paused.stderr
    s.cli("issue", "--person", "NO-SUCH-ID", "--credential", "IPC-FOUND", "--out", "out/pdfs", ok=False)
    (s.out / "not-a-backup.zip").write_bytes(b"this is not a credtrack backup")
    s.cli("db", "restore", "out/not-a-backup.zip", ok=False)
    s.cli(
        "keys", "install", "out/key-export.pem", "--passphrase-env", "CT_EXPORT", CT_EXPORT=WRONG_EXPORT_PASS, ok=False
    )
    s.python(CRASH)
    s.cli("audit", "export", "out/audit.zip")
    s.cli("audit", "verify-export", "out/audit.zip")
    s.cli("db", "check")


def _run_session(work: Path, passphrase: str | None, *, whole: bool) -> Session:
    """Everything with a key passphrase (``whole``); with the default key, what the key changes: the demo
    making it, issuing, signed exports, the key export, backups and the crash log."""
    s = Session(work, passphrase)
    s.out.mkdir(parents=True)
    person, credential = _demo(s)
    if whole:
        _everyday_work(s, person, credential)
    else:
        s.cli("issue", "--person", person, "--credential", credential, "--out", "out/pdfs")
    _exports_and_backups(s)
    if whole:
        _mistakes(s)
    else:
        s.python(CRASH)
        s.cli("audit", "export", "out/audit.zip")
    return s


@pytest.fixture(scope="module")
def protected(tmp_path_factory) -> Session:
    """The whole session, the signing key under a passphrase."""
    return _run_session(tmp_path_factory.mktemp("key-passphrase"), KEY_PASS, whole=True)


@pytest.fixture(scope="module")
def unprotected(tmp_path_factory) -> Session:
    """The default: the demo makes the signing key, without a passphrase."""
    return _run_session(tmp_path_factory.mktemp("default-key"), None, whole=False)


@pytest.fixture(params=["key passphrase", "default key"])
def session(request) -> Session:
    return request.getfixturevalue("protected" if request.param == "key passphrase" else "unprotected")


def _key_homes(s: Session) -> set[Path]:
    """The files allowed to hold the private key: the key file and the export made for another workstation."""
    return {s.key_file(), s.out / "key-export.pem"}


def test_no_password_passphrase_or_private_key_anywhere_but_the_key_files(session) -> None:
    forms = {name: secret_forms(value) for name, value in SECRETS.items()}
    key_forms = private_key_forms(session.private_key())
    unencrypted_key = None if session.passphrase else session.key_file()
    leaks, looked_into = [], set()
    for path in session.written_files():
        for view in views(path):
            looked_into.add(view.where.rpartition("!")[2] if "!" in view.where else "")
            leaks += [
                f"{view.where}: {secret} ({how})"
                for secret, secret_forms_ in forms.items()
                for how in found(view, secret_forms_)
            ]
            if path != unencrypted_key:
                leaks += [f"{view.where}: the private key ({how})" for how in found(view, key_forms)]
            if b"PRIVATE KEY" in view.data:
                is_key_member = view.where.endswith("!signing-key.pem")
                if path not in _key_homes(session) and not is_key_member:
                    leaks.append(f"{view.where}: a PEM private key outside the key files")
                elif path != unencrypted_key and b"ENCRYPTED PRIVATE KEY" not in view.data:
                    leaks.append(f"{view.where}: an unencrypted private key")
    for args, text in session.printed:
        printed = View("output", text.encode("utf-8"))
        leaks += [
            f"output of {' '.join(args)}: {secret} ({how})"
            for secret, secret_forms_ in forms.items()
            for how in found(printed, secret_forms_)
        ]
    assert leaks == [], "\n".join(leaks)
    # The search read inside the database, the backups and the audit export, and the PDFs' streams.
    assert {"dump", "credtrack.db", "signing-key.pem", "events.jsonl", "stream0"} <= looked_into


def test_the_session_wrote_what_the_search_must_cover(session) -> None:
    names = {p.relative_to(session.work).as_posix() for p in session.written_files()}
    assert "home/credtrack.db" in names and "home/logs/credtrack.log" in names
    assert any(n.startswith("home/backups/") and n.endswith(".zip") for n in names)
    assert {
        "out/audit.zip",
        "out/verifier.html",
        "out/key-export.pem",
        "out/bundle.json",
        "out/revocations.jwt",
        "home/audit-checkpoints.jsonl",
    } <= names
    if session.passphrase:  # the whole session
        assert {
            "out/people.xlsx",
            "out/assessments.csv",
            "out/by-profession.xlsx",
            "out/transcript.pdf",
            "home/login-names.key",
        } <= names
    log = (session.home / "logs" / "credtrack.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "signing in failed" in log  # the crash log holds the whole error


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_database_and_backups_are_owner_only(session) -> None:
    key = session.key_file()
    assert _mode(key) == 0o600 and _mode(key.parent) == 0o700
    assert _mode(session.home) == 0o700
    db_files = [p for p in session.home.iterdir() if p.name.startswith("credtrack.db")]
    assert db_files and {p.name: _mode(p) for p in db_files} == {p.name: 0o600 for p in db_files}
    backups = [*(session.home / "backups").glob("*.zip"), *(session.out / "backups").glob("*.zip")]
    assert len(backups) >= 2 and {_mode(p) for p in backups} == {0o600}
    assert _mode(session.home / "backups") == 0o700 and _mode(session.out / "backups") == 0o700
    assert _mode(session.out / "key-export.pem") == 0o600
    assert _mode(session.home / "logs" / "credtrack.log") == 0o600 and _mode(session.home / "logs") == 0o700
    if session.passphrase:
        assert _mode(session.home / "login-names.key") == 0o600


def test_the_key_file_is_encrypted_exactly_when_a_passphrase_was_chosen(session) -> None:
    pem = session.key_file().read_bytes()
    if session.passphrase:
        assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        with pytest.raises(TypeError):  # no use without the passphrase
            serialization.load_pem_private_key(pem, None)
    else:
        assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    for backup in (session.home / "backups").glob("*.zip"):
        with zipfile.ZipFile(backup) as archive:
            member = archive.read("signing-key.pem")
        assert member.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        passphrase = session.passphrase or BACKUP_PASS
        assert (
            serialization.load_pem_private_key(member, passphrase.encode()).private_numbers()
            == session.private_key().private_numbers()
        )


def _audited(s: Session) -> list[dict]:
    with zipfile.ZipFile(s.out / "audit.zip") as archive:
        return [json.loads(line) for line in archive.read("events.jsonl").decode().splitlines()]


def test_every_failed_sign_in_of_the_session_is_in_the_audit_export(protected) -> None:
    events = _audited(protected)

    def actions(actor: str) -> list[str]:
        return [e["action"] for e in events if e["actor"] == actor and e["action"].startswith("user.")]

    assert actions("sec.viewer") == [*["user.login_failed"] * 4, "user.locked"]
    locked = next(e for e in events if e["action"] == "user.locked")
    assert json.loads(locked["after_json"])["paused_until"]  # a pause with an end, not a lock for good
    assert actions("sec.prec").count("user.login_failed") == 1  # the wrong password re-entered to sign
    assert actions("admin").count("user.login_failed") == 2
    unknown = [e for e in events if e["action"] == "login.unknown_name"]
    assert len(unknown) == 1 and unknown[0]["entity_id"] == ""  # the typed name is not kept

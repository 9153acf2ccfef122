"""First-run wizard: institution, first administrator, issuer key, and an offer of demo data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from credtrack import demo
from credtrack.services import keys, setup
from credtrack.services import settings as institution
from credtrack.services.accounts import users as accounts
from credtrack.services.database import open_database
from credtrack.services.permissions import SYSTEM
from credtrack.ui import crash, style
from credtrack.ui.keyboard import chain_tab_order
from credtrack.ui.tasks import TaskControl, TaskRunner
from credtrack.ui.widgets.institution_form import EXAMPLES

if TYPE_CHECKING:
    from credtrack.db import Database

MIN_PASSWORD = 10


@dataclass
class SetupAnswers:
    institution: str
    logo_path: str
    signatory_name: str
    signatory_title: str
    username: str
    display_name: str
    password: str
    key_passphrase: str
    demo_people: int  # 0 = no demo data


def _password(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class InstitutionPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your institution")
        self.setSubTitle("This is printed on every certificate. You can change it later in Settings.")
        self.name = QLineEdit()
        self.name.setAccessibleName("Institution name")
        self.name.setPlaceholderText(EXAMPLES["institution_name"])
        self.logo = QLineEdit()
        self.logo.setAccessibleName("Logo file")
        self.logo.setPlaceholderText(EXAMPLES["logo_path"])
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose a logo file")
        browse.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        self.signatory = QLineEdit()
        self.signatory.setAccessibleName("Signatory name")
        self.signatory.setPlaceholderText(EXAMPLES["signatory_name"])
        self.signatory_title = QLineEdit()
        self.signatory_title.setAccessibleName("Signatory title")
        self.signatory_title.setPlaceholderText(EXAMPLES["signatory_title"])
        form = QFormLayout(self)
        form.addRow("&Institution name", self.name)
        logo_label = QLabel("&Logo")
        logo_label.setBuddy(self.logo)  # a row holding a layout gets no buddy, so name it here
        form.addRow(logo_label, logo_row)
        form.addRow("&Signatory", self.signatory)
        form.addRow("Signatory &title", self.signatory_title)
        self.registerField("institution*", self.name)
        self.tab_stops: list[QWidget] = [self.name, self.logo, browse, self.signatory, self.signatory_title]

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a logo", "", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo.setText(path)

    def validatePage(self) -> bool:
        logo = self.logo.text().strip()
        if logo and not Path(logo).is_file():
            self.setSubTitle(f"The logo file {logo} does not exist. Choose another, or leave it empty.")
            return False
        return True


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("First administrator")
        self.setSubTitle("This account manages users, the signing key and backups. Keep its password safe.")
        self.username = QLineEdit("admin")
        self.username.setAccessibleName("Administrator user name")
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName("Administrator full name")
        self.password = _password("Administrator password")
        self.repeat = _password("Repeat administrator password")
        self.message = style.error_label()
        form = QFormLayout(self)
        form.addRow("&User name", self.username)
        form.addRow("&Full name", self.display_name)
        form.addRow("&Password", self.password)
        form.addRow("&Repeat password", self.repeat)
        form.addRow(self.message)
        self.registerField("username*", self.username)
        self.registerField("admin_password*", self.password)
        self.tab_stops: list[QWidget] = [self.username, self.display_name, self.password, self.repeat]

    def validatePage(self) -> bool:
        if len(self.password.text()) < MIN_PASSWORD:
            self.message.setText(f"The password needs at least {MIN_PASSWORD} characters.")
            return False
        if self.password.text() != self.repeat.text():
            self.message.setText("The two passwords are not the same.")
            return False
        if any(ch.isspace() for ch in self.username.text().strip()):
            self.message.setText("A user name may not contain spaces.")
            return False
        self.message.clear()
        return True


class KeyPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Signing key")
        self.setSubTitle(
            "credtrack signs every certificate so anyone can check it offline. A key pair is made now; "
            "the private half stays in this computer's data folder."
        )
        self.passphrase = _password("Key passphrase")
        self.repeat = _password("Repeat key passphrase")
        self.message = style.error_label()
        note = QLabel(
            "With a passphrase, a copy of the data folder cannot sign certificates without it; it is asked "
            "for whenever certificates are issued or a revocation list is exported. Without one, anyone "
            "who can read the data folder can sign certificates in your institution's name. Leave both "
            "empty for no passphrase."
        )
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(note)
        form.addRow("&Passphrase (optional)", self.passphrase)
        form.addRow("&Repeat passphrase", self.repeat)
        form.addRow(self.message)
        self.tab_stops: list[QWidget] = [self.passphrase, self.repeat]

    def validatePage(self) -> bool:
        if self.passphrase.text() != self.repeat.text():
            self.message.setText("The two passphrases are not the same.")
            return False
        return True


class DemoPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Demo data")
        self.setSubTitle("Load made-up people, cohorts and records to try credtrack before real data arrives.")
        self.load_demo = QCheckBox("Load demo data")
        self.load_demo.setAccessibleName("Load demo data")
        self.people = QSpinBox()
        self.people.setRange(10, 100_000)
        self.people.setValue(200)
        self.people.setSuffix(" people")
        self.people.setAccessibleName("Number of demo people")
        self.people.setEnabled(False)
        self.load_demo.toggled.connect(self.people.setEnabled)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.load_demo)
        row = QHBoxLayout()
        how_many = QLabel("&How many:")
        how_many.setBuddy(self.people)
        row.addWidget(how_many)
        row.addWidget(self.people)
        row.addStretch(1)
        layout.addLayout(row)
        accounts = QLabel()
        accounts.setWordWrap(True)
        style.set_role(accounts, "subtitle")
        accounts.setVisible(False)

        def explain(checked: bool) -> None:
            names = ", ".join(user for user, _role, _name, _prof in demo.DEMO_USERS)
            accounts.setText(
                f"Demo data also adds sample accounts to sign in with — {names} — all with the password "
                f"“{demo.DEMO_PASSWORD}”, and a sample certificate when the key has no passphrase. "
                "Use demo data in a separate data folder, never beside real records."
            )
            accounts.setVisible(checked)

        self.load_demo.toggled.connect(explain)
        layout.addSpacing(12)
        layout.addWidget(accounts)
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        self.tab_stops: list[QWidget] = [self.load_demo, self.people]


def run_setup(url: str, db: Database | None, answers: SetupAnswers, control: TaskControl) -> tuple[Database, Any]:
    """Create the schema and starter data, the first admin, institution settings, the issuer key, demo data."""

    control.progress(0, 0, "Creating the database…")
    db = db or open_database(url)
    setup.declare_purpose(db.unit_of_work(), "demo" if answers.demo_people else "live")
    setup.load_starter_data(db.unit_of_work())
    control.progress(0, 0, "Creating the administrator account…")
    if accounts.count_users(db.unit_of_work()) == 0:  # a retried set-up keeps the account it made
        accounts.create_user(
            db.unit_of_work(),
            SYSTEM,
            username=answers.username,
            password=answers.password,
            role="admin",
            display_name=answers.display_name,
        )
    actor = accounts.log_in(db.unit_of_work(), answers.username, answers.password)
    institution.update_institution(
        db.unit_of_work(),
        actor,
        institution_name=answers.institution,
        signatory_name=answers.signatory_name,
        signatory_title=answers.signatory_title,
        logo_path=answers.logo_path,
    )
    control.progress(0, 0, "Making the signing key…")
    make_issuer_key(db, actor, answers.key_passphrase)
    if answers.demo_people:
        control.progress(0, 0, f"Loading demo data for {answers.demo_people:,} people…")
        demo.load_demo(
            db, answers.demo_people, progress=lambda step: control.progress(0, 0, f"Loading demo data: {step}…")
        )
        if not answers.key_passphrase:
            # The demo's sample certificate is signed unattended, which a passphrase-protected key rightly refuses.
            demo.after_demo_hooks(db)
    return db, actor


def make_issuer_key(db: Database, actor: Any, passphrase: str) -> None:
    keys.create_issuer_key(db.unit_of_work(), actor, passphrase=passphrase or None)


class FirstRunWizard(QWizard):
    finished_setup = Signal(object, object)  # database, signed-in admin

    def __init__(
        self, url: str, runner: TaskRunner, *, db: Database | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.url = url
        self.runner = runner
        self.db = db
        self._running = False
        self.setWindowTitle("Set up credtrack")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 480)
        self.institution_page = InstitutionPage()
        self.admin_page = AdminPage()
        self.key_page = KeyPage()
        self.demo_page = DemoPage()
        for page in (self.institution_page, self.admin_page, self.key_page, self.demo_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Set up")
        # Each page's fields in reading order, then the wizard's buttons; hidden pages' fields are skipped.
        buttons = (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.CancelButton,
        )
        chain_tab_order(
            *(w for p in (self.institution_page, self.admin_page, self.key_page, self.demo_page) for w in p.tab_stops),
            *(self.button(b) for b in buttons),
        )

    def answers(self) -> SetupAnswers:
        i, a, k, d = self.institution_page, self.admin_page, self.key_page, self.demo_page
        return SetupAnswers(
            institution=i.name.text().strip(),
            logo_path=i.logo.text().strip(),
            signatory_name=i.signatory.text().strip(),
            signatory_title=i.signatory_title.text().strip(),
            username=a.username.text().strip(),
            display_name=a.display_name.text().strip(),
            password=a.password.text(),
            key_passphrase=k.passphrase.text(),
            demo_people=d.people.value() if d.load_demo.isChecked() else 0,
        )

    def accept(self) -> None:
        if self._running:
            return
        self._running = True
        for which in (
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        ):
            self.button(which).setEnabled(False)
        self.demo_page.progress.setRange(0, 0)
        self.demo_page.progress.show()
        answers = self.answers()
        self.runner.run(
            lambda control: run_setup(self.url, self.db, answers, control),
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
        )

    def _progress(self, _done: int, _total: int, text: str) -> None:
        self.demo_page.status.setText(text)

    def _done(self, result: tuple[Database, Any]) -> None:
        db, actor = result
        self.db = db
        self.demo_page.progress.hide()
        super().accept()
        self.finished_setup.emit(db, actor)

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        self.demo_page.progress.hide()
        self.demo_page.status.setText("")
        for which in (
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        ):
            self.button(which).setEnabled(True)
        crash.report(exc, self)

"""Every dialog can be used from the keyboard: it opens on the first field, Tab and Shift+Tab follow reading order
through every control to the buttons, each control has a name, multi-line fields pass Tab on, Escape cancels."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
    QWizard,
)
from sqlalchemy import func, select

from credtrack.models.audit import AuditEvent
from credtrack.ui import messages
from credtrack.ui.catalog.cohort_dialogs import EnrolDialog, NewCohortDialog
from credtrack.ui.catalog.editors import CredentialDialog, ModuleDialog
from credtrack.ui.dialogs.issue_dialog import IssueDialog
from credtrack.ui.dialogs.person_dialog import PersonDialog
from credtrack.ui.dialogs.prompt import TextPrompt
from credtrack.ui.login import LoginDialog
from credtrack.ui.messages import ask_text as real_ask_text
from credtrack.ui.messages import confirm as real_confirm
from credtrack.ui.pages.catalog import CatalogPage
from credtrack.ui.pages.certificates import CertificatesPage
from credtrack.ui.pages.people import PeoplePage
from credtrack.ui.pages.users import NewUserDialog, UsersPage
from credtrack.ui.tasks import TaskRunner
from credtrack.ui.wizard import FirstRunWizard

from .conftest import activate, open_page
from .keyboard_helpers import geometry, inside_spin_box, reads_after, spoken_name, takes_tab


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    return widget.parentWidget() if widget is not None and inside_spin_box(widget) else widget


def controls(dialog: QWidget) -> list[QWidget]:
    return [w for w in dialog.findChildren(QWidget) if takes_tab(w) and not inside_spin_box(w)]


def walk(qtbot, dialog: QWidget, backwards: bool = False) -> list[QWidget]:
    """Press Tab (or Shift+Tab) from the focused control until focus comes back to it: what had focus, in turn.

    A date field takes Tab through its year, month and day before moving on, as date fields do everywhere;
    that counts as one visit.
    """
    key, modifier = (
        (Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        if backwards
        else (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    )
    start = focused()
    visited = [start]
    for _ in range(2 * len(controls(dialog)) + 2):
        qtbot.keyClick(QApplication.focusWidget(), key, modifier)
        if focused() is start:
            break
        if focused() is not visited[-1]:
            visited.append(focused())
    return visited


def names(widgets: list[QWidget]) -> list[str]:
    return [spoken_name(w) or type(w).__name__ for w in widgets]


def check_keyboard(qtbot, dialog: QWidget, first: QWidget, reading_starts: QWidget | None = None) -> None:
    """The checks every dialog and wizard page passes; leaves the focus where it started, on ``first``.

    ``first`` is where the focus is on opening; reading order starts there too unless ``reading_starts`` names
    the control that comes first on screen (a question whose safe answer, on the right, has the focus).
    """
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: focused() is first, timeout=2000)
    everything = controls(dialog)
    assert [type(w).__name__ for w in everything if not spoken_name(w)] == [], "controls without a spoken name"
    letters = [
        m.group(1).lower()
        for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
        if w.isVisible()
        for m in re.finditer(r"&([^&\s])", w.text().replace("&&", ""))
    ]
    assert sorted(letters) == sorted(set(letters)), f"two controls share an Alt+letter: {sorted(letters)}"

    forward = walk(qtbot, dialog)
    assert set(forward) == set(everything) and len(forward) == len(everything), (
        f"Tab went {names(forward)}; the dialog has {names(everything)}"
    )
    start = forward.index(reading_starts or first)
    for a, b in pairwise(forward[start:] + forward[:start]):
        assert reads_after(geometry(a, dialog), geometry(b, dialog)), (
            f"{spoken_name(b)!r} is placed before {spoken_name(a)!r} but tabbed to after it"
        )
    assert isinstance(forward[start - 1], QPushButton), "Tab ends on the dialog's buttons"
    for field in forward:
        if isinstance(field, QPlainTextEdit):
            assert "\t" not in field.toPlainText(), "Tab typed into a multi-line field instead of leaving it"

    backward = walk(qtbot, dialog, backwards=True)
    assert backward == [forward[0], *reversed(forward[1:])], f"Shift+Tab went {names(backward)}"


def escape(qtbot, dialog: QDialog) -> int:
    """Escape from the focused control: the dialog closes, cancelled."""
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    return dialog.result()


def default_button(dialog: QWidget) -> QPushButton:
    defaults = [b for b in dialog.findChildren(QPushButton) if b.isDefault()]
    assert len(defaults) == 1
    return defaults[0]


def accept_button(dialog: QWidget) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    return next(b for b in box.buttons() if box.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole)


class Opened:
    """Stands in for a dialog class's modal ``exec``: runs the keyboard checks, then presses Escape."""

    def __init__(self, qtbot, monkeypatch) -> None:
        self.qtbot, self.monkeypatch = qtbot, monkeypatch
        self.dialogs: list[QDialog] = []

    def on(self, dialog_class: type, first: Callable[[QDialog], QWidget | tuple[QWidget, QWidget]]) -> Opened:
        def exec_(dialog: QDialog) -> int:
            self.dialogs.append(dialog)
            found = first(dialog)
            found = found if isinstance(found, tuple) else (found,)
            check_keyboard(self.qtbot, dialog, *found)
            # Enter does what the dialog is for; in a question, it takes the safe answer that has the focus.
            expected = found[0] if isinstance(dialog, QMessageBox) else accept_button(dialog)
            assert default_button(dialog) is expected
            return escape(self.qtbot, dialog)

        self.monkeypatch.setattr(dialog_class, "exec", exec_)
        return self


@pytest.fixture
def opened(qtbot, monkeypatch, boxes) -> Opened:
    # The real prompts, not the recorded answers other UI tests use.
    monkeypatch.setattr(messages, "ask_text", real_ask_text)
    monkeypatch.setattr(messages, "confirm", real_confirm)
    return Opened(qtbot, monkeypatch)


def audit_count(db) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEvent))


def answer(dialog: QDialog) -> QWidget:
    return dialog.answer


# -- people -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_class", "dialog_class", "first", "actions", "titles"),
    [
        (
            PeoplePage,
            PersonDialog,
            lambda d: d.full_name,
            ("new_item", "edit_person", "archive_person"),
            ["New person", "Edit person", "Archive person"],
        ),
        (
            UsersPage,
            NewUserDialog,
            lambda d: d.username,
            ("new_item", "reset_password"),
            ["New user account", "Reset password"],
        ),
    ],
    ids=["people", "users"],
)
def test_new_edit_and_prompts_of_people_and_users(
    qtbot, demo_ctx, demo_db, opened, page_class, dialog_class, first, actions, titles
):
    page = open_page(qtbot, page_class, demo_ctx())
    page.table.selectRow(0)
    opened.on(dialog_class, first).on(TextPrompt, answer)
    before = audit_count(demo_db)
    for action in actions:
        getattr(page, action)()
    assert [d.windowTitle() for d in opened.dialogs] == titles
    assert audit_count(demo_db) == before


def test_enter_in_a_person_field_saves_the_person(qtbot, demo_ctx, demo_db, boxes, monkeypatch):
    page = open_page(qtbot, PeoplePage, demo_ctx())
    before = audit_count(demo_db)

    def type_then_enter(dialog: PersonDialog) -> int:
        activate(qtbot, dialog)
        qtbot.keyClicks(dialog.full_name, "Minh Nguyen")
        qtbot.keyClick(dialog.full_name, Qt.Key.Key_Tab)
        qtbot.keyClicks(dialog.external_id, "E-90210")
        qtbot.keyClick(dialog.external_id, Qt.Key.Key_Return)
        assert not dialog.isVisible()
        return dialog.result()

    monkeypatch.setattr(PersonDialog, "exec", type_then_enter)
    page.new_item()
    assert audit_count(demo_db) == before + 1
    assert boxes.shown == []


# -- certificates -------------------------------------------------------------------------------------------------


def _issue_one(ctx, tmp_path, passphrase: str | None = None):
    from credtrack.services import keys
    from credtrack.services.certificates import issuing as certificates
    from credtrack.services.permissions import SYSTEM
    from credtrack.services.progress import bulk as progress_bulk

    keys.create_issuer_key(ctx.uow(), SYSTEM, passphrase=passphrase)
    row = next(r for r in progress_bulk.bulk_progress(ctx.uow(), ctx.actor) if r.status == "eligible")
    return certificates.issue_certificate(
        ctx.uow(), ctx.actor, row.person_id, row.credential_id, out_dir=tmp_path, passphrase=passphrase
    ).value


def test_issue_dialog_starts_in_the_learner_search(qtbot, demo_ctx, demo_db, opened):
    page = open_page(qtbot, CertificatesPage, demo_ctx())
    opened.on(IssueDialog, lambda d: d.learner.search)
    before = audit_count(demo_db)
    page.new_item()
    assert len(opened.dialogs) == 1 and not opened.dialogs[0].override.isHidden()
    assert audit_count(demo_db) == before


def test_enter_on_a_learner_moves_on_to_the_credential(qtbot, demo_ctx, boxes):
    from credtrack.services import catalog, people_index

    ctx = demo_ctx()
    dialog = IssueDialog(
        ctx,
        people_index.all_people(ctx.uow(), ctx.actor, status="active"),
        catalog.list_credentials(ctx.uow(), ctx.actor, include_inactive=False),
    )
    qtbot.addWidget(dialog)
    activate(qtbot, dialog)
    qtbot.keyClick(dialog.learner.search, Qt.Key.Key_Return)
    assert dialog.learner.person() is not None
    assert dialog.learner.chosen_label.text().startswith("Issuing to:")
    qtbot.waitUntil(dialog.credential.hasFocus, timeout=2000)
    assert dialog.isVisible()


def test_renew_and_revoke_ask_first_and_escape_changes_nothing(qtbot, demo_ctx, demo_db, opened, tmp_path):
    ctx = demo_ctx()
    issued = _issue_one(ctx, tmp_path)
    page = open_page(qtbot, CertificatesPage, ctx)
    assert page.select_code(issued.code)
    opened.on(
        QMessageBox, lambda box: (box.button(QMessageBox.StandardButton.No), box.button(QMessageBox.StandardButton.Yes))
    ).on(TextPrompt, answer)
    before = audit_count(demo_db)
    page.actions.renew()
    page.actions.revoke()
    assert [d.windowTitle() for d in opened.dialogs] == ["Renew certificate", "Revoke certificate"]
    assert audit_count(demo_db) == before


def test_revoke_reason_then_enter_revokes(qtbot, demo_ctx, demo_db, boxes, monkeypatch, tmp_path):
    from credtrack.services.certificates import queries as certificate_queries

    monkeypatch.setattr(messages, "ask_text", real_ask_text)
    ctx = demo_ctx()
    issued = _issue_one(ctx, tmp_path)
    page = open_page(qtbot, CertificatesPage, ctx)
    assert page.select_code(issued.code)

    def type_then_enter(prompt: TextPrompt) -> int:
        activate(qtbot, prompt)
        qtbot.keyClick(prompt.answer, Qt.Key.Key_Return)
        assert prompt.isVisible(), "Enter with no reason typed does nothing"
        qtbot.keyClicks(prompt.answer, "Issued to the wrong person")
        qtbot.keyClick(prompt.answer, Qt.Key.Key_Return)
        assert not prompt.isVisible()
        return prompt.result()

    monkeypatch.setattr(TextPrompt, "exec", type_then_enter)
    page.actions.revoke()
    assert certificate_queries.certificate_detail(ctx.uow(), ctx.actor, issued.code).row.status == "revoked"


def test_passphrase_prompt_is_hidden_text_and_escape_signs_nothing(qtbot, demo_ctx, opened, tmp_path):
    from PySide6.QtWidgets import QLineEdit

    ctx = demo_ctx()
    _issue_one(ctx, tmp_path, passphrase="a long key passphrase")
    page = open_page(qtbot, CertificatesPage, ctx)
    opened.on(TextPrompt, answer)
    assert page.actions.passphrase() is False
    assert opened.dialogs[0].answer.echoMode() == QLineEdit.EchoMode.Password


# -- catalog --------------------------------------------------------------------------------------------------------


def test_catalog_editors(qtbot, demo_ctx, demo_db, opened):
    page = open_page(qtbot, CatalogPage, demo_ctx())
    opened.on(ModuleDialog, lambda d: d.code if d.code.isEnabled() else d.title)
    opened.on(CredentialDialog, lambda d: d.code if d.code.isEnabled() else d.title)
    opened.on(NewCohortDialog, lambda d: d.code).on(EnrolDialog, lambda d: d.picker.search)
    before = audit_count(demo_db)
    page.modules.new()
    page.modules.table.selectRow(0)
    page.modules.edit()
    page.credentials.new()
    page.credentials.table.selectRow(0)
    page.credentials.edit()
    page.cohorts.new()
    page.cohorts.table.selectRow(0)
    page.cohorts.enrol()
    assert [type(d).__name__ for d in opened.dialogs] == [
        "ModuleDialog",
        "ModuleDialog",
        "CredentialDialog",
        "CredentialDialog",
        "NewCohortDialog",
        "EnrolDialog",
    ]
    assert audit_count(demo_db) == before


def test_enter_in_a_description_starts_a_new_line(qtbot):
    dialog = ModuleDialog()
    qtbot.addWidget(dialog)
    activate(qtbot, dialog)
    dialog.description.setFocus()
    qtbot.keyClicks(dialog.description, "First line")
    qtbot.keyClick(dialog.description, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.description.toPlainText() == "First line\n"


# -- signing in and setting up ---------------------------------------------------------------------------------------


def test_log_in_starts_in_the_user_name(qtbot, demo_db):
    dialog = LoginDialog(TaskRunner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.set_database(demo_db, "Demo database")
    signed_in = []
    dialog.signed_in.connect(signed_in.append)
    check_keyboard(qtbot, dialog, dialog.username)
    assert default_button(dialog) is dialog.sign_in_button
    assert escape(qtbot, dialog) == QDialog.DialogCode.Rejected
    assert signed_in == []


def test_each_wizard_page_starts_in_its_first_field(qtbot, tmp_path, boxes):
    target = tmp_path / "new.db"
    wizard = FirstRunWizard(f"sqlite:///{target}", TaskRunner(synchronous=True))
    qtbot.addWidget(wizard)
    finished = []
    wizard.finished_setup.connect(lambda *args: finished.append(args))
    activate(qtbot, wizard)
    institution, admin, key, demo = wizard.institution_page, wizard.admin_page, wizard.key_page, wizard.demo_page
    check_keyboard(qtbot, wizard, institution.name)
    institution.name.setText("Riverside Health")
    assert default_button(wizard) is wizard.button(QWizard.WizardButton.NextButton)
    wizard.next()
    check_keyboard(qtbot, wizard, admin.username)
    admin.password.setText("correct horse battery")
    admin.repeat.setText("correct horse battery")
    wizard.next()
    check_keyboard(qtbot, wizard, key.passphrase)
    wizard.next()
    demo.load_demo.setChecked(True)  # the number of people becomes a stop of its own
    check_keyboard(qtbot, wizard, demo.load_demo)
    assert default_button(wizard) is wizard.button(QWizard.WizardButton.FinishButton)
    assert escape(qtbot, wizard) == QDialog.DialogCode.Rejected
    assert finished == [] and not target.exists()

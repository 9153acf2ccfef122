"""First run: the set-up wizard, filled in as a new user would, ends in the main window."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from credtrack import paths
from credtrack.ui.app import Launcher
from credtrack.ui.tasks import TaskRunner


def _launch(qtbot) -> Launcher:
    launcher = Launcher(runner=TaskRunner(synchronous=True))
    launcher.start()
    assert launcher.login is None, "a brand-new data folder goes straight to set-up"
    assert launcher.wizard is not None
    qtbot.addWidget(launcher.wizard)
    return launcher


def test_wizard_to_main_window_with_demo_data(qtbot, boxes):
    launcher = _launch(qtbot)
    wizard = launcher.wizard
    wizard.institution_page.name.setText("Riverside Health")
    wizard.institution_page.signatory.setText("Dr. Amara Okafor")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    wizard.admin_page.display_name.setText("Sam Admin")
    wizard.admin_page.password.setText("short")
    wizard.admin_page.repeat.setText("short")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    assert "at least 10" in wizard.admin_page.message.text()
    wizard.admin_page.password.setText("correct horse battery")
    wizard.admin_page.repeat.setText("correct horse battery")
    wizard.next()
    assert wizard.currentPage() is wizard.key_page
    wizard.key_page.passphrase.setText("key passphrase 1")
    wizard.key_page.repeat.setText("key passphrase 2")
    wizard.next()
    assert wizard.currentPage() is wizard.key_page, "mismatched passphrases must not pass"
    wizard.key_page.repeat.setText("key passphrase 1")
    wizard.next()
    assert wizard.currentPage() is wizard.demo_page
    wizard.demo_page.load_demo.setChecked(True)
    wizard.demo_page.people.setValue(12)

    with qtbot.waitSignal(launcher.main_window_shown) as shown:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    window = shown.args[0]
    qtbot.addWidget(window)
    assert boxes.shown == []
    assert window.isVisible() and "Sam Admin" in window.user_label.text()
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[0] == "Dashboard" and "Users" in titles

    from credtrack.services import keys, people
    from credtrack.services import settings as institution

    db = launcher.db
    assert institution.get_institution(db.unit_of_work()).institution_name == "Riverside Health"
    key = keys.active_key(db.unit_of_work())
    assert key is not None and key.encrypted
    assert people.count_people(db.unit_of_work(), window.ctx.actor) >= 12
    assert (paths.data_dir() / "credtrack.db").exists()
    db.dispose()


def test_wizard_without_demo_data_and_without_passphrase(qtbot, boxes):
    launcher = _launch(qtbot)
    wizard = launcher.wizard
    wizard.institution_page.name.setText("St. Brigid's")
    wizard.next()
    wizard.admin_page.password.setText("correct horse battery")
    wizard.admin_page.repeat.setText("correct horse battery")
    wizard.next()
    wizard.next()
    with qtbot.waitSignal(launcher.main_window_shown) as shown:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    window = shown.args[0]
    qtbot.addWidget(window)
    from credtrack.services import keys, people

    assert not keys.active_key(launcher.db.unit_of_work()).encrypted
    assert people.count_people(launcher.db.unit_of_work(), window.ctx.actor) == 0
    launcher.db.dispose()


def test_each_institution_field_shows_what_to_enter_as_settings_does(qtbot, boxes):
    from PySide6.QtWidgets import QLineEdit

    from credtrack.ui.widgets.institution_form import InstitutionForm

    launcher = _launch(qtbot)
    page = launcher.wizard.institution_page
    fields = page.findChildren(QLineEdit)
    assert len(fields) == 4 and all(field.placeholderText() for field in fields)
    assert page.signatory.placeholderText() == "e.g. Dr. Amina Okafor"  # a person who signs, not a role
    settings = InstitutionForm(editable=True)
    qtbot.addWidget(settings)
    assert settings.fields["signatory_name"].placeholderText() == page.signatory.placeholderText()
    assert settings.fields["signatory_title"].placeholderText() == page.signatory_title.placeholderText()

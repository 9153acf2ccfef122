"""Users and Audit log pages driven through their widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from credtrack.errors import AuthenticationError
from credtrack.models import AuditEvent
from credtrack.services import people
from credtrack.services.accounts import users as accounts
from credtrack.ui.pages import users as users_module
from credtrack.ui.pages.audit import AuditPage
from credtrack.ui.pages.users import UsersPage
from tests.ui.conftest import PASSWORD, add_user


def _select(view, predicate) -> None:
    proxy = view.model()
    for row in range(proxy.rowCount()):
        if predicate(proxy.row_at(row)):
            view.selectRow(row)
            return
    raise AssertionError("no matching row")


def test_users_page_creates_unlocks_and_switches_off(qtbot, sqlite_db, admin_ctx, boxes, monkeypatch):
    page = UsersPage(admin_ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    assert [r.username for r in page.model.rows()] == ["admin"]

    def fill(dialog):
        dialog.username.setText("priya")
        dialog.display_name.setText("Priya Raman")
        dialog.role.setCurrentText("Preceptor")
        dialog.password.setText(PASSWORD)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(users_module.NewUserDialog, "exec", fill)
    seen = []
    admin_ctx.hub.changed.connect(seen.append)
    qtbot.keyClick(page.new_button, Qt.Key.Key_Space)
    assert seen, "creating a user must broadcast a change"
    assert sorted(r.username for r in page.model.rows()) == ["admin", "priya"]

    for _ in range(5):
        with pytest.raises(AuthenticationError):
            accounts.log_in(sqlite_db.unit_of_work(), "priya", "wrong wrong wrong")
    page.reload()
    _select(page.table, lambda r: r.username == "priya")
    assert page.unlock_button.isEnabled()
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert accounts.log_in(sqlite_db.unit_of_work(), "priya", PASSWORD).role == "preceptor"

    _select(page.table, lambda r: r.username == "priya")
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    priya = next(r for r in page.model.rows() if r.username == "priya")
    assert priya.active is False


def test_users_page_shows_service_refusal(qtbot, admin_ctx, boxes):
    page = UsersPage(admin_ctx)
    qtbot.addWidget(page)
    page.activate()
    _select(page.table, lambda r: r.username == "admin")
    page.role_box.setCurrentText("Viewer")
    qtbot.mouseClick(page.role_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["error"]
    assert "own administrator rights" in boxes.texts()


def test_an_account_is_linked_to_its_person_from_the_users_page(qtbot, sqlite_db, admin, admin_ctx, boxes, monkeypatch):
    for ext, name in (("EMP-1", "Ana Lima"), ("EMP-2", "Bo Chen")):
        people.create_person(sqlite_db.unit_of_work(), admin, external_id=ext, full_name=name)
    add_user(sqlite_db, admin, "ana", "preceptor")
    add_user(sqlite_db, admin, "bo", "preceptor")
    page = UsersPage(admin_ctx)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    _select(page.table, lambda r: r.username == "ana")
    assert page.link_button.isEnabled() and not page.unlink_button.isEnabled()

    def choose(dialog):  # typed as a user would: part of the name, then Enter on the first match
        assert dialog.windowTitle().startswith("Link ") and dialog.windowTitle().endswith(" to a person")
        qtbot.keyClicks(dialog.picker.search, "lima")
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
        assert dialog.link_button.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(users_module.LinkPersonDialog, "exec", choose)
    qtbot.mouseClick(page.link_button, Qt.MouseButton.LeftButton)
    ana = next(r for r in page.model.rows() if r.username == "ana")
    assert ana.person == "Ana Lima (EMP-1)"
    assert page.model.data(page.model.index(page.model.rows().index(ana), 3)) == "Ana Lima (EMP-1)"
    assert accounts.log_in(sqlite_db.unit_of_work(), "ana", PASSWORD).person_id == ana.person_id

    # The same person cannot be linked to a second account: said, and nothing changes.
    _select(page.table, lambda r: r.username == "bo")
    qtbot.mouseClick(page.link_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["error"]
    assert "Ana Lima is linked to the account 'ana' already" in boxes.texts()
    assert next(r for r in page.model.rows() if r.username == "bo").person is None

    _select(page.table, lambda r: r.username == "ana")
    assert page.unlink_button.isEnabled()
    qtbot.mouseClick(page.unlink_button, Qt.MouseButton.LeftButton)
    assert next(r for r in page.model.rows() if r.username == "ana").person is None
    with sqlite_db.unit_of_work() as uow:
        changes = uow.session.query(AuditEvent).filter(AuditEvent.action == "user.update").count()
    assert changes == 2  # linked, then unlinked; the refused link wrote nothing


def test_audit_page_filters_and_verifies_chain(qtbot, sqlite_db, admin, admin_ctx, boxes):
    add_user(sqlite_db, admin, "nadia", "educator")
    page = AuditPage(admin_ctx)
    qtbot.addWidget(page)
    page.activate()
    actions = {r.action for r in page.model.rows()}
    assert {"user.create", "user.login"} <= actions
    page.action_filter.setCurrentText("user.create")
    assert {r.action for r in page.model.rows()} == {"user.create"}
    page.table.selectRow(0)
    assert "After:" in page.detail.toPlainText()

    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.banner.tone == "good" and "intact" in page.banner.headline.text()
    assert "Records agree with the log" in page.banner.detail.text()

    with sqlite_db.unit_of_work() as uow:
        event = uow.session.get(AuditEvent, 2)
        event.note = "edited behind credtrack's back"
        uow.commit()
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.banner.tone == "bad"
    assert "event 2" in page.banner.detail.text()


def test_an_administrator_exports_the_log_for_an_auditor_and_others_see_no_button(
    qtbot, sqlite_db, admin, make_ctx, tmp_path, monkeypatch
):
    from credtrack.services.audit import export as audit_export
    from credtrack.ui import messages

    viewer = add_user(sqlite_db, admin, "vera", "viewer")
    page = AuditPage(make_ctx(admin))
    qtbot.addWidget(page)
    page.show()
    page.activate()
    assert page.auditor_button.isVisible()
    target = tmp_path / "for-the-auditor"
    monkeypatch.setattr(messages, "save_file_name", lambda *_args: str(target))
    qtbot.mouseClick(page.auditor_button, Qt.MouseButton.LeftButton)
    assert page.banner.tone == "good" and "Audit log exported" in page.banner.headline.text()
    report = audit_export.verify_export(target.with_suffix(".zip"))
    assert report.intact, report.describe()

    other = AuditPage(make_ctx(viewer))
    qtbot.addWidget(other)
    other.show()
    other.activate()
    assert not other.auditor_button.isVisible()

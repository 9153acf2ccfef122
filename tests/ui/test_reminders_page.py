"""Reminders page: what is due today with each message previewed, Send through a loopback SMTP server with
progress, and the history of what went; people without the right role do not see the page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from credtrack.services import people
from credtrack.services.mail import update_mail_settings
from credtrack.services.reminders import outbox
from credtrack.ui import navigation
from credtrack.ui.context import AppContext
from credtrack.ui.pages import reminders as page_module
from credtrack.ui.pages.reminders import RemindersPage
from credtrack.ui.tasks import TaskRunner
from tests.ui.conftest import open_page
from tests.unit.records.builders import TODAY, build_world, complete


@pytest.fixture
def on_the_day(monkeypatch) -> None:
    monkeypatch.setattr(outbox, "_today", lambda: TODAY)
    monkeypatch.setattr(page_module, "today", lambda: TODAY)


def test_due_reminders_are_previewed_sent_and_listed_as_sent(qtbot, sqlite_db, boxes, smtp_server, on_the_day):
    w = build_world(sqlite_db)
    people.update_person(w.uow(), w.admin, w.learner, email="minh.nguyen@riverbend.example")
    complete(w, "BLS", "2025-07-01")
    update_mail_settings(w.uow(), w.admin, smtp_server.settings())
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    page = open_page(qtbot, RemindersPage, ctx)
    ModelTester(None).check(page.due_model)
    assert page.due_model.rowCount() == 2
    assert page.summary.text() == "2 due today (2026-06-15); 2 ready to send."
    assert page.send_button.isEnabled()

    page.due_table.selectRow(0)
    shown = page.preview.toPlainText()
    assert shown.startswith("To: minh.nguyen@riverbend.example\nSubject: ") and "Dear Nguyễn Thị Minh," in shown

    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds() == ["confirm", "info"]
    assert boxes.shown[-1][2].startswith("2 sent, 0 failed")
    assert len(smtp_server.received) == 2
    # The page reloaded on the change broadcast: nothing left to send; the history says what went.
    assert page.due_model.rowCount() == 0 and not page.send_button.isEnabled()
    page.tabs.setCurrentWidget(page.history_tab)
    ModelTester(None).check(page.history_model)
    assert [page.history_model.row_at(i).state for i in range(2)] == ["sent", "sent"]
    page.history_table.selectRow(0)
    assert page.preview.toPlainText().startswith("To: minh.nguyen@riverbend.example")


def test_someone_without_an_address_is_shown_and_not_sendable(qtbot, sqlite_db, boxes, on_the_day):
    w = build_world(sqlite_db)
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    page = open_page(qtbot, RemindersPage, ctx)
    assert page.due_model.rowCount() == 1
    assert page.due_model.data(page.due_model.index(0, 5)) == "No e-mail address"
    assert "1 cannot go yet" in page.summary.text() and not page.send_button.isEnabled()


def test_only_staff_have_the_reminders_page(sqlite_db, boxes):
    w = build_world(sqlite_db)
    for actor, has in ((w.educator, True), (w.admin, True), (w.preceptor, False), (w.viewer, False)):
        ctx = AppContext(sqlite_db, actor, runner=TaskRunner(synchronous=True))
        assert (RemindersPage in navigation.pages_for(ctx)) is has


def test_the_person_page_saves_their_dates_as_a_calendar_file(qtbot, sqlite_db, boxes, monkeypatch, tmp_path):
    from icalendar import Calendar

    from credtrack.ui import messages
    from tests.ui.test_record_corrections import _page, _show

    w = build_world(sqlite_db)
    complete(w, "BLS", "2025-07-01")
    target = tmp_path / "minh"  # the extension is added
    monkeypatch.setattr(messages, "save_file_name", lambda *_a: str(target))
    page = _page(qtbot, AppContext(sqlite_db, w.viewer, runner=TaskRunner(synchronous=True)))
    _show(page, w.learner)
    assert page.detail.calendar_button.isVisible()
    qtbot.mouseClick(page.detail.calendar_button, Qt.MouseButton.LeftButton)
    events = Calendar.from_ical((tmp_path / "minh.ics").read_bytes()).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "Due: Interprofessional collaboration: core",
        "Expires: Module BLS",
    ]
    assert boxes.shown[-1][1] == "Calendar saved" and "2 dates of Nguyễn Thị Minh" in boxes.shown[-1][2]


def test_wording_and_rules_are_edited_on_the_page(qtbot, sqlite_db, boxes, on_the_day):
    w = build_world(sqlite_db)
    people.update_person(w.uow(), w.admin, w.learner, email="minh.nguyen@riverbend.example")
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    page = open_page(qtbot, RemindersPage, ctx)
    editor = page.wording
    page.tabs.setCurrentWidget(editor)
    assert not page.preview.isVisible()
    editor.kind.setCurrentIndex(editor.kind.findData("overdue"))
    assert editor.subject.text() == "Overdue: {credential} was due on {date}"
    editor.subject.setText("Past due: {credential} ({deadline})")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds()[-1] == "error" and "{deadline}, which is not a placeholder" in boxes.shown[-1][2]
    editor.subject.setText("Past due: {credential} ({date})")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert page.due_model.row_at(0).subject == "Past due: Interprofessional collaboration: core (1 May 2026)"

    page.tabs.setCurrentWidget(page.rules)
    rules_tab = page.rules
    at = rules_tab.target.findData("credential:IPC-CORE")
    assert at > 0
    rules_tab.target.setCurrentIndex(at)
    rules_tab.overdue.setChecked(False)
    qtbot.mouseClick(rules_tab.save_button, Qt.MouseButton.LeftButton)
    assert page.due_model.rowCount() == 0  # IPC-CORE's own rule sends no overdue reminder
    assert [r.code for r in rules_tab.model.rows()] == ["", "IPC-CORE"]
    assert rules_tab.target.findData("module:BLS") >= 0  # a recurring module may have a rule of its own
    assert rules_tab.target.findData("module:ONB-101") == -1  # one that never lapses has nothing to remind


def test_a_unit_s_educator_address_is_set_and_cleared_on_the_page(qtbot, sqlite_db, boxes):
    from credtrack.services import units
    from credtrack.services.reminders import rules

    w = build_world(sqlite_db)
    for name in ("4 West", "Intensive Care"):
        units.create_unit(w.uow(), w.admin, name=name)
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    page = open_page(qtbot, RemindersPage, ctx)
    tab = page.educators
    page.tabs.setCurrentWidget(tab)
    assert [r.unit for r in tab.model.rows()] == ["4 West", "Intensive Care"] and not tab.save_button.isEnabled()
    tab.table.selectRow(1)
    tab.email.setText("not an address")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert boxes.kinds()[-1] == "error"  # refused, with what is wrong; nothing saved
    assert [r.email for r in rules.unit_educators(w.uow(), w.educator)] == [None, None]
    tab.table.selectRow(1)
    tab.email.setText("icu.educator@riverbend.example")
    qtbot.keyClick(tab.email, Qt.Key.Key_Return)
    assert [(r.unit, r.email) for r in tab.model.rows()] == [
        ("4 West", None),
        ("Intensive Care", "icu.educator@riverbend.example"),
    ]
    tab.table.selectRow(1)
    assert tab.email.text() == "icu.educator@riverbend.example"
    tab.email.clear()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert [r.email for r in rules.unit_educators(w.uow(), w.educator)] == [None, None]


def test_a_reminder_an_interrupted_run_left_sending_is_settled_from_the_history(qtbot, sqlite_db, boxes, on_the_day):
    w = build_world(sqlite_db)
    people.update_person(w.uow(), w.admin, w.learner, email="minh.nguyen@riverbend.example")
    (handed,) = outbox.queue_due(w.uow(), w.educator, TODAY, outbox.SendReport())  # the run stopped here
    ctx = AppContext(sqlite_db, w.educator, runner=TaskRunner(synchronous=True))
    page = open_page(qtbot, RemindersPage, ctx)
    assert page.due_model.data(page.due_model.index(0, 5)) == "Interrupted"
    assert page.summary.text().endswith("0 ready to send, 1 cannot go yet (see State).")
    page.tabs.setCurrentWidget(page.history_tab)
    page.history_table.selectRow(0)
    assert page.settle_bar.isVisible()
    qtbot.mouseClick(page.settle_queue_button, Qt.MouseButton.LeftButton)
    assert page.due_model.row_at(0).state == "queued" and page.send_button.isEnabled()
    assert [r.state for r in page.history_model.rows()] == ["queued"]

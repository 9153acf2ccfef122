"""People page, Improvement work tab: record a QI project with its team from the keyboard (the form keeps
what was typed when the service refuses it), confirm it with a password, attach a file and open it only
while it is the file attached, and void it with a reason; a viewer sees the work but changes nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from credtrack.services import improvement, improvement_files
from credtrack.services.catalog import RequirementSpec, create_credential
from credtrack.ui import messages
from credtrack.ui.catalog.editors import _spec
from credtrack.ui.context import AppContext
from credtrack.ui.dialogs.improvement_dialog import ImprovementDialog
from credtrack.ui.models.catalog import RequirementsTableModel
from credtrack.ui.tasks import TaskRunner
from tests.ui.test_record_corrections import _page, _select, _show
from tests.unit.records.builders import PASSWORD, build_world, cheap_hashing

TAB = 5


def _dialog() -> ImprovementDialog:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ImprovementDialog) and w.isVisible()]
    assert found, "the improvement work form did not open"
    return found[0]


def test_recording_confirming_attaching_and_voiding_improvement_work(
    qtbot, qtmodeltester, sqlite_db, boxes, monkeypatch, tmp_path
):
    w = build_world(sqlite_db)
    ctx = AppContext(sqlite_db, w.preceptor_med, runner=TaskRunner(synchronous=True))
    page = _page(qtbot, ctx)
    _show(page, w.learner)
    pane = page.detail
    tab = pane.improvement
    pane.tabs.setCurrentIndex(TAB)
    assert pane.tabs.tabText(TAB) == "Improvement work (0)"
    assert tab.record_button.isVisible() and tab.confirm_button.isVisible() and tab.attach_button.isVisible()

    qtbot.mouseClick(tab.record_button, Qt.MouseButton.LeftButton)
    dialog = _dialog()
    qtbot.addWidget(dialog)
    assert dialog.focusWidget() is dialog.kind  # the form opens on its first field
    dialog.kind.setCurrentIndex(dialog.kind.findData("qi_project"))
    qtbot.keyClicks(dialog.title_edit, "Falls prevention at night")
    dialog.started_on.setText("2026-01-12")
    dialog.ended_on.setText("2026-04-30")
    dialog.member_names[0].setText("Tomasz Zieliński")  # typed keys are ASCII only in QTest
    qtbot.keyClicks(dialog.member_names[1], "Ines Ferreira")
    dialog.member_professions[1].setCurrentIndex(dialog.member_professions[1].findData("MED"))
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    # The first member has no profession: refused in the form, which keeps what was typed.
    assert dialog.isVisible() and "Tomasz Zieliński's profession" in dialog.message.text()
    assert dialog.title_edit.text() == "Falls prevention at night"
    dialog.member_professions[0].setCurrentIndex(dialog.member_professions[0].findData("PHARM"))
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)  # Enter saves, as in every form
    assert not dialog.isVisible()
    assert pane.tabs.tabText(TAB) == "Improvement work (1)"
    qtmodeltester.check(tab.model)
    (row,) = pane.detail.improvement
    assert (row.state, row.professions) == ("Awaiting confirmation", ["Medicine", "Nursing", "Pharmacy"])

    _select(tab.view, lambda r: r.id == row.id)
    assert tab.confirm_button.isEnabled() and not tab.open_button.isEnabled()
    boxes.text_answers.append(PASSWORD)
    with cheap_hashing():
        qtbot.mouseClick(tab.confirm_button, Qt.MouseButton.LeftButton)
    (confirmed,) = pane.detail.improvement
    assert (confirmed.state, confirmed.confirmed_by) == ("Confirmed", "Adaeze Nwosu")

    plan = tmp_path / "action-plan.pdf"
    plan.write_bytes(b"%PDF-1.4 action plan")
    monkeypatch.setattr(messages, "open_file_name", lambda *_a: str(plan))
    _select(tab.view, lambda r: r.id == row.id)
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    (attached,) = pane.detail.improvement[0].attachments
    assert attached.file_name == "action-plan.pdf"
    opened: list[str] = []
    monkeypatch.setattr(messages, "open_with_system", opened.append)
    _select(tab.view, lambda r: r.id == row.id)
    assert tab.open_button.isEnabled()
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    assert [Path(p).read_bytes() for p in opened] == [plan.read_bytes()]
    improvement_files.stored_path(attached.sha256).write_bytes(b"%PDF-1.4 something else")
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1  # not opened: the kept copy is not the file attached
    assert any("altered since it was attached" in text for _kind, _title, text in boxes.shown)

    boxes.text_answers.append("Another learner's project")
    _select(tab.view, lambda r: r.id == row.id)
    qtbot.mouseClick(tab.void_button, Qt.MouseButton.LeftButton)
    (voided,) = improvement.person_work(ctx.uow(), ctx.actor, w.learner)
    assert voided.voided and voided.void_reason == "Another learner's project"
    assert pane.detail.improvement[0].state == "Voided"
    _select(tab.view, lambda r: r.id == row.id)
    assert not tab.confirm_button.isEnabled() and not tab.void_button.isEnabled()


def test_a_viewer_sees_improvement_work_but_may_not_change_it(qtbot, sqlite_db):
    w = build_world(sqlite_db)
    improvement.record_work(
        w.uow(), w.educator, person_id=w.learner, kind="teach_back", title="Inhaler teach-back", started_on="2026-02-01"
    )
    ctx = AppContext(sqlite_db, w.viewer, runner=TaskRunner(synchronous=True))
    page = _page(qtbot, ctx)
    _show(page, w.learner)
    tab = page.detail.improvement
    assert page.detail.tabs.tabText(TAB) == "Improvement work (1)"
    assert not any(b.isVisible() for b in (tab.record_button, tab.confirm_button, tab.void_button, tab.attach_button))


def test_editing_a_credential_keeps_its_improvement_requirement(qtbot, qtmodeltester, sqlite_db):
    w = build_world(sqlite_db)
    wanted = RequirementSpec("improvement", work_kind="qi_project", min_count=1, min_professions=3)
    made = create_credential(w.uow(), w.educator, code="QIS", title="Quality", requirements=[wanted]).value
    (row,) = made.requirements
    assert _spec(row, {}) == wanted  # saved again as it was, not as a competency
    model = RequirementsTableModel()
    model.set_rows(made.requirements)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0)) == "Improvement"
    assert model.data(model.index(0, 1)) == (
        "1 confirmed QI project with at least 3 professions on the team (the learner's included)"
    )

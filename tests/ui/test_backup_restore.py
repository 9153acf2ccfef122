"""Settings → Restore from backup…: the backups listed with what each holds, and a restore that signs out."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy import func, select

from credtrack.models import Person
from credtrack.services import backups, people
from credtrack.ui.dialogs.restore_dialog import RestoreDialog
from credtrack.ui.pages.settings import SettingsPage


def _count_people(db) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(Person))


def test_restore_from_settings_lists_backups_restores_the_chosen_one_and_signs_out(
    qtbot, demo_ctx, demo_db, boxes, monkeypatch
):
    ctx = demo_ctx()
    made = backups.create_backup(demo_db, ctx.actor, without_key=True).value
    people.create_person(demo_db.unit_of_work(), ctx.actor, external_id="LATE-1", full_name="Added After")
    before = _count_people(demo_db)
    host = _Window()
    qtbot.addWidget(host)
    page = SettingsPage(ctx, host)
    host.page = page
    page.show()
    page.activate()
    assert page.backups.restore_button.isEnabled() and "1 there" in page.backups.info.text()
    seen: list[list[str]] = []

    def choose_first(dialog: RestoreDialog) -> QDialog.DialogCode:
        seen.append([dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())])
        assert not dialog.ok_button.isEnabled()  # nothing chosen yet
        dialog.table.selectRow(0)
        assert dialog.ok_button.isEnabled() and dialog.chosen() == made.path
        if os.environ.get("CREDTRACK_SHOTS"):
            dialog.show()
            dialog.grab().save(os.environ["CREDTRACK_SHOTS"])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RestoreDialog, "exec", choose_first)
    qtbot.mouseClick(page.backups.restore_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0][1] == "manual" and seen[0][3] == made.key and seen[0][4] == made.path.name
    assert _count_people(demo_db) == before - 1
    assert [title for kind, title, _t in boxes.shown if kind == "info"] == ["Backup restored"]
    assert "backed up first" in boxes.shown[-1][2]
    assert host.signed_out == 1
    assert {b.reason for b in backups.list_backups()} == {"manual", "before-restore"}


class _Window(QWidget):
    """Stands in for the main window: it is asked to sign out after a restore."""

    from PySide6.QtCore import Signal

    sign_out_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.signed_out = 0
        self.sign_out_requested.connect(self._count)

    def _count(self) -> None:
        self.signed_out += 1

"""Settings (workstation, institution, key, backups), the Dashboard, and the apology for unexpected errors."""

from __future__ import annotations

import json
import zipfile

from PySide6.QtCore import Qt

from credtrack import paths
from credtrack.config import LocalSettings
from credtrack.reports.service import ReportOptions, run_report
from credtrack.reports.unit_support import MEASURES
from credtrack.services import keys
from credtrack.services import settings as institution
from credtrack.services.permissions import SYSTEM
from credtrack.ui import crash
from credtrack.ui.pages.dashboard import DashboardPage
from credtrack.ui.pages.settings import SettingsPage
from tests.ui.conftest import open_page


def test_settings_save_workstation_and_institution(qtbot, demo_ctx, demo_db, boxes, monkeypatch, tmp_path):
    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    ctx = demo_ctx()
    page = open_page(qtbot, SettingsPage, ctx)
    assert len(page.key_panel.fingerprint.text()) > 10 and "no passphrase" in page.key_panel.state.text()
    page.paper.setCurrentText("Letter")
    page.idle_minutes.setValue(3)
    qtbot.mouseClick(page.save_local_button, Qt.MouseButton.LeftButton)
    assert LocalSettings.load().paper_size == "Letter" and LocalSettings.load().idle_lock_minutes == 3

    page.institution.fields["institution_name"].setText("Lakeside University Hospital")
    page.institution.fields["signatory_name"].setText("Prof. Ingrid Solberg")
    qtbot.mouseClick(page.institution.save_button, Qt.MouseButton.LeftButton)
    saved = institution.get_institution(demo_db.unit_of_work())
    assert saved.institution_name == "Lakeside University Hospital" and saved.signatory_name == "Prof. Ingrid Solberg"
    for key, field in page.institution.fields.items():
        assert field.placeholderText(), f"{key} should say what to enter"

    target = tmp_path / "issuer.jwks.json"
    monkeypatch.setattr("credtrack.ui.messages.save_file_name", lambda *a: str(target))
    qtbot.mouseClick(page.key_panel.export_button, Qt.MouseButton.LeftButton)
    assert json.loads(target.read_text())["keys"]

    boxes.text_answers.append("a backup passphrase")  # the key has no passphrase: the backup asks for one
    qtbot.mouseClick(page.backups.backup_button, Qt.MouseButton.LeftButton)
    assert [title for kind, title, _t in boxes.shown if kind == "ask"] == ["Backup passphrase"]
    made = list(paths.backups_dir().glob("*-manual.zip"))
    assert len(made) == 1 and "signing-key.pem" in zipfile.ZipFile(made[0]).namelist()
    assert "1 there" in page.backups.info.text()


def test_settings_for_a_preceptor_are_read_only_where_it_matters(qtbot, demo_ctx):
    from credtrack.demo import DEMO_PASSWORD

    page = open_page(qtbot, SettingsPage, demo_ctx("preceptor", DEMO_PASSWORD))
    assert not page.institution.save_button.isVisible()
    assert page.institution.fields["institution_name"].isReadOnly()
    assert not any(field.placeholderText() for field in page.institution.fields.values())
    assert not page.backups.isVisible()


def test_dashboard_shows_counts_charts_and_activity(qtbot, demo_ctx):
    page = open_page(qtbot, DashboardPage, demo_ctx())
    figures = page.figures
    assert figures.headline[0][0] == "active people" and figures.headline[0][1] >= 40
    assert page.cards[0].value.text() == f"{figures.headline[0][1]:,}"
    assert page.by_profession.categories and all(0 <= v <= 100 for v in page.by_profession.values)
    assert page.by_cohort.categories
    assert sum(page.coverage.values) > 0
    assert set(page.expiry_cards) == {90, 60, 30, 7}
    assert page.recent.count() >= 1 and "demo" in page.recent.item(0).text()


def test_unexpected_error_is_logged_and_apologised_for(boxes):
    try:
        raise RuntimeError("a bug nobody expected")
    except RuntimeError as exc:
        crash._excepthook(RuntimeError, exc, exc.__traceback__)
    assert boxes.kinds() == ["apology"]
    log = crash.log_file()
    assert str(log) in boxes.texts()
    assert "a bug nobody expected" in log.read_text(encoding="utf-8")


def test_errors_people_can_fix_are_shown_plainly(boxes):
    from credtrack.errors import ValidationError

    crash.report(ValidationError("The completion date is in the future."))
    assert boxes.shown == [("error", "credtrack", "The completion date is in the future.")]


def test_a_file_that_cannot_be_written_is_explained_not_apologised_for(
    qtbot, demo_ctx, demo_db, boxes, monkeypatch, tmp_path
):
    keys.create_issuer_key(demo_db.unit_of_work(), SYSTEM)
    page = open_page(qtbot, SettingsPage, demo_ctx())
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    target = blocker / "issuer.jwks.json"  # its folder is a file: it cannot be made
    monkeypatch.setattr("credtrack.ui.messages.save_file_name", lambda *a: str(target))
    page.key_panel.export_jwks()
    assert boxes.kinds() == ["error"], boxes.shown
    assert str(target) in boxes.texts() and "Choose another place" in boxes.texts()


def test_dashboard_lists_the_units_to_support_first_with_their_weakest_measure(qtbot, demo_ctx, demo_db):
    ctx = demo_ctx()
    page = open_page(qtbot, DashboardPage, ctx)
    table = run_report(demo_db.unit_of_work(), ctx.actor, "units-to-support", ReportOptions())
    assert len(table.rows) >= 5  # the demo has units enough to rank
    lines = [page.units.item(i).text() for i in range(page.units.count())]
    assert len(lines) == 5
    for n, (line, row) in enumerate(zip(lines, table.rows, strict=False), start=1):
        unit, people, score, weakest = row[:4]
        assert line.startswith(f"{n}. {unit} ({people:,} people) — score {score:g}; weakest: {weakest} (")
    first = dict(zip(table.columns, table.rows[0], strict=True))
    column = next(m.column for m in MEASURES if m.label == first["weakest_measure"])
    shown = f"{first[column] * 100:.0f} %" if not column.startswith("median") else f"{first[column]:g} days"
    assert lines[0].endswith(f"({shown})")
    assert ReportOptions().period().describe() in page.units_title.text()

"""Export…: any main table, as shown (filter and order), to CSV or XLSX through one shared helper."""

from __future__ import annotations

import csv
import datetime as dt

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from credtrack.ui import export
from credtrack.ui.main_window import MainWindow
from credtrack.ui.pages.audit import AuditPage
from credtrack.ui.pages.certificates import CertificatesPage
from credtrack.ui.pages.dashboard import DashboardPage
from credtrack.ui.pages.people import PeoplePage
from tests.ui.conftest import open_page


def _save_to(monkeypatch, path, chosen=export.CSV_FILTER) -> list[str]:
    asked = []

    def answer(_parent, title, suggested, filters):
        asked.append(suggested)
        return str(path), chosen

    monkeypatch.setattr("credtrack.ui.messages.save_file_and_type", answer)
    return asked


def _read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _shown(view_proxy) -> list[list[str]]:
    return [
        [view_proxy.index(r, c).data() for c in range(view_proxy.columnCount())] for r in range(view_proxy.rowCount())
    ]


def _headers(proxy) -> list[str]:
    return [proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(proxy.columnCount())]


def test_people_export_writes_the_filtered_sorted_rows_as_shown(qtbot, demo_ctx, boxes, monkeypatch, tmp_path):
    page = open_page(qtbot, PeoplePage, demo_ctx())
    page.profession.setCurrentIndex(page.profession.findText("Nursing"))
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    asked = _save_to(monkeypatch, tmp_path / "nurses.csv")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("people-") and asked[0].endswith(".csv")
    rows = _read_csv(tmp_path / "nurses.csv")
    assert rows[0] == _headers(page.proxy)
    assert rows[1:] == _shown(page.proxy)
    assert 0 < len(rows) - 1 < page.model.total()
    assert {r[2] for r in rows[1:]} == {"Nursing"}
    assert "saved to" in boxes.texts()


def test_audit_export_keeps_every_changed_value_in_full(qtbot, demo_ctx, boxes, monkeypatch, tmp_path):
    page = open_page(qtbot, AuditPage, demo_ctx())
    _save_to(monkeypatch, tmp_path / "audit.xlsx")
    page.export_table()
    sheet = load_workbook(tmp_path / "audit.xlsx").worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ["#", "When (UTC)", "Who", "Action", "Record", "Signed", "Note", "Before", "After"]
    events = {row.id: row for row in page.model.rows()}
    assert len(values) - 1 == len(events)
    for number, when, _who, action, _record, _signed, note, before, after in values[1:]:
        event = events[number]
        assert (action, note or "", before or "", after or "") == (event.action, event.note, event.before, event.after)
        assert isinstance(when, dt.datetime) and abs(when - event.occurred_at.replace(tzinfo=None)).seconds < 1


def test_ctrl_e_exports_the_table_of_the_page_in_front(qtbot, demo_ctx, boxes, monkeypatch, tmp_path):
    window = MainWindow(demo_ctx())
    qtbot.addWidget(window)
    window.show_page(DashboardPage)
    assert not window.export_action.isEnabled()  # no table there
    window.show_page(CertificatesPage)
    assert window.export_action.isEnabled()
    page = window.show_page(AuditPage)
    _save_to(monkeypatch, tmp_path / "audit.csv")
    window.export_action.trigger()
    assert boxes.kinds() == ["info"] and "saved to" in boxes.texts()
    rows = _read_csv(tmp_path / "audit.csv")
    assert rows[0][:5] == _headers(page.proxy)[:5]
    shown = _shown(page.proxy)
    assert [r[:1] + r[2:5] for r in rows[1:]] == [r[:1] + r[2:5] for r in shown]
    assert all(r[1].startswith(s[1]) for r, s in zip(rows[1:], shown, strict=True))  # the file keeps seconds


def test_an_empty_table_is_not_exported(qtbot, demo_ctx, boxes, monkeypatch, tmp_path):
    page = open_page(qtbot, PeoplePage, demo_ctx())
    page.search.setText("no such person anywhere")
    asked = _save_to(monkeypatch, tmp_path / "none.csv")
    page.export_table()
    assert asked == [] and not (tmp_path / "none.csv").exists()
    assert "nothing to export" in boxes.texts()


def test_a_folder_that_cannot_be_written_is_explained(qtbot, demo_ctx, boxes, monkeypatch, tmp_path):
    page = open_page(qtbot, PeoplePage, demo_ctx())
    _save_to(monkeypatch, tmp_path / "missing" / "people.csv")
    page.export_table()
    assert boxes.kinds() == ["error"] and "does not exist" in boxes.texts()

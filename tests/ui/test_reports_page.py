"""Reports page: each report runs with its own options and shows its rows beside a chart of them."""

from __future__ import annotations

import csv
import datetime as dt
import threading

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from credtrack.reports.service import OPTIONS, REPORTS, ReportOptions, run_report
from credtrack.reports.tables import ReportTable
from credtrack.services.common import no_check
from credtrack.ui import export
from credtrack.ui.models.reports import ReportTableModel
from credtrack.ui.pages.reports import ReportsPage
from credtrack.ui.table import ROW_ROLE, TableProxy
from credtrack.ui.tasks import Cancelled, TaskControl, TaskRunner
from tests.ui.conftest import activate, open_page, tab_through


def _page(qtbot, ctx) -> ReportsPage:
    return open_page(qtbot, ReportsPage, ctx)


def _choose(page: ReportsPage, name: str) -> None:
    page.report.setCurrentIndex(page.report.findData(name))
    page.run_report()


def _cells(page: ReportsPage) -> list[list[str]]:
    return [
        [page.proxy.index(r, c).data() for c in range(page.proxy.columnCount())] for r in range(page.proxy.rowCount())
    ]


@pytest.mark.parametrize("name", list(REPORTS))
def test_each_report_shows_the_service_rows_and_a_chart(qtbot, demo_ctx, demo_db, name):
    ctx = demo_ctx()
    page = _page(qtbot, ctx)
    _choose(page, name)
    expected = run_report(demo_db.unit_of_work(), ctx.actor, name, page.options.options())
    assert page.model.rowCount() == len(expected.rows)
    assert [page.model.index(r, 0).data(ROW_ROLE) for r in range(page.model.rowCount())] == expected.rows
    assert page.model.columnCount() == len(expected.columns)
    # Nothing may be expiring; and this 40-person demo is one cohort that started weeks ago, too recently to
    # have finished a QI project (the larger demo of tests/unit/data/test_unit_reports_demo.py has them).
    if name not in ("expiring", "unit-qi-teams"):
        assert expected.rows, "the demo data should give every report something to show"
    if expected.rows or name == "expiring":  # the expiring chart always has its bands
        assert page.chart.categories and page.chart.series
        assert all(len(values) == len(page.chart.categories) for _name, values in page.chart.series)
        assert "nothing to show" not in page.chart.title
    assert expected.title in page.status.text()


def test_the_completion_chart_draws_the_achieved_share_from_the_table(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx())
    _choose(page, "completion-by-profession")
    table_share = {(row[0], row[1]): round(row[4] * 100, 1) for row in page.model.rows()}
    drawn = {
        (category, credential): value
        for credential, values in page.chart.series
        for category, value in zip(page.chart.categories, values, strict=True)
    }
    assert drawn == {key: table_share.get(key, 0.0) for key in drawn}
    assert set(table_share) <= set(drawn)
    assert page.chart.title.startswith("Share who achieved")
    column = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert "Achieved share (%)" in column and "Mean days to credential" in column


def test_only_the_options_a_report_reads_are_offered_and_they_change_the_result(qtbot, demo_ctx, demo_db):
    ctx = demo_ctx()
    page = _page(qtbot, ctx)
    _choose(page, "completion-by-profession")
    assert not any(box.isVisibleTo(page) for box in page.options.fields.values())
    _choose(page, "compliance")
    shown = {option for option, box in page.options.fields.items() if box.isVisibleTo(page)}
    assert shown == OPTIONS["compliance"] == {"cohort", "credential", "today"}
    page.options.cohort.setCurrentIndex(1)
    page.options.credential.setCurrentIndex(page.options.credential.findData("IPC-FOUND"))
    page.run_report()
    cohort, credential = page.options.cohort.currentData(), page.options.credential.currentData()
    expected = run_report(
        demo_db.unit_of_work(),
        ctx.actor,
        "compliance",
        ReportOptions(cohort=cohort, credential=credential, today=dt.date.today()),
    )
    assert page.model.rows() == expected.rows
    assert cohort in page.status.text()
    assert {c for c in expected.columns if c.endswith(" status")} == {f"{credential} status"}
    _choose(page, "expiring")
    assert page.options.fields["within"].isVisibleTo(page)
    page.options.within.setCurrentIndex(page.options.within.findData(30))
    page.run_report()
    assert page.chart.categories == ["In 8–30 days", "Within 7 days"]  # bottom to top
    assert all(row[0] <= 30 for row in page.model.rows())


@pytest.mark.parametrize("name", list(REPORTS))
def test_the_options_a_report_is_not_offered_do_not_change_it(demo_db, demo_ctx, name):
    from credtrack.services import cohorts

    actor = demo_ctx().actor
    today = dt.date.today()
    cohort = cohorts.list_cohorts(demo_db.unit_of_work(), actor)[0].code
    others = {
        "today": today - dt.timedelta(days=400),
        "cohort": cohort,
        "credential": "IPC-FOUND",
        "within": 7,
        "onboarding_credentials": ("IPC-FOUND",),
        "since": today - dt.timedelta(days=90),
        "until": today - dt.timedelta(days=30),
    }
    changed = {option: value for option, value in others.items() if option not in OPTIONS.get(name, ())}
    plain = run_report(demo_db.unit_of_work(), actor, name, ReportOptions(today=today))
    varied = run_report(demo_db.unit_of_work(), actor, name, ReportOptions(**{"today": today, **changed}))
    assert (varied.title, varied.columns, varied.rows) == (plain.title, plain.columns, plain.rows)


def test_a_changed_option_reruns_the_report_by_itself(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx())
    _choose(page, "domain-coverage-person")
    everyone = page.model.rowCount()
    page.options.cohort.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.model.rowCount() != everyone, timeout=3000)
    assert 0 < page.model.rowCount() < everyone


def test_a_failing_report_says_so_and_keeps_the_page_usable(qtbot, demo_ctx, boxes, monkeypatch):
    from credtrack.errors import CredtrackError
    from credtrack.reports import service

    page = _page(qtbot, demo_ctx())

    def refuse(*_a, **_k):
        raise CredtrackError("No cohort with code 'GONE'.")

    monkeypatch.setattr(service, "run_report", refuse)
    page.run_report()
    assert "did not run" in page.status.text()
    assert boxes.shown == [("error", "credtrack", "No cohort with code 'GONE'.")]


def test_cancel_stops_a_running_report_and_keeps_the_rows_shown(qtbot, demo_ctx, monkeypatch):
    from credtrack.reports import service

    ctx = demo_ctx()
    page = _page(qtbot, ctx)
    _choose(page, "completion-by-profession")
    shown, title = page.model.rows(), page.model.title
    assert shown and page.cancel_button.isHidden()

    ctx.runner = TaskRunner()  # from here on the report runs on a worker, as in the app
    real, reached, pressed = service.run_report, threading.Event(), threading.Event()

    def run_until_cancel_is_pressed(uow, actor, name, options=None, check=no_check):
        def check_once_cancel_is_pressed() -> None:  # the report is busy for as long as the person waits
            reached.set()
            pressed.wait(10)
            check()

        return real(uow, actor, name, options, check=check_once_cancel_is_pressed)

    monkeypatch.setattr(service, "run_report", run_until_cancel_is_pressed)
    _choose(page, "compliance")
    assert page.cancel_button.isVisible() and page.cancel_button.accessibleName() == "Cancel the report"
    assert reached.wait(10)
    activate(qtbot, page)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Escape)  # a button's shortcut clicks it after a short animation
    qtbot.waitUntil(lambda: not page.cancel_button.isEnabled(), timeout=3000)
    assert "Cancelling" in page.status.text()
    pressed.set()
    qtbot.waitUntil(lambda: "cancelled" in page.status.text(), timeout=10000)
    assert "People × requirements" in page.status.text()
    assert page.cancel_button.isHidden()
    assert (page.model.rows(), page.model.title) == (shown, title)
    assert ctx.runner.wait_idle() and not ctx.runner.busy


def test_a_newer_run_stops_the_one_it_replaces(qtbot, demo_ctx, monkeypatch):
    from credtrack.reports import service

    ctx = demo_ctx()
    page = _page(qtbot, ctx)
    ctx.runner = TaskRunner()
    real, reached, stopped, replaced = service.run_report, threading.Event(), threading.Event(), threading.Event()

    def first_run_waits(uow, actor, name, options=None, check=no_check):
        if name != "compliance":
            return real(uow, actor, name, options, check=check)

        def check_once_replaced() -> None:
            reached.set()
            replaced.wait(10)
            try:
                check()
            except Cancelled:
                stopped.set()
                raise

        return real(uow, actor, name, options, check=check_once_replaced)

    monkeypatch.setattr(service, "run_report", first_run_waits)
    _choose(page, "compliance")
    assert reached.wait(10)
    _choose(page, "completion-by-profession")
    replaced.set()
    qtbot.waitUntil(lambda: page.model.title == "Completion by profession", timeout=10000)
    assert stopped.wait(10)
    assert ctx.runner.wait_idle()
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=5000)
    assert "cancelled" not in page.status.text() and page.cancel_button.isHidden()


@pytest.mark.parametrize(
    "name",
    ["completion-by-profession", "domain-coverage-person", "retention", "compliance", "expiring", "units-to-support"],
)
def test_a_cancelled_report_stops_before_it_begins_and_between_its_passes(demo_db, demo_ctx, name):
    actor = demo_ctx().actor
    control = TaskControl(lambda *_args: None)
    control.cancel()
    with pytest.raises(Cancelled):
        run_report(demo_db.unit_of_work(), actor, name, ReportOptions(), check=control.check)

    under_way, looks = TaskControl(lambda *_args: None), []

    def cancel_once_under_way() -> None:
        looks.append(name)
        if len(looks) == 2:  # the first look is before the report starts; the second is within it
            under_way.cancel()
        under_way.check()

    with pytest.raises(Cancelled):
        run_report(demo_db.unit_of_work(), actor, name, ReportOptions(), check=cancel_once_under_way)


def _save_to(monkeypatch, path, chosen) -> None:
    monkeypatch.setattr("credtrack.ui.messages.save_file_and_type", lambda *_a: (str(path), chosen))


def test_export_writes_the_shown_rows_as_csv_and_keeps_numbers_in_xlsx(qtbot, demo_ctx, boxes, monkeypatch, tmp_path):
    page = _page(qtbot, demo_ctx())
    _choose(page, "completion-by-profession")
    page.filter.setText("Nursing")
    assert 0 < page.proxy.rowCount() < page.model.rowCount()
    _save_to(monkeypatch, tmp_path / "completion.csv", export.CSV_FILTER)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    with open(tmp_path / "completion.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    headers = [page.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(page.proxy.columnCount())]
    assert rows[0] == headers
    assert rows[1:] == _cells(page)

    # No suffix typed: the file type picked in the dialog decides it.
    _save_to(monkeypatch, tmp_path / "completion", export.XLSX_FILTER)
    page.export_table()
    sheet = load_workbook(tmp_path / "completion.xlsx").worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headers
    shown = [page.proxy.row_at(r) for r in range(page.proxy.rowCount())]
    assert [row[2] for row in values[1:]] == [row[2] for row in shown]  # counts stay numbers
    assert all(isinstance(row[4], int | float) for row in values[1:])


REPORT = ReportTable(
    "Sample",
    ["profession", "learners", "share_with_2_or_more", "mean_days", "first_seen", "under_assessed"],
    [
        ("Nursing", 12, 0.667, 81.6, dt.date(2026, 1, 5), False),
        ("Médecine", 3, 1.0, None, None, True),
        ("Social work", 7, 0.0, 12.25, dt.date(2025, 3, 1), False),
    ],
)


def test_report_model_contract_headings_percentages_and_raw_sorting(qtmodeltester):
    model = ReportTableModel()
    model.set_table(REPORT)
    qtmodeltester.check(model, force_py=True)  # stays attached: the sorts and resets below are checked too
    headings = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headings == [
        "Profession",
        "Learners",
        "Share with 2 or more (%)",
        "Mean days",
        "First seen",
        "Under assessed",
    ]
    assert [model.index(r, 2).data() for r in range(3)] == ["66.7", "100", "0"]
    assert [model.index(r, 3).data() for r in range(3)] == ["81.6", "", "12.25"]
    assert model.index(1, 5).data() == "Yes"
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) is not None
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, 1).data() for r in range(3)] == ["3", "7", "12"]  # as numbers, not as text
    model.sort(3, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, 3).data() for r in range(3)] == ["12.25", "81.6", ""]
    model.set_table(ReportTable("Empty", ["a"], []))
    assert model.rowCount() == 0 and model.columnCount() == 1
    behind_proxy = ReportTableModel()
    behind_proxy.set_table(REPORT)
    qtmodeltester.check(TableProxy(behind_proxy), force_py=True)


def test_tab_goes_from_the_report_through_its_options_to_the_table_and_out(qtbot, demo_ctx):
    page = _page(qtbot, demo_ctx())
    _choose(page, "domain-coverage-person")
    names = tab_through(qtbot, page, page.report, 12)
    start = names.index("Report")
    assert names[start : start + 4] == ["Report", "Cohort", "Framework", "Run again"]
    after = names.index("Filter report rows")
    assert names[after : after + 3] == ["Filter report rows", "Report rows", "Export the report"]


def test_a_report_by_unit_offers_its_period_and_runs_over_the_one_chosen(qtbot, demo_ctx, demo_db):
    from PySide6.QtCore import QDate

    ctx = demo_ctx()
    page = _page(qtbot, ctx)
    _choose(page, "unit-assessor-mix")
    shown = {option for option, box in page.options.fields.items() if box.isVisibleTo(page)}
    assert shown == {"since", "until"}
    today = dt.date.today()
    assert page.options.options().period().describe() == f"{today - dt.timedelta(days=365)} to {today}"
    year = page.model.rows()
    page.options.since.setDate(QDate.currentDate().addDays(-30))
    page.run_report()
    month = run_report(
        demo_db.unit_of_work(),
        ctx.actor,
        "unit-assessor-mix",
        ReportOptions(since=today - dt.timedelta(days=30), until=today),
    )
    assert page.model.rows() == month.rows != year
    assert f"{today - dt.timedelta(days=30)} to {today}" in page.status.text()

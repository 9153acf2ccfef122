"""Reports page: pick an outcome report and its options; read it as a table and a chart; export it.

A report runs on a worker; Cancel (or Escape) stops it between passes, and the rows shown stay those of
the last report that finished.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from credtrack.reports import achieved_refresh
from credtrack.reports import service as report_service
from credtrack.reports.service import OPTIONS, REPORTS
from credtrack.services import catalog, cohorts, frameworks
from credtrack.services.changes import Change
from credtrack.ui import crash, style
from credtrack.ui.export import export_button
from credtrack.ui.models.reports import ReportTableModel
from credtrack.ui.pages.base import Page
from credtrack.ui.report_charts import chart_for
from credtrack.ui.table import TableProxy, make_table
from credtrack.ui.tasks import TaskControl
from credtrack.ui.widgets.charts import BarChart
from credtrack.ui.widgets.report_options import ReportOptionsBar

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


def load_choices(ctx: AppContext) -> tuple[list[Any], list[Any], list[Any]]:
    return (
        cohorts.list_cohorts(ctx.uow(), ctx.actor),
        catalog.list_credentials(ctx.uow(), ctx.actor),
        frameworks.list_frameworks(ctx.uow(), ctx.actor),
    )


class ReportsPage(Page):
    title = "Reports"
    action = "reports.read"
    watches = Change.PEOPLE | Change.RECORDS | Change.CERTIFICATES | Change.COHORTS | Change.CATALOG

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report = QComboBox()
        self.report.setAccessibleName("Report")
        for name, (description, _run) in REPORTS.items():
            self.report.addItem(description, name)
        self.report.setMinimumContentsLength(40)
        self.report.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        report_label = QLabel("&Report")
        report_label.setBuddy(self.report)
        self.run_button = QPushButton("Run again")
        self.run_button.setToolTip("Reports run as soon as they or their options are chosen; this runs it afresh (F5).")
        self.run_button.setShortcut("F5")
        self.run_button.clicked.connect(self.run_report)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the report")
        self.cancel_button.setToolTip("Stop the report that is running; the rows shown stay as they are (Esc).")
        self.cancel_button.setShortcut("Esc")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.options = ReportOptionsBar()
        self.status = style.subtitle("")
        self.status.setObjectName("report_status")

        self.model = ReportTableModel(self)
        self.proxy = TableProxy(self.model, self)
        self.table = make_table(self.proxy, "Report rows")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter the rows shown (and exported)  (Ctrl+F)")
        self.filter.setAccessibleName("Filter report rows")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.chart = BarChart("Chart", percent=True)
        self.chart.setMinimumWidth(360)
        self.count = QLabel()
        self.count.setProperty("role", "subtitle")
        self.export_button = export_button(self.export_table, "the report")

        top = QHBoxLayout()
        top.addWidget(style.title(self.title))
        top.addSpacing(16)
        top.addWidget(report_label)
        top.addWidget(self.report, 1)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.options)
        layout.addWidget(self.status)
        layout.addWidget(
            style.side_by_side(style.column(self.filter, (self.table, 1), bottom), self.chart, sizes=[660, 460]), 1
        )
        self.set_tab_order(
            self.report, self.run_button, self.cancel_button, self.filter, self.table, self.export_button
        )

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.run_report)
        self.report.currentIndexChanged.connect(self._report_changed)
        self.options.changed.connect(self._debounce.start)
        self._generation = 0
        self._control: TaskControl | None = None  # the run in progress, if any
        self.options.show_for(self.report.currentData())
        chain = [
            self.report,
            *self.options.inputs(),
            self.run_button,
            self.cancel_button,
            self.filter,
            self.table,
            self.export_button,
        ]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    # -- running ----------------------------------------------------------
    def reload(self) -> None:
        ctx = self.ctx
        ctx.run(lambda _c: load_choices(ctx), self._choices_loaded, parent=self)

    def _choices_loaded(self, choices: tuple[list[Any], list[Any], list[Any]]) -> None:
        self.options.blockSignals(True)
        self.options.fill(*choices)
        self.options.blockSignals(False)
        self.run_report()

    def _report_changed(self) -> None:
        self.options.show_for(self.report.currentData())
        self._debounce.start()

    def run_report(self) -> None:
        """Run the chosen report in the background; a newer run replaces (and stops) an older one still going."""
        self._debounce.stop()
        if self._control is not None:
            self._control.cancel()  # its rows would be thrown away: free the worker for this run
        self._generation += 1
        generation, ctx = self._generation, self.ctx
        name, options, description = self.report.currentData(), self.options.options(), self.report.currentText()
        self.status.setText(f"Running “{description}”…")
        self._set_running(True)

        def done(table: Any) -> None:
            if generation == self._generation:
                self._set_running(False)
                self.show_table(name, options, table)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._set_running(False)
                self.status.setText("The report did not run.")
                crash.report(exc, self)

        def cancelled() -> None:
            if generation == self._generation:
                self._set_running(False)
                self.status.setText(f"“{description}” was cancelled; the rows below are as they were.")

        def work(c: Any) -> Any:
            if name in report_service.READS_FIRST_DAYS:
                achieved_refresh.keep_in_step(ctx.uow())  # the first days the report reads, in step first
            return report_service.run_report(ctx.uow(), ctx.actor, name, options, check=c.check)

        control = ctx.run(
            work,
            done,
            on_error=failed,
            on_cancelled=cancelled,
        )
        if generation == self._generation and not self.cancel_button.isHidden():
            self._control = control  # still running (a synchronous runner in tests has already finished)

    def cancel(self) -> None:
        """Stop the running report at its next check; the rows shown stay those of the last finished one."""
        if self._control is None:
            return
        self._control.cancel()
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling the report…")

    def _set_running(self, running: bool) -> None:
        self._control = None
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)

    def show_table(self, name: str, options: Any, table: Any) -> None:
        self.model.set_table(table)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column) + 12, 260))
        data = chart_for(name, table, options.within)
        self.chart.set_series(data.categories, data.series, title=data.title, percent=data.percent)
        as_of = f" · as of {options.now():%d %b %Y}" if "today" in self._options_of(name) else ""
        notes = " ".join(table.notes) or ("" if table.rows else "no rows for these options.")
        self.status.setText(f"{table.title}{as_of}" + (f" — {notes}" if notes else ""))
        self._count()

    @staticmethod
    def _options_of(name: str) -> frozenset[str]:
        return OPTIONS.get(name, frozenset())

    # -- the table --------------------------------------------------------
    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._count()

    def _count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        noun = "row" if total == 1 else "rows"
        self.count.setText(f"{shown:,} of {total:,} {noun}" if shown != total else f"{total:,} {noun}")
        self.export_button.setEnabled(shown > 0)

    def focus_search(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    def table_to_export(self) -> tuple[TableProxy, str] | None:
        return self.proxy, self.model.title or self.report.currentText()

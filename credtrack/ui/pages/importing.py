"""Import page: choose what and which file, map its columns, check it (dry run), then import it all-or-nothing.

Reading, checking and writing run on a worker with throttled progress and a Cancel button,
so a 100,000-row file never freezes the window; the services decide what is allowed
and write everything in one transaction, or nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from credtrack import importing
from credtrack.errors import CredtrackError
from credtrack.importing import ATTESTATIONS, SIGNOFF_IMPORT_ATTESTATION, ImportCancelledError, ImportOptions
from credtrack.reports import achieved_refresh
from credtrack.services import frameworks
from credtrack.services.changes import Change
from credtrack.ui import crash, messages, style
from credtrack.ui.models.imports import ProblemsTableModel
from credtrack.ui.pages.base import Page
from credtrack.ui.table import TableProxy, make_table
from credtrack.ui.tasks import Cancelled, TaskControl
from credtrack.ui.widgets.banner import Banner
from credtrack.ui.widgets.column_mapping import ColumnMapping
from credtrack.ui.widgets.import_signing import SignoffImportSigning

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

KINDS = (
    ("People (learners and preceptors)", "people"),
    ("Enrolments in cohorts", "enrolments"),
    ("Module completions", "completions"),
    ("Competency sign-offs", "assessments"),
    ("Ratings from other sources", "ratings"),
    ("Improvement work (QI projects, safety reviews)", "improvement"),
)
# A ratings file's score columns are no field of the mapping: they are found by their headings.
RATINGS_SCORES = (
    " Each column headed with a competency's code (C1, VE1, …) is read as its scores: a level in each cell, "
    "left empty when not rated."
)
# An improvement file's team is one column; imported work awaits its supervisor's confirmation.
IMPROVEMENT_TEAM = (
    " Write each row's team as 'Name (PROFESSION); Name (PROFESSION, external id)'. Imported work counts once "
    "its supervisor confirms it."
)
FILE_TYPES = "Spreadsheets (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"
STAGES = {"checking": "Checking rows", "writing": "Writing records"}
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with byte-order mark)", "cp1252": "Windows-1252"}


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class ImportPage(Page):
    title = "Import"
    action = "records.import"
    watches = Change.CATALOG

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.kind = QComboBox()
        self.kind.setAccessibleName("What the file holds")
        for text, value in KINDS:
            self.kind.addItem(text, value)
        self.file_name = QLineEdit()
        self.file_name.setReadOnly(True)
        self.file_name.setPlaceholderText("No file chosen — CSV or Excel (.xlsx)")
        self.file_name.setAccessibleName("File to import")
        self.file_name.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.choose_button = QPushButton("C&hoose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.day_first = QComboBox()
        self.day_first.setAccessibleName("How to read dates like 03/04/2024")
        self.day_first.addItem("Day first (3 April)", True)
        self.day_first.addItem("Month first (March 4)", False)
        self.day_first.setToolTip("Only for dates like 03/04/2024 when no other date in the column settles it.")
        self.scale = QComboBox()
        self.scale.setAccessibleName("Scale for sign-offs")
        self.scale.setToolTip("The rating scale of the levels, when the file has no scale column.")
        self.file_info = style.subtitle("")
        self.file_info.setObjectName("import_file_info")
        self.mapping = ColumnMapping()
        self.signing = SignoffImportSigning(SIGNOFF_IMPORT_ATTESTATION)

        self.banner = Banner()
        self.problems = ProblemsTableModel(self)
        self.problems_proxy = TableProxy(self.problems, self)
        self.problems_table = make_table(self.problems_proxy, "Problems found")
        self.check_button = QPushButton("&Check file")
        self.check_button.setToolTip("A dry run: every problem by row and column; nothing is written.")
        self.check_button.clicked.connect(self.check_file)
        self.import_button = QPushButton("&Import")
        self.import_button.setToolTip("Writes every row in one go, or nothing at all. Check the file first.")
        self.import_button.clicked.connect(self.import_file)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(False)
        self.progress_text = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the check or import")
        self.cancel_button.clicked.connect(self.cancel)
        self._layout()

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.mapping.changed.connect(self._inputs_changed)
        self.day_first.currentIndexChanged.connect(self._inputs_changed)
        self.scale.currentIndexChanged.connect(self._inputs_changed)
        self.signing.changed.connect(self._inputs_changed)
        self.signing.signature_changed.connect(self._update_buttons)
        self.path: str | None = None
        self.preview: Any = None
        self.report: Any = None
        self._clean_check: tuple[Any, ...] | None = None  # the inputs of the last dry run without problems
        self._busy = False
        self._stop = threading.Event()
        self._control: TaskControl | None = None
        self._kind_changed()
        self._set_busy(None)
        self._fix_tab_order()

    def _layout(self) -> None:
        what = QHBoxLayout()
        kind_label = QLabel("&What")
        kind_label.setBuddy(self.kind)
        what.addWidget(kind_label)
        what.addWidget(self.kind)
        what.addWidget(self.file_name, 1)
        what.addWidget(self.choose_button)
        options = QHBoxLayout()
        self.date_label = QLabel("&Dates like 03/04/2024")
        self.date_label.setBuddy(self.day_first)
        self.scale_label = QLabel("&Scale")
        self.scale_label.setBuddy(self.scale)
        for widget in (self.date_label, self.day_first, self.scale_label, self.scale):
            options.addWidget(widget)
        options.addStretch(1)
        panes = style.side_by_side(
            style.column(style.bold(QLabel("Columns")), (self.mapping, 1)),
            style.column(style.bold(QLabel("Check")), self.banner, (self.problems_table, 1)),
            sizes=[560, 560],
        )
        actions = QHBoxLayout()
        actions.addWidget(self.check_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.progress_text, 1)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(style.title(self.title))
        layout.addLayout(what)
        layout.addWidget(self.file_info)
        layout.addLayout(options)
        layout.addWidget(panes, 1)
        layout.addWidget(self.signing)
        layout.addLayout(actions)
        self.set_tab_order(
            self.kind,
            self.file_name,
            self.choose_button,
            self.day_first,
            self.scale,
            self.mapping,
            self.problems_table,
            self.check_button,
            self.import_button,
            self.cancel_button,
        )

    # -- choices ----------------------------------------------------------
    def reload(self) -> None:
        ctx = self.ctx
        ctx.run(lambda _c: frameworks.list_scales(ctx.uow(), ctx.actor), self._scales_loaded, parent=self)

    def _scales_loaded(self, scales: list[Any]) -> None:
        current = self.scale.currentData()
        self.scale.blockSignals(True)
        self.scale.clear()
        self.scale.addItem("From the file's Scale column", None)
        for scale in scales:
            self.scale.addItem(f"{scale.name} ({scale.code})", scale.code)
        self.scale.setCurrentIndex(max(0, self.scale.findData(current)) if current else 0)
        self.scale.blockSignals(False)

    def choose_file(self) -> None:
        path = messages.open_file_name(self, "Choose the file to import", FILE_TYPES)
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        self.path = path
        self.file_name.setText(path)
        self._read_preview()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        sign_offs = kind == "assessments"
        self.scale.setVisible(sign_offs)
        self.scale_label.setVisible(sign_offs)
        attestation = ATTESTATIONS.get(kind)
        self.signing.setVisible(attestation is not None)
        if attestation is not None:
            self.signing.set_form(attestation, historical=sign_offs)
        if self.path:
            self._read_preview()
        else:
            self._inputs_changed()

    def _read_preview(self) -> None:
        path, kind = self.path, self.kind.currentData()
        self.preview, self.report, self._clean_check = None, None, None
        self.mapping.clear()
        self.problems.set_rows([])
        self.banner.clear()
        self.file_info.setText(f"Reading {Path(path).name}…")

        def done(preview: Any) -> None:
            self._set_busy(None)
            self.preview = preview
            self.mapping.set_columns(importing.FIELDS[kind], preview.headers, preview.sample, preview.mapping)
            encoding = f" · {ENCODINGS.get(preview.encoding, preview.encoding)}" if preview.encoding else ""
            delimiter = f" · {preview.delimiter}-separated" if preview.delimiter else ""
            self.file_info.setText(
                f"{Path(path).name} · {plural(preview.row_count, 'row')}{encoding}{delimiter}. "
                "Check that each column imports as the right field, then check the file."
                + (RATINGS_SCORES if kind == "ratings" else IMPROVEMENT_TEAM if kind == "improvement" else "")
            )
            self._fix_tab_order()
            self._inputs_changed()

        def failed(exc: BaseException) -> None:
            self.file_info.setText("")
            self._failed(exc, "This file cannot be imported")

        self._start(lambda _c: importing.preview(kind, path), done, failed, f"Reading {Path(path).name}…")

    # -- what the user asked for ------------------------------------------
    def _inputs(self) -> tuple[Any, ...]:
        return (
            self.kind.currentData(),
            self.path,
            tuple(sorted(self.mapping.mapping().items())),
            self.day_first.currentData(),
            self.scale.currentData() if self.scale.isVisibleTo(self) else None,
            self.kind.currentData() == "assessments" and self.signing.historical.isChecked(),
        )

    def _signing_offs(self) -> bool:
        """Sign-offs and ratings are imported as an attested act, signed with the importer's password."""
        return self.kind.currentData() in ATTESTATIONS

    def _options(self) -> Any:
        return ImportOptions(
            day_first=bool(self.day_first.currentData()),
            default_scale=self._inputs()[4],
            historical=bool(self._inputs()[5]),
        )

    def _inputs_changed(self) -> None:
        """Anything changed since the last dry run: it no longer vouches for an import."""
        if self._clean_check is not None and self._clean_check != self._inputs():
            self._clean_check = None
            self.banner.show_message(
                "info",
                "Check the file again",
                "Something changed since the last check; Import needs a fresh, clean check.",
            )
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = not self._busy and self.preview is not None and not self.mapping.missing_required()
        self.check_button.setEnabled(ready)
        signed = not self._signing_offs() or self.signing.signed()
        self.import_button.setEnabled(ready and self._clean_check == self._inputs() and signed)

    # -- dry run and import -----------------------------------------------
    def _run_service(self, service: Any, done: Any, failed: Any, **extra: Any) -> None:
        """Run ``importing.check`` or ``importing.run_import`` on the file as mapped now; Cancel stops it."""

        ctx, inputs, options = self.ctx, self._inputs(), self._options()
        kind, path, mapping = inputs[0], inputs[1], dict(inputs[2])
        stop = threading.Event()

        def work(control: TaskControl) -> Any:
            try:
                return service(
                    ctx.uow(),
                    ctx.actor,
                    kind,
                    path,
                    mapping=mapping,
                    options=options,
                    progress=control.throttled(),
                    cancel=stop.is_set,
                    remembered={},
                    **extra,
                )
            except ImportCancelledError:
                raise Cancelled() from None

        self._start(work, lambda value: done(inputs, value), failed, f"Reading {Path(path).name}…", stop)

    def check_file(self) -> None:
        def done(inputs: tuple[Any, ...], report: Any) -> None:
            self._set_busy(None)
            self.show_report(report)
            self._clean_check = inputs if report.ok else None
            self._update_buttons()

        self._run_service(importing.check, done, lambda exc: self._failed(exc, "The check did not finish"))

    def show_report(self, report: Any) -> None:
        self.report = report
        self.problems.set_rows(report.problems)
        if report.ok:
            self.banner.show_message(
                "good", "No problems found", f"{report.summary()} Press Import to write them, all in one go."
            )
            return
        rows = len({p.row for p in report.problems if p.row is not None})
        where = f" in {plural(rows, 'row')}" if rows else ""
        self.banner.show_message(
            "bad",
            f"{plural(len(report.problems), 'problem')}{where} — nothing can be imported yet",
            "Each is listed below by row and column. Correct the file and check it again, or change how the "
            "columns are mapped. Nothing has been written.",
        )

    def import_file(self) -> None:
        if self._clean_check != self._inputs():
            return
        kind, path = self._inputs()[:2]

        def done(_inputs: tuple[Any, ...], result: Any) -> None:
            self._set_busy(None)
            self._clean_check = None
            report = result.value
            self.report = report
            self.problems.set_rows([])
            if result.changes:
                self.ctx.publish(result.changes)
            self.banner.show_message("good", "Imported", report.summary() + " Recorded in the audit log.")
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, importing.ImportRejectedError):
                self._set_busy(None)
                self._clean_check = None
                self.show_report(importing.ImportReport(kind, Path(path).name, problems=exc.problems))
                self._update_buttons()
                return
            self._failed(exc, "Nothing was imported")

        signature = self.signing.signature() if self._signing_offs() else {}
        self.signing.password.clear()  # a signature is given once, for this import
        ctx = self.ctx

        def import_file(*args: Any, **kwargs: Any) -> Any:
            result = importing.run_import(*args, **kwargs)
            # The first-achievement days the reports read, in step with what the file changed, while the
            # importer waits rather than the next person to open a report.
            achieved_refresh.keep_in_step(ctx.uow())
            return result

        self._run_service(import_file, done, failed, **signature)

    def cancel(self) -> None:
        self._stop.set()
        if self._control is not None:
            self._control.cancel()
        self.progress_text.setText("Cancelling — nothing will be written…")
        self.cancel_button.setEnabled(False)

    # -- running in the background -----------------------------------------
    def _start(self, work: Any, done: Any, failed: Any, text: str, stop: threading.Event | None = None) -> None:
        """Run ``work`` on a worker; ``stop`` is what the work polls, set by Cancel."""
        self._stop = stop or threading.Event()
        self._set_busy(text)
        control = self.ctx.runner.run(
            work, on_done=done, on_error=failed, on_progress=self._progressed, on_cancelled=self._cancelled
        )
        if self._busy:  # a synchronous runner (tests) has already finished and reported
            self._control = control

    def _set_busy(self, text: str | None) -> None:
        busy = self._busy = text is not None
        self._control = None
        for widget in (self.kind, self.choose_button, self.mapping, self.day_first, self.scale):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress_text.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress.setRange(0, 0)
            self.progress_text.setText(text)
        self._update_buttons()

    def _progressed(self, done: int, total: int, stage: str) -> None:
        if not self._busy or self._stop.is_set():
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_text.setText(f"{STAGES.get(stage, stage.capitalize())}: {done:,} of {total:,}")

    def _cancelled(self) -> None:
        self._set_busy(None)
        self.banner.show_message("info", "Cancelled — nothing was written", "The database is as it was before.")

    def _failed(self, exc: BaseException, headline: str) -> None:
        self._set_busy(None)
        self._show_failure(exc, headline)

    def _show_failure(self, exc: BaseException, headline: str) -> None:
        self._update_buttons()
        if isinstance(exc, CredtrackError):
            self.banner.show_message("bad", headline, exc.message)
        else:
            self.banner.clear()
            crash.report(exc, self)

    def _fix_tab_order(self) -> None:
        chain = [
            self.kind,
            self.choose_button,
            self.day_first,
            self.scale,
            *self.mapping.combos,
            self.signing.historical,
            self.signing.attest,
            self.signing.password,
            self.check_button,
            self.import_button,
            self.cancel_button,
            self.problems_table,
        ]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

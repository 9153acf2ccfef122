"""Certificates page: the issued certificates, and issuing, renewing, revoking, exporting and printing them."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from credtrack import config
from credtrack.certificates import batch
from credtrack.services import catalog, cohorts, people_index, settings
from credtrack.services.certificates import delivery
from credtrack.services.certificates import issuing as certificates
from credtrack.services.certificates import queries as certificate_queries
from credtrack.services.changes import Change
from credtrack.ui import crash, messages, style
from credtrack.ui.dialogs.cohort_issue import CohortIssueProgress
from credtrack.ui.dialogs.issue_dialog import IssueDialog
from credtrack.ui.export import export_button
from credtrack.ui.models.certificates import CertificatesTableModel
from credtrack.ui.pages.base import Page
from credtrack.ui.table import TableProxy, make_table, selected_row
from credtrack.ui.widgets import certificate_actions
from credtrack.ui.widgets.certificate_actions import CertificateActions
from credtrack.ui.widgets.certificate_detail import CertificateDetailPane, load_detail
from credtrack.ui.widgets.learner_delivery import LearnerDelivery

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

STATUSES = [
    ("Any status", None),
    ("Valid", "valid"),
    ("Expired", "expired"),
    ("Revoked", "revoked"),
    ("Superseded", "superseded"),
]


class CertificatesPage(Page):
    title = "Certificates"
    watches = Change.CERTIFICATES | Change.KEYS | Change.PEOPLE | Change.SETTINGS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search code, holder or credential  (Ctrl+F)")
        self.search.setAccessibleName("Search certificates")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setAccessibleName("Status filter")
        for text, value in STATUSES:
            self.status.addItem(text, value)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.status.currentIndexChanged.connect(self.reload)

        self.model = CertificatesTableModel(self)
        self.proxy = TableProxy(self.model, self)
        self.table = make_table(self.proxy, "Certificates")
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _ix: self.actions.open_pdf())
        self.count = QLabel()
        style.set_role(self.count, "subtitle")
        self.actions = CertificateActions(ctx, self, lambda: selected_row(self.table))
        self.detail = CertificateDetailPane()

        self.issue_button = QPushButton("Issue…")
        self.issue_button.clicked.connect(self.new_item)
        self.cohort_box = QComboBox()
        self.cohort_box.setAccessibleName("Cohort to issue for")
        self.cohort_box.setMinimumContentsLength(30)
        self.cohort_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.cohort_button = QPushButton("Issue for cohort…")
        self.cohort_button.clicked.connect(self.issue_cohort)
        can_issue = ctx.can("certificates.issue")
        for widget in (self.issue_button, self.cohort_box, self.cohort_button):
            widget.setVisible(can_issue)

        self.lists_button = QToolButton()
        self.lists_button.setText("Revocation lists")
        self.lists_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.lists_button)
        menu.addAction("Export signed revocation list…", self.actions.export_revocations)
        if ctx.can("certificates.revocations_import"):
            menu.addAction("Import revocation list…", self.actions.import_revocations)
        self.lists_button.setMenu(menu)
        self.export_button = export_button(self.export_table, "the certificates listed")
        self.last_issued: list[str] = []  # codes issued from this page since it opened, offered to send
        self.delivery = LearnerDelivery(ctx, self, self.delivery_scopes, self.actions.passphrase)

        top = QHBoxLayout()
        top.addWidget(style.title(self.title))
        top.addStretch(1)
        top.addWidget(self.cohort_box)
        top.addWidget(self.cohort_button)
        top.addWidget(self.issue_button)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status)
        filters.addWidget(self.lists_button)
        for button in self.delivery.buttons():
            filters.addWidget(button)
        filters.addWidget(self.export_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        for button in self.actions.buttons():
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([800, 360])
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)
        self.set_tab_order(
            self.cohort_box,
            self.cohort_button,
            self.issue_button,
            self.search,
            self.status,
            self.lists_button,
            *self.delivery.buttons(),
            self.table,
            *self.actions.buttons(),
        )
        self._update_buttons()
        if ctx.can("certificates.issue"):
            # Issuing for a cohort is on offer here: start the server its worker processes are forked
            # from now, in the background, rather than when the first batch is under way.
            ctx.run(_start_worker_server, on_error=_worker_server_failed)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def table_to_export(self) -> tuple[TableProxy, str]:
        return self.proxy, "Certificates"

    def reload(self) -> None:
        ctx, text, status = self.ctx, self.search.text(), self.status.currentData()

        def work(_c: Any) -> Any:
            rows = certificate_queries.list_certificates(ctx.uow(), ctx.actor, text=text, status=status)
            return (
                rows,
                cohorts.list_cohorts(ctx.uow(), ctx.actor),
                settings.get_institution(ctx.uow()).revoked_copies_allowed,
            )

        ctx.run(work, self._loaded, parent=self)

    def _loaded(self, result: tuple[list[Any], list[Any], bool]) -> None:
        rows, cohorts, self.actions.revoked_copies_allowed = result
        selected = selected_row(self.table)
        self.model.set_rows(rows)
        self.count.setText(f"{len(rows):,} certificate" + ("" if len(rows) == 1 else "s"))
        current = self.cohort_box.currentData()
        self.cohort_box.clear()
        for c in cohorts:
            self.cohort_box.addItem(f"{c.name} ({c.active_enrolments})", c.code)
        if current:
            self.cohort_box.setCurrentIndex(max(0, self.cohort_box.findData(current)))
        if selected is not None:
            self.select_code(selected.code)
        if selected_row(self.table) is None:
            self.detail.show_detail(None)
        self._update_buttons()

    def select_code(self, code: str) -> bool:
        for row in range(self.proxy.rowCount()):
            if self.proxy.row_at(row).code == code:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        self.actions.update(selected_row(self.table))

    def _selection_changed(self) -> None:
        self._update_buttons()
        row = selected_row(self.table)
        if row is None:
            self.detail.show_detail(None)
            return
        ctx, code = self.ctx, row.code

        def shown(loaded: Any) -> None:
            current = selected_row(self.table)
            if current is not None and current.code == code:  # ignore an answer for an earlier selection
                self.detail.show_detail(loaded)

        ctx.run(lambda _c: load_detail(ctx, code), shown, parent=self)

    def print_current(self) -> None:
        self.actions.print_pdf()

    # -- issuing ------------------------------------------------------------
    def new_item(self) -> None:
        if not self.ctx.can("certificates.issue"):
            return
        ctx = self.ctx
        dialog = IssueDialog(
            ctx,
            people_index.all_people(ctx.uow(), ctx.actor, status="active"),
            catalog.list_credentials(ctx.uow(), ctx.actor, include_inactive=False),
            self,
        )
        if self._exec(dialog) != QDialog.DialogCode.Accepted:
            return
        person_id, credential_id, reason = dialog.person_id(), dialog.credential_id(), dialog.override_reason()
        passphrase = self.actions.passphrase()
        if passphrase is False or person_id is None or credential_id is None:
            return

        def work() -> Any:
            return certificates.issue_certificate(
                ctx.uow(),
                ctx.actor,
                person_id,
                credential_id,
                out_dir=certificate_actions.output_folder(),
                override_reason=reason,
                passphrase=passphrase or None,
            )

        def done(issued: Any) -> None:
            self.last_issued = [issued.code]
            self.select_code(issued.code)
            messages.show_info(
                self, "Certificate issued", f"{issued.code} issued to {issued.holder_name}.\nPDF: {issued.pdf_path}"
            )

        ctx.mutate(work, done, parent=self)

    def _exec(self, dialog: QDialog) -> int:
        return dialog.exec()

    def issue_cohort(self) -> None:
        code = self.cohort_box.currentData()
        if not code:
            messages.show_error(self, "Issue for cohort", "Choose a cohort first.")
            return
        passphrase = self.actions.passphrase()
        if passphrase is False:
            return
        folder = self.cohort_folder()
        if folder is None:
            return
        self.batch = CohortIssueProgress(self.ctx, code, folder, passphrase or None, self)
        self.batch.finished_batch.connect(self._batch_done)
        self.batch.cancelled_batch.connect(
            lambda: messages.show_info(self, "Cancelled", "Issuing was cancelled; no certificate was kept.")
        )
        self.batch.start()

    def cohort_folder(self) -> Path | None:
        """Ask where the cohort's PDFs go, starting at the folder used last time; remember the answer."""

        settings = config.LocalSettings.load()
        start = (
            settings.cohort_pdf_folder
            if Path(settings.cohort_pdf_folder or "/nonexistent").is_dir()
            else str(certificate_actions.output_folder())
        )
        chosen = messages.choose_folder(self, "Choose the folder for this cohort's certificate PDFs", start)
        if not chosen:
            return None
        folder = Path(chosen)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".credtrack-write-check"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            messages.show_error(
                self,
                "Issue for cohort",
                f"Certificates cannot be saved in {folder}: {exc.strerror or exc}. Choose another folder.",
            )
            return None
        if settings.cohort_pdf_folder != str(folder):
            settings.cohort_pdf_folder = str(folder)
            settings.save()
        return folder

    def _batch_done(self, outcome: Any) -> None:
        self.last_issued = [c.code for c in outcome.issued]
        lines = [f"{len(outcome.issued)} certificates issued."]
        if outcome.skipped_already_held:
            lines.append(f"{outcome.skipped_already_held} already held a valid certificate.")
        if outcome.skipped_not_eligible:
            lines.append(f"{outcome.skipped_not_eligible} are not yet eligible.")
        if outcome.combined_pdf:
            lines.append(f"All pages in one PDF for printing: {outcome.combined_pdf}")
        if outcome.issued and self.ctx.can("mail.send"):
            lines.append("E-mail to learners… sends each of them their certificate.")
        messages.show_info(self, "Cohort issued", "\n".join(lines))

    def delivery_scopes(self) -> list[tuple[str, list[str]]]:
        """What 'E-mail to learners' and 'Save for learners' may act on: the certificate selected, those just
        issued here, and every certificate in force among those listed."""
        scopes: list[tuple[str, list[str]]] = []
        row = selected_row(self.table)
        if row is not None and row.status == "valid":
            scopes.append((f"The selected certificate ({row.holder_name}, {row.code})", [row.code]))
        if len(self.last_issued) > 1:
            scopes.append((f"The {len(self.last_issued):,} certificates just issued", list(self.last_issued)))
        cohort = self.cohort_box.currentData()
        in_cohort = delivery.cohort_certificates(self.ctx.uow(), self.ctx.actor, cohort) if cohort else []
        if in_cohort:
            name = self.cohort_box.currentText().rsplit(" (", 1)[0]
            scopes.append((f"The {len(in_cohort):,} certificates in force for {name}", in_cohort))
        listed = [r.code for r in (self.proxy.row_at(i) for i in range(self.proxy.rowCount())) if r.status == "valid"]
        if listed:
            scopes.append((f"All {len(listed):,} certificates in force listed here", listed))
        return scopes


def _start_worker_server(_control: Any) -> None:
    batch.start_worker_server()


def _worker_server_failed(exc: BaseException) -> None:
    """Not worth interrupting anyone for: a batch starts the server itself, and reports it if that fails."""

    crash.log_file()
    logging.getLogger("credtrack.ui").warning("Could not start the certificate worker server ahead: %s", exc)

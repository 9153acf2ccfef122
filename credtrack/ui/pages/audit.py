"""Audit log page: filter the hash-chained log and check that the chain is intact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from credtrack.services.audit import export as audit_export
from credtrack.services.audit import queries as audit_queries
from credtrack.services.changes import Change
from credtrack.services.permissions import allowed
from credtrack.ui import crash, messages, style
from credtrack.ui.audit_folding import SIGN_IN, fold_sign_ins
from credtrack.ui.export import export_button
from credtrack.ui.models.admin import AuditTableModel
from credtrack.ui.pages.base import Page
from credtrack.ui.table import TableProxy, make_table, selected_row
from credtrack.ui.widgets.banner import Banner

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

ANY = "(any)"


def _pretty(text: str) -> str:
    if not text:
        return "—"
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


class AuditPage(Page):
    title = "Audit log"
    action = "audit.read"
    watches = Change.AUDIT | Change.PEOPLE | Change.RECORDS | Change.CERTIFICATES | Change.USERS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search record ids, notes and changed values…")
        self.search.setAccessibleName("Search the audit log")
        self.search.setClearButtonEnabled(True)
        self.action_filter = QComboBox()
        self.action_filter.setAccessibleName("Action")
        self.action_filter.setMinimumWidth(200)
        self.actor_filter = QComboBox()
        self.actor_filter.setAccessibleName("Who")
        self.actor_filter.setMinimumWidth(140)
        self.verify_button = QPushButton("Verify chain")
        self.verify_button.setAccessibleName("Verify the audit chain")
        self.verify_button.clicked.connect(self.verify_chain)
        self.export_button = export_button(self.export_table, "the audit events listed")
        self.auditor_button = QPushButton("Export for auditor…")
        self.auditor_button.setToolTip(
            "The whole log with its signed checkpoints and the public keys, in one file "
            "that credtrack-cli audit verify-export checks without this database"
        )
        self.auditor_button.clicked.connect(self.export_for_auditor)
        self.auditor_button.setVisible(allowed(ctx.actor, "audit.export"))
        self.count_label = QLabel()
        style.set_role(self.count_label, "subtitle")

        self.model = AuditTableModel(self)
        self.proxy = TableProxy(self.model, self)
        self.table = make_table(self.proxy, "Audit events")
        self.table.selectionModel().selectionChanged.connect(self._show_detail)
        self.detail = QPlainTextEdit()
        self.detail.setTabChangesFocus(True)
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("Event details")
        self.detail.setPlaceholderText("Select an event to see what changed.")
        self.banner = Banner()

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(QLabel("Action"))
        filters.addWidget(self.action_filter, 1)
        filters.addWidget(QLabel("Who"))
        filters.addWidget(self.actor_filter, 1)
        filters.addWidget(self.verify_button)
        filters.addWidget(self.export_button)
        filters.addWidget(self.auditor_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        header.addWidget(style.title(self.title))
        header.addStretch(1)
        header.addWidget(self.count_label)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        self.set_tab_order(
            self.search, self.action_filter, self.actor_filter, self.verify_button, self.table, self.detail
        )

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.action_filter.currentIndexChanged.connect(self.reload)
        self.actor_filter.currentIndexChanged.connect(self.reload)
        self._filling = False

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def table_to_export(self) -> tuple[TableProxy, str]:
        return self.proxy, "Audit log"

    def _choice(self, combo: QComboBox) -> str:
        text = combo.currentText()
        return "" if text == ANY else text

    def reload(self) -> None:
        if self._filling:
            return
        ctx = self.ctx
        text, action, who = self.search.text(), self._choice(self.action_filter), self._choice(self.actor_filter)

        def work(_control: Any) -> Any:
            rows = audit_queries.list_events(ctx.uow(), ctx.actor, text=text, action=action, actor_name=who)
            choices = audit_queries.filter_choices(ctx.uow(), ctx.actor)
            return rows, choices

        ctx.run(work, self._loaded, parent=self)

    def _loaded(self, result: Any) -> None:
        rows, (actions, actors) = result
        self._filling = True
        for combo, values in ((self.action_filter, actions), (self.actor_filter, actors)):
            current = combo.currentText()
            combo.clear()
            combo.addItems([ANY, *values])
            combo.setCurrentText(current if current in values else ANY)
        self._filling = False
        hidden = 0
        if self._choice(self.action_filter) != SIGN_IN:
            rows, hidden = fold_sign_ins(rows)
        self.model.set_rows(rows)
        folded = f" ({hidden} repeated sign-ins folded)" if hidden else ""
        self.count_label.setText(f"{len(rows)} events shown, newest first{folded}")

    def _show_detail(self) -> None:
        row = selected_row(self.table)
        if row is None:
            self.detail.clear()
            return
        lines = [
            f"Event {row.id} · {row.occurred_at:%Y-%m-%d %H:%M:%S} UTC · {row.actor} · {row.action} · {row.entity}",
        ]
        if row.reauthenticated:
            lines.append("Signed with password re-entry.")
        if row.note:
            lines.append(f"Note: {row.note}")
        lines += ["", "Before:", _pretty(row.before), "", "After:", _pretty(row.after)]
        self.detail.setPlainText("\n".join(lines))

    def verify_chain(self) -> None:
        ctx = self.ctx
        self.verify_button.setEnabled(False)
        self.banner.show_message("info", "Checking the audit chain…")

        def done(report: Any) -> None:
            self.verify_button.setEnabled(True)
            if report.intact:
                self.banner.show_message("good", "Audit log intact", report.describe())
            else:
                self.banner.show_message(
                    "bad", f"Audit log has been tampered with: {report.headline.split(': ')[-1]}", report.describe()
                )

        def failed(exc: BaseException) -> None:
            self.verify_button.setEnabled(True)
            self.banner.clear()
            crash.report(exc, self)

        ctx.run(lambda _c: audit_queries.verify_chain(ctx.uow(), ctx.actor), done, on_error=failed)

    def export_for_auditor(self) -> None:
        chosen = messages.save_file_name(
            self, "Export the audit log for an auditor", str(audit_export.default_name()), "Audit export (*.zip)"
        )
        if not chosen:
            return
        target = Path(chosen if chosen.endswith(".zip") else chosen + ".zip")
        ctx = self.ctx

        def done(result: Any) -> None:
            info = result.value
            self.banner.show_message(
                "good",
                f"Audit log exported: {info.events} events, {info.checkpoints} checkpoints",
                f"{info.path}\nAnyone can check it without this database: credtrack-cli audit verify-export FILE",
            )

        ctx.run(lambda _c: audit_export.export_log(ctx.uow(), ctx.actor, target), done, parent=self)

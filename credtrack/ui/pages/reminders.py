"""Reminders page (staff): the reminders due today, each message previewed, sent on command; and what was sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from credtrack.services.changes import Change
from credtrack.services.common import today
from credtrack.services.reminders import history, outbox, rules
from credtrack.services.reminders.sending import send_through_mail
from credtrack.ui import crash, messages, style
from credtrack.ui.models.reminders import DueRemindersTableModel, ReminderHistoryTableModel
from credtrack.ui.pages.base import Page
from credtrack.ui.table import TableProxy, make_table, selected_row
from credtrack.ui.tasks import TaskControl
from credtrack.ui.widgets.reminder_settings import RulesEditor, WordingEditor, load_settings
from credtrack.ui.widgets.unit_educators import UnitEducatorsEditor

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


def preview_text(row: outbox.DueReminder | history.HistoryRow | None) -> str:
    """The message as it goes (or went): headers, then the body."""
    if row is None:
        return ""
    if isinstance(row, outbox.DueReminder):
        to, copy = row.to or "(no e-mail address)", row.copy_to
        note = f"{row.problem}\n\n" if row.problem else ""
    else:
        to, copy, note = row.recipient or "(no e-mail address)", row.copy_to, ""
    lines = [f"To: {to}"] + ([f"Cc: {copy}"] if copy else []) + [f"Subject: {row.subject}", "", row.body]
    return note + "\n".join(lines)


class SendProgress(QProgressDialog):
    """Sends on a worker; Cancel stops before the next message (those not tried stay queued)."""

    finished_sending = Signal(object)  # the SendReport

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Preparing today's reminders…", "Cancel", 0, 0, parent)
        self.ctx = ctx
        self.setWindowTitle("Sending reminders")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.control: TaskControl | None = None
        self.canceled.connect(self._cancel)

    def start(self) -> None:
        self.show()
        ctx = self.ctx

        def work(control: TaskControl) -> Any:
            return send_through_mail(
                ctx.db,
                ctx.actor,
                check=control.check,
                progress=lambda done, total: control.progress(done, total, ""),
            )

        self.control = ctx.runner.run(
            work, on_done=self._done, on_error=self._failed, on_progress=self._progress, on_cancelled=self._stopped
        )

    def _progress(self, done: int, total: int, _text: str) -> None:
        self.setMaximum(total)
        self.setValue(done)
        self.setLabelText(f"Sent {done} of {total} reminders…")

    def _cancel(self) -> None:
        if self.control is not None:
            self.control.cancel()
        self.setLabelText("Stopping after the message being sent…")

    def _done(self, result: Any) -> None:
        self.close()
        self.ctx.publish(result.changes)
        self.finished_sending.emit(result.value)

    def _failed(self, exc: BaseException) -> None:
        self.close()
        self.ctx.publish(Change.AUDIT)
        crash.report(exc, self.parentWidget())

    def _stopped(self) -> None:
        self.close()
        self.ctx.publish(Change.AUDIT)
        messages.show_info(self.parentWidget(), "Sending stopped", "Reminders not yet sent stay queued for next time.")


class RemindersPage(Page):
    title = "Reminders"
    action = "reminders.read"
    watches = Change.RECORDS | Change.CERTIFICATES | Change.COHORTS | Change.PEOPLE | Change.SETTINGS | Change.AUDIT

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.due_model = DueRemindersTableModel(self)
        self.due_proxy = TableProxy(self.due_model, self)
        self.due_table = make_table(self.due_proxy, "Reminders due today")
        self.due_table.selectionModel().selectionChanged.connect(self._show_due)
        self.history_model = ReminderHistoryTableModel(self)
        self.history_proxy = TableProxy(self.history_model, self)
        self.history_table = make_table(self.history_proxy, "Reminders sent")
        self.history_table.selectionModel().selectionChanged.connect(self._show_history)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Message preview")
        self.preview.setPlaceholderText("Choose a reminder to see its message.")
        self.summary = QLabel("")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.reload)
        self.send_button = QPushButton("Send due reminders…")
        self.send_button.setEnabled(False)
        self.send_button.setVisible(ctx.can("reminders.send"))
        self.send_button.clicked.connect(self.send)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Reminders due today and sent")
        self.tabs.addTab(self.due_table, "Due today")
        self.settle_sent_button = QPushButton("It went: record as sent")
        self.settle_sent_button.clicked.connect(lambda: self.settle(was_sent=True))
        self.settle_queue_button = QPushButton("It did not go: send again")
        self.settle_queue_button.clicked.connect(lambda: self.settle(was_sent=False))
        self.settle_bar = QWidget()
        bar = QHBoxLayout(self.settle_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Interrupted run: check the mail server's log, then"))
        bar.addWidget(self.settle_sent_button)
        bar.addWidget(self.settle_queue_button)
        bar.addStretch(1)
        self.settle_bar.setVisible(False)
        history_tab = QWidget()
        history_layout = QVBoxLayout(history_tab)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history_table, 1)
        history_layout.addWidget(self.settle_bar)
        self.history_tab = history_tab
        self.tabs.addTab(history_tab, "History")
        self.wording = WordingEditor(ctx)
        self.rules = RulesEditor(ctx)
        self.tabs.addTab(self.wording, "Wording")
        self.tabs.addTab(self.rules, "Rules")
        self.educators = UnitEducatorsEditor(ctx)
        self.tabs.addTab(self.educators, "Unit educators")
        self.tabs.currentChanged.connect(lambda _i: self._show_selected())
        top = QHBoxLayout()
        top.addWidget(style.title(self.title))
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(
            style.subtitle(
                "E-mails to learners before a credential or a recurring module expires, on the day, and when an "
                "assigned credential is overdue. Each reminder goes once; one that fails stays queued and is tried "
                "again. When to send and what they say: the Rules and Wording tabs."
            )
        )
        layout.addWidget(self.summary)
        layout.addWidget(style.side_by_side(self.tabs, self.preview, sizes=[820, 480]), 1)
        self.set_tab_order(self.refresh_button, self.send_button, self.tabs, self.preview)

    def table_to_export(self) -> tuple[TableProxy, str]:
        if self.tabs.currentWidget() is self.history_tab:
            return self.history_proxy, "Reminders sent"
        return self.due_proxy, "Reminders due"

    def reload(self) -> None:
        ctx = self.ctx

        def work(_control: TaskControl) -> tuple[Any, ...]:
            return (
                outbox.due_reminders(ctx.uow(), ctx.actor),
                history.history(ctx.uow(), ctx.actor),
                load_settings(ctx),
                rules.unit_educators(ctx.uow(), ctx.actor),
            )

        ctx.run(work, self._loaded, parent=self)

    def _loaded(self, found: tuple[Any, ...]) -> None:
        due, sent, (templates, rule_rows, credentials, modules), educators = found
        self.educators.set_rows(educators)
        self.wording.set_templates(templates)
        self.rules.set_data(rule_rows, credentials, modules)
        self.due_model.set_rows(due)
        self.history_model.set_rows(sent)
        sendable = sum(1 for r in due if not r.problem and r.state != "sending")
        waiting = len(due) - sendable
        text = f"{len(due)} due today ({today().isoformat()}); {sendable} ready to send"
        self.summary.setText(text + (f", {waiting} cannot go yet (see State)." if waiting else "."))
        self.send_button.setEnabled(sendable > 0)
        self.preview.clear()

    def _show_selected(self) -> None:
        on_lists = self.tabs.currentWidget() in (self.due_table, self.history_tab)
        self.preview.setVisible(on_lists)
        if self.tabs.currentWidget() is self.history_tab:
            self._show_history()
        else:
            self._show_due()

    def _show_due(self) -> None:
        self.preview.setPlainText(preview_text(selected_row(self.due_table)))

    def _show_history(self) -> None:
        row = selected_row(self.history_table)
        self.preview.setPlainText(preview_text(row))
        self.settle_bar.setVisible(row is not None and row.state == "sending" and self.ctx.can("reminders.send"))

    def settle(self, *, was_sent: bool) -> None:
        """Settle the selected reminder an interrupted run left sending, once the mail log has been checked."""
        row, ctx = selected_row(self.history_table), self.ctx
        if row is not None:
            ctx.mutate(lambda: history.settle_interrupted(ctx.uow(), ctx.actor, row.id, was_sent=was_sent), parent=self)

    def send(self) -> None:
        count = sum(1 for r in self.due_model.rows() if not r.problem and r.state != "sending")
        if not messages.confirm(self, "Send reminders", f"Send {count} reminder{'s' if count != 1 else ''} now?"):
            return
        dialog = SendProgress(self.ctx, self)
        dialog.finished_sending.connect(self._sent)
        dialog.start()

    def _sent(self, report: outbox.SendReport) -> None:
        text = report.describe()
        if report.errors:
            text += "\n\n" + "\n".join(report.errors[:10])
        messages.show_info(self, "Reminders", text)

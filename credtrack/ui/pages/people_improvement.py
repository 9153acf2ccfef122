"""What the People page does with a person's improvement work: record it, confirm it as supervisor (signed
with a password), void it with a reason, attach a file and open one after checking its hash. Each change runs
off the main thread and the person's page reloads after it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from credtrack.services import improvement, improvement_files, people
from credtrack.ui import messages
from credtrack.ui.dialogs.improvement_dialog import ImprovementDialog
from credtrack.ui.dialogs.kept_open import open_saving_on_accept
from credtrack.ui.widgets.person_detail import PersonDetailPane

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class ImprovementActions:
    """Wires a person pane's Improvement work tab to the services; ``reload`` refreshes the pane after a change."""

    def __init__(self, ctx: AppContext, pane: PersonDetailPane, reload: Callable[[], None], parent: QWidget) -> None:
        self.ctx, self.pane, self.reload, self.parent = ctx, pane, reload, parent
        tab = pane.improvement
        tab.set_allowed(
            {
                name
                for name, action in (
                    ("record", "improvement.record"),
                    ("confirm", "improvement.confirm"),
                    ("void", "improvement.void"),
                    ("attach", "improvement.attach"),
                )
                if ctx.can(action)
            }
        )
        tab.record_requested.connect(self.record)
        tab.confirm_requested.connect(self.confirm)
        tab.void_requested.connect(self.void)
        tab.attach_requested.connect(self.attach)
        tab.open_requested.connect(self.open_file)

    def record(self) -> None:
        """Record work for the person shown; the form stays open, with what was typed, until it is saved."""
        ctx = self.ctx
        if self.pane.detail is None:
            return
        shown = self.pane.detail.person
        professions = [(p.code, p.name) for p in people.list_professions(ctx.uow(), ctx.actor)]
        dialog = ImprovementDialog(shown.full_name, professions, self.parent)
        person_id = shown.id

        open_saving_on_accept(
            ctx,
            dialog,
            lambda values: improvement.record_work(ctx.uow(), ctx.actor, person_id=person_id, **values),
            self.reload,
        )

    def confirm(self, row: Any) -> None:
        ended = ""
        if row.ended_on is None:
            ended = (
                messages.ask_text(
                    self.parent,
                    "Confirm improvement work",
                    f"{row.title!r} has no end date: on what day did it end? (YYYY-MM-DD)",
                )
                or ""
            )
            if not ended:
                return
        password = messages.ask_text(
            self.parent,
            "Confirm improvement work",
            f"Confirm {row.kind_label.lower()} {row.title!r} as its supervisor: re-enter your password to sign "
            f"that {improvement.CONFIRMATION_TEXT[0].lower()}{improvement.CONFIRMATION_TEXT[1:]}",
            secret=True,
        )
        if password:
            ctx = self.ctx
            ctx.mutate(
                lambda: improvement.confirm_work(ctx.uow(), ctx.actor, row.id, password, ended_on=ended or None),
                lambda _row: self.reload(),
                parent=self.parent,
            )

    def void(self, row: Any) -> None:
        reason = messages.ask_text(
            self.parent,
            "Void improvement work",
            f"Void {row.kind_label.lower()} {row.title!r}? It stays in history and no longer counts; certificates "
            "issued on it are flagged for review.",
        )
        if reason:
            ctx = self.ctx
            ctx.mutate(
                lambda: improvement.void_work(ctx.uow(), ctx.actor, row.id, reason),
                lambda _row: self.reload(),
                parent=self.parent,
            )

    def attach(self, row: Any) -> None:
        path = messages.open_file_name(self.parent, f"Attach a file to {row.title}", "All files (*)")
        if path:
            ctx = self.ctx
            ctx.mutate(
                lambda: improvement_files.attach_file(ctx.uow(), ctx.actor, row.id, path),
                lambda _row: self.reload(),
                parent=self.parent,
            )

    def open_file(self, row: Any) -> None:
        """Open an attachment (asking which, if several) after its bytes are checked against the recorded hash."""
        attachment = row.attachments[0]
        if len(row.attachments) > 1:
            index = messages.choose_item(
                self.parent, "Open file", "Which file?", [a.file_name for a in row.attachments]
            )
            if index is None:
                return
            attachment = row.attachments[index]
        ctx = self.ctx

        def work(_c: Any) -> Path:
            folder = Path(tempfile.mkdtemp(prefix="credtrack-attachment-"))
            return improvement_files.export_attachment(ctx.uow(), ctx.actor, attachment.id, folder)

        ctx.run(work, lambda path: messages.open_with_system(str(path)), parent=self.parent)

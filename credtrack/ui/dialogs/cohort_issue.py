"""Issue certificates to a whole cohort: a progress dialog that can be cancelled, leaving nothing half-done."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from credtrack.certificates.batch import BatchCancelled
from credtrack.services.certificates import cohort as certificate_cohort
from credtrack.ui import crash
from credtrack.ui.tasks import Cancelled, TaskControl

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class CohortIssueProgress(QProgressDialog):
    """Runs the batch on a worker; Cancel asks the batch to stop and roll back."""

    finished_batch = Signal(object)  # the CohortIssue result
    cancelled_batch = Signal()

    def __init__(
        self, ctx: AppContext, cohort_code: str, out_dir: Path, passphrase: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Preparing certificates for {cohort_code}…", "Cancel", 0, 0, parent)
        self.ctx = ctx
        self.setWindowTitle("Issuing certificates")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.canceled.connect(self._cancel)
        self.control: TaskControl | None = None
        self.cancel_requested = False  # read by the worker; set before ``control`` exists in synchronous runs
        self.running = False
        self.cohort_code, self.out_dir, self.passphrase = cohort_code, out_dir, passphrase

    def start(self) -> None:
        self.running = True
        self.show()
        ctx, code, out_dir, passphrase = self.ctx, self.cohort_code, self.out_dir, self.passphrase

        def work(control: TaskControl) -> Any:
            try:
                return certificate_cohort.issue_cohort(
                    ctx.db,
                    ctx.actor,
                    code,
                    out_dir,
                    passphrase=passphrase,
                    progress=lambda done, total: control.progress(done, total, ""),
                    cancelled=lambda: control.cancelled or self.cancel_requested,
                )
            except BatchCancelled as exc:
                raise Cancelled() from exc

        self.control = ctx.runner.run(
            work,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=self._was_cancelled,
        )

    def reject(self) -> None:
        """Escape (or closing the window) cancels like the Cancel button; it must not just hide a running batch."""
        if self.running and not self.cancel_requested:
            self.canceled.emit()  # the dialog stays, saying it is cancelling, until the batch has rolled back
        elif not self.running:
            super().reject()

    def _progress(self, done: int, total: int, _text: str) -> None:
        self.setMaximum(total)
        self.setValue(done)
        self.setLabelText(f"Rendering certificate {done:,} of {total:,} for {self.cohort_code}…")

    def _cancel(self) -> None:
        self.cancel_requested = True
        if self.control is not None:
            self.control.cancel()
        self.setLabelText("Cancelling — nothing will be kept…")

    def _done(self, result: Any) -> None:
        self.running = False
        self.close()
        if result.changes:
            self.ctx.publish(result.changes)
        self.finished_batch.emit(result.value)

    def _was_cancelled(self) -> None:
        self.running = False
        self.close()
        self.cancelled_batch.emit()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.close()
        crash.report(exc, self.parentWidget())

"""A progress dialog for work a user may stop: it runs on a worker, and Cancel (or Escape) asks it to stop."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from credtrack.ui import crash
from credtrack.ui.tasks import TaskControl

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


class TaskProgress(QProgressDialog):
    """``work(control)`` off the UI thread; ``describe(done, total)`` labels the bar as it moves."""

    finished_work = Signal(object)  # what the work returned (a service Result's value)
    cancelled_work = Signal()

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        first: str,
        work: Callable[[TaskControl], Any],
        describe: Callable[[int, int], str],
        cancelling: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(first, "Cancel", 0, 0, parent)
        self.ctx, self.work, self.describe, self.cancelling = ctx, work, describe, cancelling
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.canceled.connect(self._cancel)
        self.control: TaskControl | None = None
        self.running = False

    def start(self) -> None:
        self.running = True
        self.show()
        self.control = self.ctx.runner.run(
            self.work,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=self._was_cancelled,
        )

    def reject(self) -> None:
        """Escape cancels like the Cancel button; it must not just hide running work."""
        if self.running:
            self.canceled.emit()
        else:
            super().reject()

    def _progress(self, done: int, total: int, _text: str) -> None:
        self.setMaximum(total)
        self.setValue(done)
        self.setLabelText(self.describe(done, total))

    def _cancel(self) -> None:
        if self.control is not None:
            self.control.cancel()
        self.setLabelText(self.cancelling)

    def _done(self, result: Any) -> None:
        self.running = False
        self.close()
        if getattr(result, "changes", None):
            self.ctx.publish(result.changes)
        self.finished_work.emit(getattr(result, "value", result))

    def _was_cancelled(self) -> None:
        self.running = False
        self.close()
        self.cancelled_work.emit()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.close()
        crash.report(exc, self.parentWidget())

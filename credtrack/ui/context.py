"""What every page is handed: the database, the signed-in user, settings, the task runner, the change broadcast."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from credtrack.config import LocalSettings
from credtrack.services.permissions import allowed
from credtrack.ui import crash
from credtrack.ui.tasks import TaskControl, TaskRunner

if TYPE_CHECKING:
    from credtrack.db import Database, UnitOfWork
    from credtrack.services.changes import Change
    from credtrack.services.permissions import Actor


class ChangeHub(QObject):
    """The one application-wide broadcast: "these kinds of records changed"."""

    changed = Signal(object)


class AppContext:
    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        runner: TaskRunner | None = None,
        settings: LocalSettings | None = None,
    ) -> None:
        self.db = db
        self.actor = actor
        self.runner = runner or TaskRunner()
        self.settings = settings or LocalSettings.load()
        self.hub = ChangeHub()

    def uow(self) -> UnitOfWork:
        return self.db.unit_of_work()

    def can(self, action: str) -> bool:
        return allowed(self.actor, action)

    def publish(self, changes: Change) -> None:
        self.hub.changed.emit(changes)

    def run(
        self,
        work: Callable[[TaskControl], Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        parent: Any = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> TaskControl:
        """Run ``work`` in the background; errors become a message over ``parent`` unless handled."""
        return self.runner.run(
            work,
            on_done=on_done,
            on_error=on_error or (lambda exc: crash.report(exc, parent)),
            on_progress=on_progress,
            on_cancelled=on_cancelled,
        )

    def mutate(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        parent: Any = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> TaskControl:
        """Run a mutating service call; broadcast its changes, then hand its value to ``on_done``."""

        def finished(result: Any) -> None:
            changes = getattr(result, "changes", None)
            if changes:
                self.publish(changes)
            if on_done is not None:
                on_done(getattr(result, "value", result))

        return self.run(lambda _control: work(), finished, parent=parent, on_error=on_error)

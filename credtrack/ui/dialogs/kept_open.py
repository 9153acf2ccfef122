"""A form that stays open, with what was typed, until the service accepts it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog

from credtrack.errors import CredtrackError
from credtrack.ui import crash

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


def open_saving_on_accept(
    ctx: AppContext, dialog: Any, save: Callable[[dict[str, Any]], Any], saved: Callable[[], None]
) -> None:
    """Open ``dialog`` (one with ``buttons``, ``message`` and ``values()``); its Save runs ``save(values)``
    through ``ctx.mutate``. A refusal is shown in the form's message line and the form stays open; once
    saved, the form closes and ``saved()`` runs."""

    def attempt() -> None:
        values = dialog.values()
        dialog.message.setText("")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, CredtrackError):
                dialog.message.setText(exc.message)
            else:
                crash.report(exc, dialog)

        ctx.mutate(
            lambda: save(values),
            lambda _row: (dialog.done(QDialog.DialogCode.Accepted), saved()),
            parent=dialog,
            on_error=failed,
        )

    dialog.buttons.accepted.disconnect()
    dialog.buttons.accepted.connect(attempt)
    dialog.open()

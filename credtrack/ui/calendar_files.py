"""Saving a person's or a cohort's due and expiry dates as a calendar file (.ics) from the desktop app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from credtrack.reports import calendar
from credtrack.ui import messages

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext


def _save(
    ctx: AppContext, parent: QWidget, suggested: str, who: str, make: Callable[[], calendar.CalendarFile]
) -> None:
    target = messages.save_file_name(parent, "Save calendar", suggested, "Calendar file (*.ics)")
    if not target:
        return
    if not target.lower().endswith(".ics"):
        target += ".ics"

    def work(_control: Any) -> int:
        found = make()
        Path(target).write_bytes(found.data)
        return found.events

    def done(events: int) -> None:
        dates = f"{events} date{'s' if events != 1 else ''}"
        messages.show_info(
            parent,
            "Calendar saved",
            f"{dates} of {who} saved to {target}. Open the file, or import it in Outlook, Google Calendar or "
            "Apple Calendar; importing a newer file moves the dates instead of adding them again.",
        )

    ctx.run(work, done, parent=parent)


def save_person_calendar(ctx: AppContext, parent: QWidget, detail: Any) -> None:
    """The dates of the person a page shows (``detail``: its PersonDetail, None when nobody is shown)."""
    if detail is None:
        return
    person_id, external_id, name = detail.person.id, detail.person.external_id, detail.person.full_name
    _save(
        ctx, parent, f"{external_id}-dates.ics", name, lambda: calendar.person_calendar(ctx.uow(), ctx.actor, person_id)
    )


def save_cohort_calendar(ctx: AppContext, parent: QWidget, cohort_code: str) -> None:
    _save(
        ctx,
        parent,
        f"{cohort_code}-dates.ics",
        f"cohort {cohort_code}",
        lambda: calendar.cohort_calendar(ctx.uow(), ctx.actor, cohort_code),
    )

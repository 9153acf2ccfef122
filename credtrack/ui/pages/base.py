"""What every page shares: the injected context, lazy loading, and reacting to the change broadcast."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtWidgets import QWidget

from credtrack.services.changes import Change
from credtrack.ui.context import AppContext
from credtrack.ui.export import export_view
from credtrack.ui.keyboard import chain_tab_order

if TYPE_CHECKING:
    from credtrack.ui.table import TableProxy


class Page(QWidget):
    """One screen of the main window.

    ``action`` names the permission needed to see the page; ``watches`` the kinds of
    change that make its data stale. Data loads when the page is first shown and
    again when a watched change arrives (at once if visible, else on next show).
    """

    title: ClassVar[str] = ""
    action: ClassVar[str] = "read"
    watches: ClassVar[Change] = Change.NONE

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self.tab_stops: list[QWidget] = []
        self.setAccessibleName(self.title)
        ctx.hub.changed.connect(self._on_changes)

    def set_tab_order(self, *widgets: QWidget) -> None:
        """Tab visits ``widgets`` in this order: the page's main widgets in reading order."""
        self.tab_stops = chain_tab_order(*widgets)

    def activate(self) -> None:
        """Called by the main window when the page comes to the front."""
        if self._stale:
            self._stale = False
            self.reload()

    def reload(self) -> None:
        """Fetch this page's data (in the background) and show it."""

    def _on_changes(self, changes: Change) -> None:
        if changes & self.watches:
            self._stale = True
            if self.isVisible():
                self.activate()

    # Keyboard commands the main window routes to the page in front; pages override what applies.
    def focus_search(self) -> None:
        """Ctrl+F."""

    def new_item(self) -> None:
        """Ctrl+N."""

    def save(self) -> None:
        """Ctrl+S."""

    def print_current(self) -> None:
        """Ctrl+P."""

    def table_to_export(self) -> tuple[TableProxy, str] | None:
        """The page's main table and what to call it in the file, or None where there is none."""
        return None

    def export_table(self) -> None:
        """Ctrl+E and the page's Export… button: the main table, as shown, to CSV or XLSX."""
        found = self.table_to_export()
        if found is not None:
            export_view(self.ctx, self, *found)

"""Exporting a table as the user sees it — its rows, order and filter — to a CSV or XLSX file.

Every page with a table uses this one helper: the rows are taken from the view on the UI
thread (a list copy, no per-row Qt calls when nothing is filtered out), and the values are
worked out and written on a worker by ``reports.tables.write_table``, which never leaves
half a file behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QPushButton, QWidget

from credtrack.reports.tables import ReportTable, write_table
from credtrack.ui import messages
from credtrack.ui.table import Column, RowTableModel, TableProxy, show

if TYPE_CHECKING:
    from credtrack.ui.context import AppContext

CSV_FILTER = "CSV file (*.csv)"
XLSX_FILTER = "Excel workbook (*.xlsx)"
SUFFIXES = {CSV_FILTER: ".csv", XLSX_FILTER: ".xlsx"}


def shown_rows(proxy: TableProxy) -> list[Any]:
    """The row objects the view shows, in the order it shows them."""
    source = proxy.sourceModel()
    assert isinstance(source, RowTableModel)
    if proxy.rowCount() == source.rowCount():
        # The proxy hands sorting down to the source model, so with nothing filtered out the order is the same.
        return source.rows()
    return [proxy.row_at(r) for r in range(proxy.rowCount())]


def export_columns(model: RowTableModel[Any]) -> Sequence[Column[Any]]:
    return model.export_columns or model.columns


def cell(value: Any) -> Any:
    """A value as a spreadsheet should hold it: numbers and dates stay typed, the rest reads as on screen."""
    if value is None or (isinstance(value, int | float | str) and not isinstance(value, bool)):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    return show(value)


def build_table(title: str, columns: Sequence[Column[Any]], rows: Sequence[Any]) -> Any:
    """A ``ReportTable`` of ``rows`` under ``columns`` (pure: runs on a worker)."""

    return ReportTable(title, [c.title for c in columns], [tuple(cell(c.value(r)) for c in columns) for r in rows])


def ask_path(parent: QWidget | None, title: str, suggested: str) -> str | None:
    """Where to save; the suffix follows the chosen file type when the name has none of its own."""
    path, chosen = messages.save_file_and_type(parent, f"Export {title}", suggested, f"{CSV_FILTER};;{XLSX_FILTER}")
    if not path:
        return None
    if Path(path).suffix.lower() not in SUFFIXES.values():
        path += SUFFIXES.get(chosen, ".csv")
    return path


def export_view(ctx: AppContext, parent: QWidget, proxy: TableProxy, title: str) -> None:
    """Ask for a file and write what ``proxy`` shows to it in the background."""
    model = proxy.sourceModel()
    assert isinstance(model, RowTableModel)
    columns, rows = list(export_columns(model)), shown_rows(proxy)
    if not rows:
        messages.show_info(parent, f"Export {title}", "The table is empty: there is nothing to export.")
        return
    path = ask_path(parent, title, f"{file_stem(title)}-{dt.date.today().isoformat()}.csv")
    if path is None:
        return
    write(ctx, parent, title, lambda: build_table(title, columns, rows), path)


def write(ctx: AppContext, parent: QWidget, title: str, make_table: Any, path: str) -> None:
    """Build the table (``make_table()``) and write it to ``path`` on a worker, then say where it went."""

    def work(_control: Any) -> tuple[Path, int]:
        table = make_table()
        return write_table(table, path), len(table.rows)

    def done(result: tuple[Path, int]) -> None:
        written, count = result
        messages.show_info(
            parent, "Exported", f"{count:,} row{'' if count == 1 else 's'} of {title} saved to {written}."
        )

    ctx.run(work, done, parent=parent)


def file_stem(title: str) -> str:
    """'Audit log' -> 'audit-log': a file name people recognise."""
    words = "".join(ch if ch.isalnum() else " " for ch in title.casefold()).split()
    return "-".join(words) or "table"


def export_button(on_click: Any, what: str) -> QPushButton:
    button = QPushButton("Export…")
    button.setToolTip(f"Save {what} as shown — filter and order — to a CSV file or an Excel workbook (Ctrl+E).")
    button.setAccessibleName(f"Export {what}")
    button.clicked.connect(on_click)
    return button

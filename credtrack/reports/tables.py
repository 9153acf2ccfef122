"""A report as plain rows, and writing any list of rows to CSV or XLSX without leaving half a file."""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from credtrack.errors import CredtrackError
from credtrack.text import for_workbook

FORMATS = ("csv", "xlsx")


class ExportError(CredtrackError):
    """The export could not be written (unknown format, folder missing or not writable)."""


@dataclass(frozen=True)
class ReportTable:
    """Rows ready for a table, a chart and an export. ``columns`` name the values in each row."""

    title: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    notes: list[str] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def format_for(path: Path, requested: str | None = None) -> str:
    fmt = (requested or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise ExportError(f"Cannot export as {fmt!r}; choose csv or xlsx.")
    return fmt


def write_table(table: ReportTable, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``table`` to ``path`` (CSV or XLSX), replacing any old file only once the new one is complete."""
    path = Path(path)
    fmt = format_for(path, fmt)
    if not path.parent.exists():
        raise ExportError(f"The folder {path.parent} does not exist.")
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=".credtrack-export-", suffix=f".{fmt}", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"Cannot write in {path.parent}: {exc.strerror or exc}.") from None
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        if fmt == "csv":
            write_csv(table.columns, table.rows, tmp)
        else:
            write_xlsx(table.columns, table.rows, tmp, title=table.title)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value  # a spreadsheet must not run a name that looks like a formula
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]], path: Path) -> None:
    """UTF-8 with a byte-order mark, so spreadsheet programs show accented names correctly."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        write_csv_stream(columns, rows, out)


def write_csv_stream(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        value = for_workbook(value)  # a control character stored by an older version must not stop the export
        if value[:1] == "=":
            return "'" + value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)  # a workbook cannot hold a time zone
    return value


def write_xlsx(columns: Sequence[str], rows: Sequence[Sequence[Any]], path: Path, title: str = "Report") -> None:
    # openpyxl loads in about 0.15 s (python -X importtime); only an XLSX export needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=for_workbook(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        out = []
        for raw in row:
            value = _xlsx_value(raw)
            if isinstance(value, dt.date):
                # openpyxl writes dates as well as datetimes; its stubs leave date out.
                cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
                cell.number_format = "yyyy-mm-dd hh:mm:ss" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    book.save(path)


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in for_workbook(title) if ch not in "[]:*?/\\\ufffd")
    return (cleaned or "Report")[:31]

"""Turning spreadsheet cells into text and dates: Excel serials, ISO and the common written forms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from credtrack.importing.reading import Cell

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's phantom 29 Feb 1900 is skipped
MAX_EXCEL_SERIAL = 2958465  # 9999-12-31
EARLIEST_DATE = dt.date(1900, 1, 1)

_NUMERIC = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WORDY = re.compile(r"^(\d{1,2})[ -]([a-z]+)\.?[ ,-]*(\d{2,4})$|^([a-z]+)\.? (\d{1,2}),? (\d{2,4})$")


class BadValue(ValueError):
    """A cell that cannot be read as the field's type; the message says what is wrong."""


def text(cell: Cell) -> str:
    """A cell as trimmed text; whole numbers stored as floats (``12345.0``) read as ``12345``."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def from_excel_serial(serial: float) -> dt.date:
    if not 1 <= serial <= MAX_EXCEL_SERIAL:
        raise BadValue(f"{serial:g} is not a date")
    whole = int(serial)
    if whole == 60:  # Excel's 29 February 1900, a day that never was
        raise BadValue("60 is Excel's 29 February 1900, an impossible date")
    if whole < 60:  # serials before that phantom day are one day off from the epoch
        whole += 1
    return EXCEL_EPOCH + dt.timedelta(days=whole)


def _year(value: str) -> int:
    year = int(value)
    if len(value) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _build(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadValue(f"{original!r} is an impossible date") from None


def infer_day_first(cells: Iterable[Cell]) -> bool | None:
    """True when some ``a/b/yyyy`` value has a > 12, False when some has b > 12, else None."""
    day_first = month_first = False
    for cell in cells:
        if not isinstance(cell, str) or (len(cell) == 10 and cell[4] == "-"):
            continue
        match = _NUMERIC.match(cell.strip())
        if not match or len(match.group(1)) == 4:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        day_first = day_first or first > 12
        month_first = month_first or second > 12
        if day_first and month_first:
            return None
    if day_first != month_first:
        return day_first
    return None


def parse_date(cell: Cell, *, day_first: bool = True) -> dt.date | None:
    """A date from a cell, or None for an empty cell; raise BadValue saying why it is not a date."""
    if cell is None:
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, bool):
        raise BadValue(f"{cell!r} is not a date")
    if isinstance(cell, int | float):
        return from_excel_serial(cell)
    value = cell.strip()
    if not value:
        return None
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return _parse_text_date(value, day_first)


def _parse_text_date(value: str, day_first: bool) -> dt.date:
    match = _NUMERIC.match(value)
    if match:
        a, b, c = match.groups()
        if len(a) == 4:
            return _build(int(a), int(b), int(c), value)
        if len(c) not in (2, 4):
            raise BadValue(f"{value!r} is not a date")
        day, month = (a, b) if day_first else (b, a)
        if int(month) > 12 and int(day) <= 12:
            day, month = month, day
        return _build(_year(c), int(month), int(day), value)
    if _SERIAL.match(value):
        return from_excel_serial(float(value))
    match = _WORDY.match(value.lower())
    if match:
        if match.group(1):
            day, month_name, year = match.group(1), match.group(2), match.group(3)
        else:
            month_name, day, year = match.group(4), match.group(5), match.group(6)
        month = _MONTHS.get(month_name)
        if month is not None:
            return _build(_year(year), month, int(day), value)
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        pass
    raise BadValue(f"{value!r} is not a date (write it as YYYY-MM-DD)")

"""Reading an import file into plain rows: encoding and delimiter detection for CSV, cells for XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credtrack.importing.problems import FileProblemError

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SNIFF_CHARACTERS = 256 * 1024

Cell = str | int | float | dt.date | dt.datetime | None


@dataclass
class Table:
    """The rows of one import file. ``rows[i]`` is spreadsheet row ``first_row + i``."""

    headers: list[str]
    rows: list[list[Cell]]
    sha256: str
    file_name: str
    encoding: str = ""
    delimiter: str = ""
    first_row: int = 2
    notes: list[str] = field(default_factory=list)

    def row_number(self, index: int) -> int:
        return self.first_row + index


def read_table(path: str | Path) -> Table:
    """Read a CSV or XLSX file; raise FileProblemError for a file that cannot be read at all."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileProblemError(f"The file {path} does not exist.") from None
    except OSError as exc:
        raise FileProblemError(f"The file {path} cannot be read: {exc.strerror or exc}.") from None
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES or data[:4] == b"PK\x03\x04":
        return read_xlsx_bytes(data, path.name)
    if suffix == ".xls":
        raise FileProblemError(
            f"{path.name} is an old Excel 97-2003 workbook. Save it as .xlsx or .csv and import that."
        )
    return read_csv_bytes(data, path.name)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding used: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise FileProblemError(
            "wrong encoding: the file is UTF-16. Save it as 'CSV UTF-8' (or plain CSV) and import it again."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_error(data, exc.start + 3) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _encoding_error(data, exc.start) from None
    if "\x00" in text:
        raise _encoding_error(data, data.find(b"\x00"))
    return text, "cp1252"


def _looks_utf16(data: bytes) -> bool:
    sample = data[:200]
    return len(sample) >= 4 and sample.count(0) >= len(sample) // 4


def _encoding_error(data: bytes, offset: int) -> FileProblemError:
    row = data.count(b"\n", 0, max(offset, 0)) + 1
    return FileProblemError(
        f"wrong encoding: line {row} has bytes that are neither UTF-8 nor Windows-1252. "
        "Save the file as 'CSV UTF-8' and import it again.",
        row=row,
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns, consistently in the next lines."""
    head = text[:SNIFF_CHARACTERS]  # splitting a whole large file would hold the interpreter lock for long
    lines = head.splitlines()
    if len(text) > len(head):
        lines = lines[:-1]  # the last line of the head may be cut short
    lines = [line for line in lines[:20] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        try:
            parsed = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        width = len(parsed[0])
        consistent = sum(1 for row in parsed[1:] if len(row) == width)
        score = (width - 1) * 10 + consistent if width > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_bytes(data: bytes, file_name: str = "file.csv") -> Table:
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Rows as tuples of text: after one collection the garbage collector stops tracking them, so
        # its full passes during a 100,000-row import stay short and the window keeps responding.
        rows: list[Any] = [tuple(row) for row in reader]
    except csv.Error as exc:
        raise FileProblemError(f"{file_name} is not a readable CSV file: {exc}.") from None
    return _table(rows, data, file_name, encoding=encoding, delimiter=delimiter)


def read_xlsx_bytes(data: bytes, file_name: str = "file.xlsx") -> Table:
    # openpyxl loads in about 0.15 s (python -X importtime); only XLSX files need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblemError(f"{file_name} is not a readable Excel workbook ({exc}).") from None
    try:
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    cleaned = [[_xlsx_cell(value) for value in row] for row in rows]
    return _table(cleaned, data, file_name)


def _xlsx_cell(value: Any) -> Cell:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime | dt.date | int | float) or value is None:
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def _table(rows: list[list[Any]], data: bytes, file_name: str, *, encoding: str = "", delimiter: str = "") -> Table:
    digest = hashlib.sha256(data).hexdigest()
    # Skip blank lines above the header, then take the first non-blank line as headers.
    start = 0
    while start < len(rows) and _blank(rows[start]):
        start += 1
    if start == len(rows):
        raise FileProblemError(f"{file_name} is empty: it has no header line and no rows.")
    headers = [("" if h is None else str(h)).strip() for h in rows[start]]
    while headers and not headers[-1]:
        headers.pop()
    body = rows[start + 1 :]
    while body and _blank(body[-1]):
        body.pop()
    return Table(
        headers=headers,
        rows=body,
        sha256=digest,
        file_name=file_name,
        encoding=encoding,
        delimiter=delimiter,
        first_row=start + 2,
    )


def _blank(row: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)

"""What an import would do: rows to insert, rows to update, problems, and the helpers validators share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from credtrack.importing.fields import FIELDS
from credtrack.importing.problems import ImportCancelledError, Problem
from credtrack.importing.reading import DELIMITER_NAMES, Cell, Table
from credtrack.importing.values import EARLIEST_DATE, BadValue, infer_day_first, parse_date, text
from credtrack.text import control_problem

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]
CHECK_EVERY = 5000


@dataclass
class ImportOptions:
    """Choices the file cannot make by itself."""

    day_first: bool = True  # how to read 03/04/2024 when no date in the column settles it
    default_scale: str | None = None  # scale code for sign-offs when the file has no scale column
    today: dt.date | None = None  # "now" for the future-date check (tests pin it)
    # Sign-offs whose assessor is not a person on record with a profession: import them as historical,
    # unverified evidence (not counted until an educator confirms each) instead of refusing the rows.
    historical: bool = False

    def now(self) -> dt.date:
        return self.today or dt.date.today()


@dataclass(frozen=True)
class UnitMove:
    """A person of the file goes into a unit from a day (new people from their start, others from the import)."""

    row: int
    external_id: str
    unit_id: int
    on: dt.date
    person_id: int | None = None  # None: someone the import adds


@dataclass(frozen=True)
class Leaving:
    """A person of the file given an end date (new, or a changed one): the unit stay they are in then ends on it,
    or the stay their old end date closed follows the new one, as the person form does."""

    row: int
    external_id: str
    end: dt.date
    was: dt.date | None = None  # their end date before the file
    person_id: int | None = None  # None: someone the import adds
    update: int | None = None  # their row in ``Plan.updates``, whose unit is cleared once their stay ends


@dataclass
class Plan:
    kind: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)  # columns every inserted row shares
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    # Natural keys of the rows written, for the audit event (external ids, "id:module:date"...).
    inserted_keys: list[str] = field(default_factory=list)
    updated_keys: list[str] = field(default_factory=list)
    update_diffs: list[dict[str, Any]] = field(default_factory=list)
    unit_moves: list[UnitMove] = field(default_factory=list)  # people files: memberships to open
    leavings: list[Leaving] = field(default_factory=list)  # people files: stays an end date closes
    # Each insert's child rows: a ratings file's scores, an improvement file's team members.
    scores: list[list[dict[str, Any]]] = field(default_factory=list)


class RowReader:
    """Reads mapped cells row by row and records problems against the right row and column."""

    def __init__(
        self,
        kind: str,
        table: Table,
        mapping: dict[str, str],
        plan: Plan,
        options: ImportOptions,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> None:
        self.table = table
        self.plan = plan
        self.options = options
        self.progress = progress
        self.cancel = cancel
        self.labels = {spec.name: spec.label for spec in FIELDS[kind]}
        index = {header: i for i, header in enumerate(table.headers)}
        self.columns = {name: index[header] for name, header in mapping.items() if header in index}
        self.headers = dict(mapping)
        self.day_first: dict[str, bool] = {}
        self.today = options.now()
        self.row = 0
        self._cells: list[Cell] = []
        self._dates: dict[tuple[str, bool], dt.date] = {}  # date text already read, and how

    def column_name(self, name: str) -> str:
        return self.headers.get(name) or self.labels.get(name, name)

    def add_column(self, name: str, header: str) -> None:
        """Read ``header`` as ``name``: a column no field of the kind names (a ratings file's scores)."""
        self.columns[name] = self.table.headers.index(header)
        self.headers[name] = header

    def has(self, name: str) -> bool:
        return name in self.columns

    def require_columns(self, *names: str) -> bool:
        ok = True
        for name in names:
            if name not in self.columns:
                self.plan.problems.append(
                    Problem(
                        None,
                        self.labels.get(name, name),
                        "missing required field: no column of the file is mapped to it",
                    )
                )
                ok = False
        return ok

    def prepare_dates(self, *names: str) -> None:
        for name in names:
            column = self.columns.get(name)
            decided = None
            if column is not None:
                decided = infer_day_first(r[column] if column < len(r) else None for r in self.table.rows)
            self.day_first[name] = self.options.day_first if decided is None else decided

    def __iter__(self) -> Iterator[int]:
        total = len(self.table.rows)
        self.plan.rows = total
        for i, cells in enumerate(self.table.rows):
            if i % CHECK_EVERY == 0:
                if self.cancel is not None and self.cancel():
                    raise ImportCancelledError()
                if self.progress is not None:
                    self.progress(i, total, "checking")
            first = cells[0] if cells else None
            if not (type(first) is str and first.strip()) and all(
                c is None or (isinstance(c, str) and not c.strip()) for c in cells
            ):
                continue  # a blank row (the first cell filled in settles that it is not)
            self.row = self.table.row_number(i)
            if self._misaligned(cells):
                continue  # every later value sits under the wrong heading: none of it can be trusted
            self._cells = cells
            yield self.row
        if self.progress is not None:
            self.progress(total, total, "checking")

    def _misaligned(self, cells: list[Cell]) -> bool:
        """A row with more filled cells than the header has columns; trailing empty cells are fine."""
        width = len(self.table.headers)
        if len(cells) <= width:
            return False  # the common case, settled without looking at the cells
        filled = [i for i, c in enumerate(cells, 1) if not (c is None or (isinstance(c, str) and not c.strip()))]
        if not filled or filled[-1] <= width:
            return False
        separator = DELIMITER_NAMES.get(self.table.delimiter, "separator")
        advice = (
            f"a value containing a {separator} (such as a name written 'Okafor, Ben') must be in double "
            "quotes, or every later value moves one column to the right"
            if self.table.delimiter
            else "remove the values to the right of the last headed column, or give them a header"
        )
        self.plan.problems.append(
            Problem(
                self.row,
                None,
                f"this row has {filled[-1]} cells but the header has {width} columns, so its values do not line up "
                f"with the headings; {advice}. Nothing from this row was read.",
            )
        )
        return True

    def cell(self, name: str) -> Cell:
        column = self.columns.get(name)
        if column is None or column >= len(self._cells):
            return None
        return self._cells[column]

    def problem(self, name: str | None, message: str) -> None:
        self.plan.problems.append(Problem(self.row, self.column_name(name) if name else None, message))

    def text(self, name: str, *, required: bool = False, max_length: int = 200) -> str:
        value = text(self.cell(name))
        if not value:
            if required:
                self.problem(name, "missing required field")
            return ""
        if len(value) > max_length:
            self.problem(name, f"too long ({len(value)} characters; at most {max_length})")
        control = control_problem(value)
        if control:
            self.problem(name, control)
        return value

    def date(self, name: str, *, required: bool = False, not_future: bool = False) -> dt.date | None:
        cell = self.cell(name)
        day_first = self.day_first.get(name, self.options.day_first)
        # A file repeats its dates (a day's completions, a cohort's start), so each text is read once.
        known = type(cell) is str
        value = self._dates.get((cell, day_first)) if known else None  # type: ignore[arg-type]
        if value is None:
            try:
                value = parse_date(cell, day_first=day_first)
            except BadValue as exc:
                self.problem(name, f"impossible date: {exc}")
                return None
            if known and value is not None:
                self._dates[(cell, day_first)] = value  # type: ignore[index]
        if value is None:
            if required:
                self.problem(name, "missing required field")
            return None
        if value < EARLIEST_DATE:
            self.problem(name, f"impossible date: {value.isoformat()} is before 1900")
            return None
        if not_future and value > self.today:
            self.problem(name, f"impossible date: {value.isoformat()} is in the future")
            return None
        return value


def lookup_key(value: str) -> str:
    """Codes and names match whatever their case and spacing."""
    return " ".join(value.split()).casefold()


def describe_choices(values: list[str], limit: int = 12) -> str:
    shown = sorted(values)[:limit]
    more = len(values) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

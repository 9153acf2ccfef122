"""What can be wrong with an import, located by spreadsheet row and column."""

from __future__ import annotations

from dataclasses import dataclass

from credtrack.errors import CredtrackError


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an import file. ``row`` is the spreadsheet row (the header is row 1)."""

    row: int | None
    column: str | None
    message: str

    def describe(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class FileProblemError(CredtrackError):
    """The file cannot be read at all (wrong encoding, not a spreadsheet, empty)."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row

    def as_problem(self) -> Problem:
        return Problem(self.row, None, self.message)


class ImportRejectedError(CredtrackError):
    """The import was refused because the file has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(
            f"Nothing was imported: the file has {count} problem{'s' if count != 1 else ''}. "
            "Fix them (a dry run lists each by row and column) and import again."
        )
        self.problems = problems


class ImportCancelledError(CredtrackError):
    """The user cancelled the import; the transaction was rolled back."""

    def __init__(self) -> None:
        super().__init__("Import cancelled; nothing was imported.")

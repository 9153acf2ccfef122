"""Table model for the problems a dry run found in an import file."""

from __future__ import annotations

from typing import Any

from credtrack.ui.style import BAD
from credtrack.ui.table import Column, RowTableModel


class ProblemsTableModel(RowTableModel[Any]):
    columns = (
        Column("Row", lambda p: p.row, right=True, width=70),
        Column("Column", lambda p: p.column or "(whole file)", width=190),
        Column("What is wrong", lambda p: p.message, colour=lambda _p: BAD, tooltip=lambda p: p.describe()),
    )

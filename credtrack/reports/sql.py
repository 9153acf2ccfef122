"""Small SQL pieces that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, case, cast
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class days_between(FunctionElement[int]):  # noqa: N801 - reads as the SQL function it stands for
    """Whole days from the first date to the second (``later - earlier``)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_default(element: Any, compiler: Any, **kw: Any) -> str:
    earlier, later = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    earlier, later = list(element.clauses)
    return f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}) AS INTEGER)"


class add_days(FunctionElement[Any]):  # noqa: N801
    """A date plus a whole number of days (the number is a literal)."""

    inherit_cache = True
    name = "add_days"


@compiles(add_days)
def _add_days_default(element: Any, compiler: Any, **kw: Any) -> str:
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} + {compiler.process(days, **kw)})"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '+' || {compiler.process(days, **kw)} || ' days')"


def ratio(part: ColumnElement[Any], whole: ColumnElement[Any]) -> ColumnElement[float]:
    """part / whole as a float; NULL when whole is 0."""

    return case((whole == 0, None), else_=cast(part, Float) / whole)

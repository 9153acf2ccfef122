"""Helpers shared by the services: lookups that raise NotFoundError, date checks, text cleaning."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credtrack.errors import ConcurrentEditError, NotFoundError, ValidationError
from credtrack.text import control_problem

T = TypeVar("T")

Check = Callable[[], None]  # called now and then by long work; raises to stop it (a cancel)
CHECK_EVERY = 4096  # rows between two checks: a cancel stops work within moments, and costs it nothing


def today() -> dt.date:
    return dt.date.today()


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cycle collector while a computation makes hundreds of thousands of small tuples and lists
    that hold no cycles: its passes over them would find nothing to free yet can cost more than the work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def no_check() -> None:
    """The check of work nobody can cancel (the command line, a service calling another)."""


def checked(rows: Sequence[T], check: Check, every: int = CHECK_EVERY) -> Iterator[T]:
    """``rows`` in order, calling ``check()`` before each stretch of ``every`` of them.

    The rows within a stretch pass straight through (a C-level chain of slices), so a loop over
    a hundred thousand rows runs as fast as over the plain list.
    """
    if check is no_check:
        return iter(rows)

    def stretches() -> Iterator[Sequence[T]]:
        for start in range(0, len(rows), every):
            check()
            yield rows[start : start + every]

    return chain.from_iterable(stretches())


def clean(text: str | None, what: str = "The text", field: str | None = None) -> str:
    """``text`` with its runs of whitespace made single spaces; refused when it holds a control character
    (a NUL cannot be stored on PostgreSQL, and most cannot go into a workbook)."""
    refuse_controls(text, what, field)
    return " ".join((text or "").split())


def refuse_controls(text: str | None, what: str = "The text", field: str | None = None) -> None:
    problem = control_problem(text or "")
    if problem:
        raise ValidationError(f"{what} {problem}.", field=field)


def free_text(value: str | None, what: str, field: str | None = None) -> str:
    """Free text (a description, criteria) kept with its line breaks; control characters refused."""
    refuse_controls(value, what, field)
    return value or ""


def required_text(value: str | None, what: str, field: str, max_length: int = 200) -> str:
    text = clean(value, what, field)
    if not text:
        raise ValidationError(f"{what} is required.", field=field)
    if len(text) > max_length:
        raise ValidationError(f"{what} is too long (at most {max_length} characters).", field=field)
    return text


def limited_text(value: str | None, what: str, field: str, max_length: int) -> str:
    """Optional text, cleaned; refused when longer than the database column holds."""
    text = clean(value, what, field)
    if len(text) > max_length:
        raise ValidationError(f"{what} is too long (at most {max_length} characters).", field=field)
    return text


def parse_date(value: dt.date | str | None, what: str, field: str, *, required: bool = False) -> dt.date | None:
    """Accept a date or an ISO ``YYYY-MM-DD`` string; refuse impossible dates with a clear message."""
    if value is None or value == "":
        if required:
            raise ValidationError(f"{what} is required.", field=field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{what} {value!r} is not a real date (use YYYY-MM-DD).", field=field) from None


def not_in_future(value: dt.date, what: str, field: str, *, now: dt.date | None = None) -> dt.date:
    if value > (now or today()):
        raise ValidationError(f"{what} {value.isoformat()} is in the future.", field=field)
    return value


def get_or_404(session: Session, model: type[T], ident: Any, what: str) -> T:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFoundError(f"No {what} with id {ident}.")
    return obj


def by_code(session: Session, model: Any, code: str, what: str, column: str = "code") -> Any:
    col = getattr(model, column)
    obj = session.scalar(select(model).where(func.upper(col) == clean(code, f"The {what} code", column).upper()))
    if obj is None:
        raise NotFoundError(f"No {what} with code {code!r}.")
    return obj


def check_version(obj: Any, expected: int | None, what: str) -> None:
    """Refuse to save over a newer version than the one the user was editing."""
    if expected is not None and obj.version != expected:
        raise ConcurrentEditError(what)

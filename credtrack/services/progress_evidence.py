"""Everyone's standing evidence from one ordered scan of each partial index, as one text row per person.

The bulk progress form needs, per person, the latest current completion of each required module
and the levels signed off on each required competency. Looking each requirement up separately
costs an index seek per (person, credential, requirement). Scanning ``ix_completion_current`` and
``ix_assessment_current`` once, grouped by person (the index order, so the database streams the
groups without sorting), and packing each person's rows into a delimited string is several times
cheaper; the rules then test the strings with substring searches in Python.

* completions: ``",12:2026-03-01,40:2025-11-30,"`` — module id and completion date per row.
* sign-offs: ``",300007,500008,"`` (or ``",300007:2026-02-01,"`` with dates) — ``competency id × LEVEL_BASE + level id`` per row (a level
  belongs to one scale, so the level also names the scale); whole numbers cost the database far
  less to turn into text than joined pieces.

Every token sits between commas, so ``",12:" in text`` asks "has a completion of module 12".
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

PERSON_FILTER_LIMIT = 2000  # above this many named people, scan everyone and filter in Python

# Written out per dialect: SQLite joins numbers to text by itself (a CAST per value costs time on
# two million rows) and has to be told to read the covering partial index for sign-offs.
_SQL = {
    "sqlite": {
        "completion": "SELECT person_id, group_concat(module_id || ':' || completed_on, ',') FROM completion "
                      "WHERE voided_at IS NULL AND verification <> 'pending'{people} GROUP BY person_id",
        "assessment": "SELECT person_id, group_concat(competency_id * {base} + level_id, ',') "
                      "FROM assessment INDEXED BY ix_assessment_current WHERE voided_at IS NULL{people} "
                      "GROUP BY person_id",
        "assessment_dated": "SELECT person_id, group_concat((competency_id * {base} + level_id) || ':' || assessed_on, "
                            "',') FROM assessment INDEXED BY ix_assessment_dated WHERE voided_at IS NULL{people} "
                            "GROUP BY person_id",
    },
    "default": {
        "completion": "SELECT person_id, string_agg(module_id || ':' || CAST(completed_on AS VARCHAR), ',') "
                      "FROM completion WHERE voided_at IS NULL AND verification <> 'pending'{people} "
                      "GROUP BY person_id",
        "assessment": "SELECT person_id, string_agg(CAST(competency_id * {base} + level_id AS VARCHAR), ',') "
                      "FROM assessment WHERE voided_at IS NULL{people} GROUP BY person_id",
        "assessment_dated": "SELECT person_id, string_agg((competency_id * {base} + level_id) || ':' "
                            "|| CAST(assessed_on AS VARCHAR), ',') FROM assessment WHERE voided_at IS NULL{people} "
                            "GROUP BY person_id",
    },
}


def _texts(session: Session, kind: str, person_ids: list[int] | None, base: int = 0) -> dict[int, str]:
    """Run one evidence scan straight on the driver's cursor: a hundred thousand rows of (id, text) need
    no result processing, and skipping it is a good part of the time saved."""
    connection = session.connection()
    dialect = connection.dialect
    sql = _SQL.get(dialect.name, _SQL["default"])[kind]
    params: tuple = ()
    people = ""
    if person_ids is not None and len(person_ids) <= PERSON_FILTER_LIMIT:
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        people = f" AND person_id IN ({', '.join([mark] * len(person_ids))})" if person_ids else " AND 1 = 0"
        params = tuple(person_ids)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql.format(people=people, base=int(base)), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return {pid: f",{joined}," for pid, joined in rows}


def plain_rows(session: Session, stmt) -> list[tuple]:
    """A Core statement's rows as plain tuples from the driver's cursor (its parameters written inline;
    only for statements whose parameters are numbers and fixed words)."""
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def completion_texts(session: Session, person_ids: list[int] | None) -> dict[int, str]:
    """Per person: every current completion (not voided, not awaiting verification) as ``,module:date``."""
    return _texts(session, "completion", person_ids)


def level_base(session: Session) -> int:
    """The multiplier that keeps competency and level apart in a sign-off token."""
    top = session.execute(text("SELECT max(id) FROM scale_level")).scalar()
    return 10 ** len(str(int(top or 0) + 1))


def assessment_texts(session: Session, person_ids: list[int] | None, base: int) -> dict[int, str]:
    """Per person: every standing sign-off (not voided) as ``,competency*base+level``."""
    return _texts(session, "assessment", person_ids, base)


def assessment_dated_texts(session: Session, base: int) -> dict[int, str]:
    """Per person: every standing sign-off with its date, as ``,competency*base+level:date``."""
    return _texts(session, "assessment_dated", None, base)


def latest_completion(text: str, module_id: int) -> str | None:
    """The latest completion date (ISO text) of ``module_id`` in a person's completion text."""
    key = f",{module_id}:"
    latest = None
    at = text.find(key)
    while at >= 0:
        start = at + len(key)
        day = text[start:text.index(",", start)]
        if latest is None or day > latest:
            latest = day
        at = text.find(key, start)
    return latest


def sign_off_tokens(base: int, competency_id: int, level_ids: list[int]) -> tuple[str, ...]:
    """The substrings that stand for a sign-off on ``competency_id`` at any of ``level_ids``."""
    return tuple(f",{competency_id * base + level}," for level in level_ids)

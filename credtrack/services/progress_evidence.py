"""Reading everyone's (or some people's) standing evidence, packed one text row per person.

The packed rows live in ``person_evidence`` (see ``credtrack.models.evidence`` for how they are
kept in step and their format). The bulk progress form and the reports test requirements on that
text with substring searches — ``",12:" in completions``, ``",7.3:" in sign_offs`` — so the
database never builds a row per (person, credential, requirement).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.models import PersonEvidence

PERSON_FILTER_LIMIT = 2000  # above this many named people, read everyone and filter in Python


def evidence_texts(session: Session, person_ids: list[int] | None) -> tuple[dict[int, str], dict[int, str]]:
    """(completions, sign-offs) per person, straight off the driver's cursor: a hundred thousand rows
    of (id, text, text) need no result processing."""
    connection = session.connection()
    sql = "SELECT person_id, completions, sign_offs FROM person_evidence"
    params: tuple = ()
    if person_ids is not None and len(person_ids) <= PERSON_FILTER_LIMIT:
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        sql += f" WHERE person_id IN ({', '.join([mark] * len(person_ids))})" if person_ids else " WHERE 1 = 0"
        params = tuple(person_ids)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    ids = [r[0] for r in rows]
    return dict(zip(ids, [r[1] for r in rows], strict=True)), dict(zip(ids, [r[2] for r in rows], strict=True))


_SIGN_OFF_KEY = re.compile(r",(\d+)\.(\d+):")


def sign_off_counts(session: Session) -> Counter[tuple[int, int]]:
    """How many standing sign-offs everyone holds together, per (competency id, level id).

    One pass over the packed texts, joined end to end: every token starts after a comma, so
    the join keeps each one whole.
    """
    text = "".join(r[0] for r in plain_rows(session, select(PersonEvidence.sign_offs)))
    keys = Counter(_SIGN_OFF_KEY.findall(text))
    return Counter({(int(competency), int(level)): n for (competency, level), n in keys.items()})


def plain_rows(session: Session, stmt) -> list[tuple]:
    """A Core statement's rows as plain tuples from the driver's cursor (its parameters written inline;
    only for statements whose parameters are numbers and fixed words)."""
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()  # a list from sqlite3 and psycopg; DB-API promises only a sequence
        return rows if isinstance(rows, list) else list(rows)
    finally:
        cursor.close()


def latest_completion(text: str, module_id: int) -> str | None:
    """The latest completion date (ISO text) of ``module_id`` in a person's completion text."""
    key = f",{module_id}:"
    width = len(key)
    latest = None
    at = text.find(key)
    while at >= 0:
        day = text[at + width:at + width + 10]
        if latest is None or day > latest:
            latest = day
        at = text.find(key, at + width)
    return latest


def assessor_professions(text: str, tokens: tuple[str, ...]) -> set[str]:
    """The assessor professions (ids as text) on the sign-offs in ``text`` that match any of ``tokens``."""
    found = set(_professions_after(tokens).findall(text))
    found.discard("")
    return found


@cache
def _professions_after(tokens: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all the tokens, capturing what follows the date: one pass over a person's text."""
    either = "|".join(re.escape(token) for token in tokens) or "(?!)"
    return re.compile(f"(?:{either}).{{10}}:([^,]*)")


def sign_off_tokens(competency_id: int, level_ids: list[int]) -> tuple[str, ...]:
    """The substrings that stand for a sign-off on ``competency_id`` at any of ``level_ids``."""
    return tuple(f",{competency_id}.{level}:" for level in level_ids)

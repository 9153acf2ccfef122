"""Each person's standing evidence packed into one text row: the projection bulk progress reads.

Bulk progress, the dashboard, the compliance matrix and the outcome reports judge everyone at once
(``credtrack.rules.judge``). Reading two million completion and sign-off rows into Python costs
about 1.9 s on the records bench (100,000 people: 1.1 s to read a normalised projection of them,
0.8 s to group it by person; ``bench/bench_evidence_forms.py``), nearly all the 2 s the whole
all-people summary may take; reading a hundred thousand packed rows costs 0.09 s. So ``person_evidence``
holds the packed form, rebuildable from
the records at any time (``rebuild``), and it changes in the same transaction as the records:

* every ORM flush that adds or changes a completion or an assessment re-packs that person's row
  (``after_flush`` below: recording, verifying and voiding all pass through it);
* bulk writers that bypass the ORM (imports, demo data) call ``append_rows`` or ``refresh`` themselves.

Two modules know the format: this one writes it, and ``credtrack.services.progress.stored`` reads
it (``StoredEvidence`` answers the judge's questions from it). Everything else asks the judge.

Formats — every token sits between commas, so ``",12:" in text`` asks "has a current completion of
module 12" and ``",7.3:" in text`` "has a standing sign-off on competency 7 at level 3":

* ``completions``: ``,12:2026-03-01,40:2025-11-30,`` — module id and date of each current completion
  (not voided, not awaiting verification);
* ``sign_offs``: ``,7.3:2026-02-01:5,`` — competency id, level id, date and assessor profession id
  (empty when not recorded) of each standing sign-off (not voided, not a historical sign-off
  awaiting confirmation);
* ``ratings``: ``,4:2026-02-01:3,`` — rating source id, date and the rank of the lowest score of each
  standing rating (not voided) from another source (a colleague, a patient advisor, the learner);
* ``improvement``: ``,qi_project:2026-02-01:3,`` — kind, day it ended and the number of distinct
  professions on its team (the learner's own included) of each standing work of improvement (confirmed
  by a supervisor, not voided).

Dates are always ten characters (ISO), so a date is read as the ten characters after its key.

``digest`` is a 64-bit digest of the four texts (``completions|sign_offs|ratings|improvement``), written with
them by every statement here: whoever judged a row can tell later, from the digest alone, whether it changed
(the first-achievement days projection, ``models/achieved.py``, does).

Someone with none of these has no row. ``stale_people`` compares the table with the records it is made
from, for tests and for ``credtrack-cli`` checks.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, ForeignKey, Text, bindparam, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from credtrack.models.base import Base
from credtrack.models.improvement import ImprovementWork
from credtrack.models.ratings import Rating
from credtrack.models.records import Assessment, Completion
from credtrack.writers import serialise_writers


class PersonEvidence(Base):
    __tablename__ = "person_evidence"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    completions: Mapped[str] = mapped_column(Text, default="", server_default="")
    sign_offs: Mapped[str] = mapped_column(Text, default="", server_default="")
    ratings: Mapped[str] = mapped_column(Text, default="", server_default="")
    improvement: Mapped[str] = mapped_column(Text, default="", server_default="")
    digest: Mapped[int | None] = mapped_column(BigInteger)


CHUNK = 500  # people per statement when re-packing named people

_COMPLETION_TOKEN = "module_id || ':' || {day}"
_SIGN_OFF_TOKEN = (
    "competency_id || '.' || level_id || ':' || {day} || ':' || COALESCE(CAST(assessor_profession_id AS VARCHAR), '')"
)
_RATING_TOKEN = "source_id || ':' || {day} || ':' || CAST(low AS VARCHAR)"
# Each standing rating with the rank of its lowest score: a rating counts at a level when every score does.
_STANDING_RATINGS = (
    "(SELECT r.person_id AS person_id, r.source_id AS source_id, r.rated_on AS rated_on, MIN(l.rank) AS low "
    "FROM rating r JOIN rating_score s ON s.rating_id = r.id JOIN scale_level l ON l.id = s.level_id "
    "WHERE r.voided_at IS NULL GROUP BY r.id, r.person_id, r.source_id, r.rated_on) rated"
)
_WORK_TOKEN = "kind || ':' || {day} || ':' || CAST(professions AS VARCHAR)"
# Each standing work with the number of distinct professions on its team: its members' and the learner's.
_STANDING_WORKS = (
    "(SELECT w.person_id AS person_id, w.kind AS kind, w.ended_on AS ended_on, "
    "COUNT(DISTINCT t.profession_id) AS professions FROM improvement_work w "
    "LEFT JOIN (SELECT work_id, profession_id FROM improvement_member "
    "UNION ALL SELECT id, learner_profession_id FROM improvement_work) t ON t.work_id = w.id "
    "WHERE w.voided_at IS NULL AND w.confirmed_at IS NOT NULL "
    "GROUP BY w.id, w.person_id, w.kind, w.ended_on) worked"
)
_STANDING_WORK = "voided_at IS NULL AND confirmed_at IS NOT NULL"
_CURRENT_COMPLETION = "voided_at IS NULL AND verification <> 'pending'"
_STANDING_SIGN_OFF = "voided_at IS NULL AND verification <> 'pending'"


def _sql(connection: Connection) -> dict[str, str]:
    """The packing expressions in this database's words: SQLite's group_concat reads stored ISO
    dates as they are; PostgreSQL's string_agg needs the date turned into text."""
    if connection.dialect.name == "sqlite":
        agg, completed, assessed, rated = "group_concat({}, ',')", "completed_on", "assessed_on", "rated_on"
        ended = "ended_on"
    else:
        agg, completed, assessed, rated = (
            "string_agg({}, ',')",
            "CAST(completed_on AS VARCHAR)",
            "CAST(assessed_on AS VARCHAR)",
            "CAST(rated_on AS VARCHAR)",
        )
        ended = "CAST(ended_on AS VARCHAR)"
    return {
        "completions": "',' || " + agg.format(_COMPLETION_TOKEN.format(day=completed)) + " || ','",
        "sign_offs": "',' || " + agg.format(_SIGN_OFF_TOKEN.format(day=assessed)) + " || ','",
        "ratings": "',' || " + agg.format(_RATING_TOKEN.format(day=rated)) + " || ','",
        "improvement": "',' || " + agg.format(_WORK_TOKEN.format(day=ended)) + " || ','",
    }


def _digest(connection: Connection, texts: str) -> str:
    """The SQL of a 64-bit digest of ``texts`` (an expression): SQLite's ``credtrack_digest`` is registered on
    every connection credtrack opens (``credtrack.db``); PostgreSQL takes 64 bits of md5."""
    if connection.dialect.name == "sqlite":
        return f"credtrack_digest({texts})"
    return f"('x' || substr(md5({texts}), 1, 16))::bit(64)::bigint"


_ALL_TEXTS = "completions || '|' || sign_offs || '|' || ratings || '|' || improvement"


def _packed_select(connection: Connection, people: str) -> str:
    """person_id, completions, sign_offs, ratings, improvement for the people matched by the ``people`` condition on
    ``person_id``."""
    sql = _sql(connection)
    return (
        "SELECT ids.person_id AS person_id, COALESCE(c.packed, '') AS completions, "
        "COALESCE(a.packed, '') AS sign_offs, COALESCE(r.packed, '') AS ratings, "
        "COALESCE(w.packed, '') AS improvement FROM "
        f"(SELECT person_id FROM completion WHERE {_CURRENT_COMPLETION} AND {people} "
        f" UNION SELECT person_id FROM assessment WHERE {_STANDING_SIGN_OFF} AND {people}"
        f" UNION SELECT person_id FROM rating WHERE voided_at IS NULL AND {people}"
        f" UNION SELECT person_id FROM improvement_work WHERE {_STANDING_WORK} AND {people}) ids "
        f"LEFT JOIN (SELECT person_id, {sql['completions']} AS packed FROM completion "
        f"           WHERE {_CURRENT_COMPLETION} AND {people} GROUP BY person_id) c ON c.person_id = ids.person_id "
        f"LEFT JOIN (SELECT person_id, {sql['sign_offs']} AS packed FROM assessment "
        f"           WHERE {_STANDING_SIGN_OFF} AND {people} GROUP BY person_id) a ON a.person_id = ids.person_id "
        f"LEFT JOIN (SELECT person_id, {sql['ratings']} AS packed FROM {_STANDING_RATINGS} "
        f"           WHERE {people} GROUP BY person_id) r ON r.person_id = ids.person_id "
        f"LEFT JOIN (SELECT person_id, {sql['improvement']} AS packed FROM {_STANDING_WORKS} "
        f"           WHERE {people} GROUP BY person_id) w ON w.person_id = ids.person_id"
    )


def _insert(connection: Connection, people: str) -> str:
    """Insert the packed rows (with their digest) of the people matched by ``people``."""
    return (
        "INSERT INTO person_evidence (person_id, completions, sign_offs, ratings, improvement, digest) "
        f"SELECT person_id, completions, sign_offs, ratings, improvement, {_digest(connection, _ALL_TEXTS)} "
        f"FROM ({_packed_select(connection, people)}) packed"
    )


def refresh(connection: Connection, person_ids: Iterable[int]) -> None:
    """Re-pack the named people's rows from their records."""
    ids = sorted(set(person_ids))
    serialise_writers(connection)  # another workstation re-packing the same person waits for this one
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        connection.execute(
            text("DELETE FROM person_evidence WHERE person_id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": chunk},
        )
        connection.execute(
            text(_insert(connection, "person_id IN :ids")).bindparams(bindparam("ids", expanding=True)),
            {"ids": chunk},
        )


def rebuild(connection: Connection) -> None:
    """Re-pack everyone's rows (after a schema upgrade or loading demo data)."""
    connection.execute(text("DELETE FROM person_evidence"))
    connection.execute(text(_insert(connection, "1 = 1")))


def append_rows(connection: Connection, kind: str, id_ranges: Iterable[tuple[int, int] | list[int]]) -> None:
    """Add newly inserted completions (``kind="completions"``) or assessments (``"sign_offs"``) with ids in
    ``id_ranges`` to their people's rows, without re-reading what those people already had."""
    table, condition = (
        ("completion", _CURRENT_COMPLETION) if kind == "completions" else ("assessment", _STANDING_SIGN_OFF)
    )
    packed = _sql(connection)[kind]
    merged = (
        f"CASE WHEN person_evidence.{kind} = '' THEN excluded.{kind} "
        f"ELSE person_evidence.{kind} || substr(excluded.{kind}, 2) END"
    )
    # The digest of the texts as they will be, each in its place (the one appended to as merged above).
    names = ("completions", "sign_offs", "ratings", "improvement")
    inserted = [("packed" if name == kind else "''") for name in names]
    kept = [(merged if name == kind else f"person_evidence.{name}") for name in names]
    joined = " || '|' || "
    statement = text(
        "INSERT INTO person_evidence (person_id, completions, sign_offs, ratings, improvement, digest) "
        f"SELECT person_id, {', '.join(inserted)}, {_digest(connection, joined.join(inserted))} "
        f"FROM (SELECT person_id, {packed} AS packed FROM {table} "
        f"WHERE id BETWEEN :low AND :high AND {condition} GROUP BY person_id) added WHERE 1 = 1 "
        f"ON CONFLICT (person_id) DO UPDATE SET {kind} = {merged}, digest = {_digest(connection, joined.join(kept))}"
    )
    serialise_writers(connection)
    for low, high in id_ranges:
        connection.execute(statement, {"low": low, "high": high})


def stale_people(connection: Connection) -> list[int]:
    """People whose packed row differs from their records (token order aside) or whose digest is not that of
    the row's texts; empty when in step."""

    def tokens(sql: str) -> dict[int, tuple[set[str], ...]]:
        return {pid: tuple(set(t.split(",")) - {""} for t in texts) for pid, *texts in connection.execute(text(sql))}

    stored = tokens("SELECT person_id, completions, sign_offs, ratings, improvement FROM person_evidence")
    fresh = tokens(_packed_select(connection, "1 = 1"))
    # A row whose digest is not that of its texts is out of step too: whoever judged it could not tell it changed.
    undigested = connection.execute(
        text(
            f"SELECT person_id FROM person_evidence WHERE digest IS NULL OR digest <> {_digest(connection, _ALL_TEXTS)}"
        )
    ).scalars()
    differ = {pid for pid in stored.keys() | fresh.keys() if stored.get(pid) != fresh.get(pid)}
    return sorted(differ | set(undigested))


@event.listens_for(Session, "after_flush")
def _repack_changed_people(session: Session, _context: object) -> None:
    """Re-pack the rows of people whose completions, assessments, ratings or improvement work this flush
    added or changed."""
    people = {
        obj.person_id
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, Completion | Assessment | Rating | ImprovementWork) and obj.person_id is not None
    }
    if people:
        refresh(session.connection(), people)

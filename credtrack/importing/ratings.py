"""Checking a ratings file (one rater's form a row, one score column per competency) against the database.

Each row is checked against the rules ``services.ratings.record_rating`` applies to one rating: a known,
unarchived learner who is not the importer, a rating source still offered, a real date not in the future,
a named rater, how the rating was collected (not "signed": the rater is not the importer), and at least
one score, each for a competency the source rates at a level of the source's scale. A rating already
recorded (same learner, source, day and rater) or given twice in the file is refused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.importing.fields import FIELDS, SCORE_PREFIX, is_score_field, normalise_header
from credtrack.importing.people import profession_lookup
from credtrack.importing.plan import ImportOptions, Plan, RowReader, describe_choices, lookup_key
from credtrack.importing.problems import Problem
from credtrack.importing.records import archived_people, person_lookup, row_person
from credtrack.models import Competency, Framework, Rating, RatingSource, RatingSourceCompetency, ScaleLevel, utcnow
from credtrack.models.enums import RATING_COLLECTION, label
from credtrack.services.permissions import Actor

SCORES_COLUMN = "Scores"
# An import records ratings on the raters' behalf: a rating the rater signed is recorded by the rater.
IMPORTED_COLLECTION = tuple(c for c in RATING_COLLECTION if c != "signed")


@dataclass(frozen=True)
class _Source:
    id: int
    code: str
    name: str
    scale_id: int
    attestation_text: str
    active: bool
    competencies: frozenset[int]


class _Catalog:
    """Sources with their forms, levels by scale, and competencies keyed the ways a header may name them."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        rated: dict[int, set[int]] = defaultdict(set)
        for source_id, competency_id in connection.execute(
            select(RatingSourceCompetency.source_id, RatingSourceCompetency.competency_id)
        ):
            rated[source_id].add(competency_id)
        self.sources: dict[str, _Source] = {}
        for sid, code, name, scale_id, attestation, active in connection.execute(
            select(
                RatingSource.id,
                RatingSource.code,
                RatingSource.name,
                RatingSource.scale_id,
                RatingSource.attestation_text,
                RatingSource.active,
            )
        ):
            self.sources[lookup_key(code)] = _Source(
                sid, code, name, scale_id, attestation, bool(active), frozenset(rated[sid])
            )
        self.levels: dict[int, dict[str, int]] = defaultdict(dict)
        self.level_codes: dict[int, list[str]] = defaultdict(list)
        for lid, scale_id, code, level_label in connection.execute(
            select(ScaleLevel.id, ScaleLevel.scale_id, ScaleLevel.code, ScaleLevel.label).order_by(ScaleLevel.rank)
        ):
            keys = self.levels[scale_id]
            keys.setdefault(lookup_key(level_label), lid)
            keys[lookup_key(code)] = lid  # a code wins over another level's label
            self.level_codes[scale_id].append(code)
        by_key: dict[str, list[int]] = defaultdict(list)
        self.competency_codes: dict[int, str] = {}
        for cid, code, framework in connection.execute(
            select(Competency.id, Competency.code, Framework.code).join(Framework)
        ):
            by_key[normalise_header(code)].append(cid)
            by_key[normalise_header(f"{framework}:{code}")].append(cid)
            self.competency_codes[cid] = code
        self.competencies = dict(by_key)
        self.collections = {lookup_key(c): c for c in RATING_COLLECTION}
        self.collections.update({lookup_key(label(c)): c for c in RATING_COLLECTION})
        self.collections.update({lookup_key(c.replace("_", " ")): c for c in RATING_COLLECTION})


def score_columns(reader: RowReader, catalog: _Catalog) -> dict[int, str] | None:
    """Competency id -> the reader's name for its score column, or None when the columns are wrong.

    A column is a score column when the mapping names it ("score:VE1") or, failing that, when its header
    is a competency's code ("VE1", "ve 1" or "IPEC-2023:VE1"). Other unmapped columns (a survey's
    timestamp, the respondent's e-mail) are left unread, as in every import.
    """
    mapping = dict(reader.headers)
    explicit = [
        (name[len(SCORE_PREFIX) :].strip(), header, True)
        for name, header in mapping.items()
        if is_score_field("ratings", name) and header
    ]
    used = set(mapping.values())
    found: dict[int, str] = {}
    problems: list[Problem] = []
    for code, header, named in [*explicit, *((h, h, False) for h in reader.table.headers if h not in used)]:
        matches = sorted(set(catalog.competencies.get(normalise_header(code), [])))
        if not matches:
            if named:
                problems.append(Problem(None, header, f"the mapping names an unknown competency code {code!r}"))
            continue
        if len(matches) > 1:
            problems.append(
                Problem(
                    None,
                    header,
                    f"competency code {code!r} is in several frameworks; head the column FRAMEWORK:CODE, "
                    "e.g. IPEC-2023:VE1",
                )
            )
            continue
        competency_id, code = matches[0], catalog.competency_codes[matches[0]]
        if competency_id in found:
            earlier = reader.column_name(found[competency_id])
            problems.append(
                Problem(None, header, f"columns {earlier!r} and {header!r} both hold scores for {code}: keep one")
            )
            continue
        found[competency_id] = SCORE_PREFIX + code
        reader.add_column(SCORE_PREFIX + code, header)
    if not found and not problems:
        problems.append(
            Problem(
                None,
                SCORES_COLUMN,
                "missing required field: no column holds scores. Head one column per competency with its code "
                "(C1, VE1, …), with a level in each cell and the cell left empty when not rated",
            )
        )
    reader.plan.problems.extend(problems)
    return None if problems else found


def plan_ratings(session: Session, reader: RowReader, plan: Plan, options: ImportOptions, actor: Actor) -> None:
    required = [spec.name for spec in FIELDS["ratings"] if spec.required]
    columns_ok = reader.require_columns(*required)
    catalog = _Catalog(session)
    columns = score_columns(reader, catalog)
    if not columns_ok or columns is None:
        return
    reader.prepare_dates("rated_on")
    people = person_lookup(session)
    archived = archived_people(session)
    professions, profession_codes = profession_lookup(session)
    source_codes = [s.code for s in catalog.sources.values()]
    existing: dict[tuple[int, int, dt.date, str], int] = {
        (r.person_id, r.source_id, r.rated_on, lookup_key(r.rater_name)): r.id
        for r in session.connection().execute(
            select(Rating.id, Rating.person_id, Rating.source_id, Rating.rated_on, Rating.rater_name).where(
                Rating.voided_at.is_(None)
            )
        )
    }
    seen: dict[tuple[int, int, dt.date, str], int] = {}
    now = utcnow()
    plan.constants = {
        "attestation_accepted": True,
        "recorded_by_id": actor.id,
        "recorded_at": now,
        "reauthenticated": True,  # the importer signs the file with their password (run_import)
        "version": 1,
        "updated_at": now,
    }
    for row in reader:
        person_id = _learner(reader, people, archived, actor)
        source = _source(reader, catalog, source_codes)
        rated_on = reader.date("rated_on", required=True, not_future=True)
        rater_name = reader.text("rater_name", required=True, max_length=200)
        profession_id = _profession(reader, professions, profession_codes)
        collection = _collection(reader, catalog)
        comment = reader.text("comment", max_length=4000)
        scores = _scores(reader, catalog, columns, source)
        if (
            person_id is None
            or source is None
            or rated_on is None
            or not rater_name
            or profession_id is False
            or collection is None
            or scores is None
        ):
            continue
        key = (person_id, source.id, rated_on, lookup_key(rater_name))
        if key in seen:
            reader.problem(
                "rater_name",
                f"duplicate row: row {seen[key]} records a rating of the same learner by {rater_name!r} from "
                f"{source.code} on {rated_on.isoformat()}; keep one row",
            )
            continue
        seen[key] = row
        if key in existing:
            reader.problem(
                "rater_name",
                f"already recorded: rating {existing[key]} is {rater_name!r}'s {source.code} rating of this learner "
                f"on {rated_on.isoformat()}; remove the row, or void that rating first if this row replaces it",
            )
            continue
        plan.inserts.append(
            {
                "person_id": person_id,
                "source_id": source.id,
                "scale_id": source.scale_id,
                "rated_on": rated_on,
                "rater_name": rater_name,
                "rater_profession_id": profession_id,
                "collection": collection,
                "comment": comment,
                "attestation_text": source.attestation_text,
            }
        )
        plan.scores.append(
            [{"competency_id": cid, "scale_id": source.scale_id, "level_id": lid} for cid, lid in scores.items()]
        )
        plan.inserted_keys.append(f"{reader.text('external_id')}:{source.code}:{rated_on.isoformat()}")


def _learner(reader: RowReader, people: dict[str, int], archived: set[int], actor: Actor) -> int | None:
    person_id = row_person(reader, people, archived)
    if person_id is not None and actor.person_id is not None and person_id == actor.person_id:
        reader.problem(
            "external_id", "this rating is about you: nobody records ratings about themselves; ask a colleague"
        )
        return None
    return person_id


def _source(reader: RowReader, catalog: _Catalog, codes: list[str]) -> _Source | None:
    code = reader.text("source", required=True, max_length=20)
    if not code:
        return None
    source = catalog.sources.get(lookup_key(code))
    if source is None:
        reader.problem("source", f"unknown rating source {code!r} (known: {describe_choices(codes)})")
        return None
    if not source.active:
        reader.problem("source", f"the rating source {source.name} ({source.code}) is retired and takes no new ratings")
        return None
    return source


def _profession(reader: RowReader, professions: dict[str, int], codes: list[str]) -> int | None | bool:
    """The rater's profession id, None when not given, False when the file names an unknown one."""
    value = reader.text("rater_profession") if reader.has("rater_profession") else ""
    if not value:
        return None
    found = professions.get(lookup_key(value))
    if found is None:
        reader.problem("rater_profession", f"unknown profession {value!r} (known: {describe_choices(codes)})")
        return False
    return found


def _collection(reader: RowReader, catalog: _Catalog) -> str | None:
    value = reader.text("collection", required=True, max_length=40)
    if not value:
        return None
    found = catalog.collections.get(lookup_key(value.replace("_", " "))) or catalog.collections.get(lookup_key(value))
    allowed = ", ".join(IMPORTED_COLLECTION)
    if found == "signed":
        reader.problem(
            "collection",
            "'signed' is for a rater recording their own rating; an imported rating is recorded on the rater's "
            f"behalf: say how it was collected ({allowed})",
        )
        return None
    if found is None:
        reader.problem("collection", f"unknown way of collecting {value!r} (use {allowed})")
    return found


def _scores(
    reader: RowReader, catalog: _Catalog, columns: dict[int, str], source: _Source | None
) -> dict[int, int] | None:
    """Competency id -> level id for each score cell filled in, or None when one of them is wrong."""
    scores: dict[int, int] = {}
    ok = True
    for competency_id, name in columns.items():
        value = reader.text(name, max_length=120)
        if not value or source is None:
            continue
        if competency_id not in source.competencies:
            rates = ", ".join(sorted(catalog.competency_codes[c] for c in source.competencies))
            reader.problem(
                name,
                f"{source.name} ({source.code}) does not rate {catalog.competency_codes[competency_id]} "
                f"(it rates {rates}); leave the cell empty",
            )
            ok = False
            continue
        level_id = catalog.levels.get(source.scale_id, {}).get(lookup_key(value))
        if level_id is None:
            levels = ", ".join(catalog.level_codes.get(source.scale_id, []))
            reader.problem(
                name,
                f"{value!r} is not a level of {source.code}'s scale (levels: {levels}); leave the cell empty "
                "when not rated",
            )
            ok = False
            continue
        scores[competency_id] = level_id
    if source is not None and ok and not scores:
        rated_here = [reader.column_name(n) for c, n in columns.items() if c in source.competencies]
        where = f"one of the columns {', '.join(rated_here)}" if rated_here else "a column for one of them"
        rates = ", ".join(sorted(catalog.competency_codes[c] for c in source.competencies))
        reader.plan.problems.append(
            Problem(
                reader.row,
                SCORES_COLUMN,
                f"no score: give a level in {where} ({source.code} rates {rates})",
            )
        )
        return None
    return scores if ok else None


def score_count(plan: Plan) -> int:
    return sum(len(s) for s in plan.scores)

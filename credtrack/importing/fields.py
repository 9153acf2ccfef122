"""The fields each kind of import takes, and how file headers map onto them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from credtrack.config import LocalSettings
from credtrack.errors import CredtrackError

KINDS = ("people", "enrolments", "completions", "assessments", "ratings", "improvement")
KIND_ALIASES = {
    "preceptors": "people",
    "persons": "people",
    "staff": "people",
    "learners": "people",
    "enrollments": "enrolments",
    "signoffs": "assessments",
    "sign-offs": "assessments",
    "rating": "ratings",
    "improvements": "improvement",
    "improvement-work": "improvement",
    "qi": "improvement",
}
# A ratings file holds one score column per competency: "score:VE1" maps competency VE1 to a column
# explicitly; a column headed with a competency's code is found without a mapping (importing.ratings).
SCORE_PREFIX = "score:"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False
    synonyms: tuple[str, ...] = ()


_PERSON_ID = Field(
    "external_id",
    "External ID",
    True,
    (
        "id",
        "person id",
        "employee id",
        "employee number",
        "employee no",
        "staff id",
        "staff number",
        "student id",
        "student number",
        "learner id",
        "user id",
    ),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "people": (
        _PERSON_ID,
        Field("full_name", "Full name", True, ("name", "learner", "learner name", "person", "employee name")),
        Field("first_name", "First name", False, ("given name", "forename", "first")),
        Field("last_name", "Last name", False, ("family name", "surname", "last")),
        Field("email", "Email", False, ("e-mail", "email address", "mail")),
        Field("profession", "Profession", False, ("discipline", "role", "profession code", "job family")),
        Field("unit", "Unit", False, ("department", "dept", "ward", "unit department", "service", "team")),
        Field("start_date", "Start date", False, ("start", "hire date", "hired", "date hired", "started", "hire")),
        Field(
            "end_date",
            "End date",
            False,
            ("end", "left", "left on", "termination date", "leaving date", "separation date"),
        ),
        Field("status", "Status", False, ()),
    ),
    "enrolments": (
        _PERSON_ID,
        Field("cohort", "Cohort", True, ("cohort code", "group", "intake")),
        Field(
            "enrolled_on",
            "Enrolled on",
            False,
            ("enrolled", "enrolment date", "enrollment date", "date enrolled", "enrolled date"),
        ),
        Field("status", "Status", False, ("enrolment status", "enrollment status")),
    ),
    "completions": (
        _PERSON_ID,
        Field("module", "Module", True, ("module code", "course", "course code", "course id", "activity")),
        Field(
            "completed_on",
            "Completed on",
            True,
            ("completed", "completion date", "date completed", "date", "completed date"),
        ),
        Field("evidence", "Evidence", False, ("note", "notes", "comment", "evidence note")),
    ),
    "assessments": (
        _PERSON_ID,
        Field("competency", "Competency", True, ("competency code", "ipec code", "sub competency")),
        Field("level", "Level", True, ("rating", "score", "level code", "entrustment")),
        Field("scale", "Scale", False, ("scale code", "rating scale")),
        Field(
            "assessed_on",
            "Assessed on",
            True,
            ("date", "assessed", "assessment date", "signed off", "sign off date", "date assessed"),
        ),
        Field("method", "Method", False, ("assessment method",)),
        Field(
            "assessor_external_id",
            "Assessor external ID",
            False,
            ("assessor id", "preceptor id", "assessor employee id"),
        ),
        Field("assessor_name", "Assessor name", False, ("assessor", "preceptor", "preceptor name", "signed by")),
        Field("assessor_profession", "Assessor profession", False, ("preceptor profession",)),
        Field("setting", "Setting", False, ("location", "clinical setting")),
        Field("comment", "Comment", False, ("comments", "feedback", "notes")),
    ),
    "ratings": (
        Field("external_id", "Learner ID", True, ("external id", *_PERSON_ID.synonyms)),
        Field("source", "Source", True, ("source code", "rating source", "form", "rating form")),
        Field("rated_on", "Rated on", True, ("date", "rating date", "date rated", "rated")),
        Field("rater_name", "Rater name", True, ("rater", "rated by", "respondent", "respondent name")),
        Field("rater_profession", "Rater profession", False, ("rater profession code", "respondent profession")),
        Field("collection", "How collected", True, ("collection", "collected", "collected by", "collected how")),
        Field("comment", "Comment", False, ("comments", "feedback", "notes")),
    ),
    # One piece of improvement work a row; its team in one column: "Name (PROFESSION); Name (PROFESSION, id)".
    "improvement": (
        Field("external_id", "Learner ID", True, ("external id", *_PERSON_ID.synonyms)),
        Field("kind", "Kind", True, ("kind of work", "type", "work type")),
        Field("title", "Title", True, ("project", "project title", "work")),
        Field("started_on", "Started on", True, ("start", "start date", "started", "date")),
        Field("ended_on", "Ended on", False, ("end", "end date", "ended", "finished")),
        Field("aim", "Aim", False, ("aim statement", "goal")),
        Field("role", "Role", False, ("learner role", "role in the work")),
        Field("outcome", "Outcome", False, ("result", "results", "outcomes")),
        Field("team", "Team", False, ("team members", "members")),
    ),
}


class MappingError(CredtrackError):
    """A column mapping that names fields or columns that do not exist."""


def canonical_kind(kind: str) -> str:
    key = kind.strip().lower()
    key = KIND_ALIASES.get(key, key)
    if key not in FIELDS:
        raise CredtrackError(f"Unknown import kind {kind!r}; choose one of: {', '.join(KINDS)} (or preceptors).")
    return key


def is_score_field(kind: str, name: str) -> bool:
    """A ratings mapping entry naming the column that holds one competency's scores ("score:VE1")."""
    return kind == "ratings" and name.startswith(SCORE_PREFIX) and bool(name[len(SCORE_PREFIX) :].strip())


def normalise_header(header: str) -> str:
    """'Start_Date', 'start date' and ' START-DATE ' all become 'startdate'."""
    return re.sub(r"[\W_]+", "", header.casefold())


def auto_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """Field name -> header for every field whose name, label or synonym matches a header."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for spec in FIELDS[kind]:
        for candidate in (spec.name, spec.label, *spec.synonyms):
            found = by_key.get(normalise_header(candidate))
            if found is not None and found not in taken:
                mapping[spec.name] = found
                taken.add(found)
                break
    return mapping


def resolve_mapping(
    kind: str,
    headers: list[str],
    explicit: dict[str, str] | None = None,
    remembered: dict[str, str] | None = None,
) -> dict[str, str]:
    """The mapping to use: explicit choices, then the remembered ones that fit this file, then automatic.

    Explicit entries must name known fields and columns present in the file (MappingError
    otherwise); an explicit entry with an empty column leaves that field out on purpose, so
    neither the remembered nor the automatic mapping fills it. A remembered entry whose
    column is absent is simply skipped.
    """
    names = {spec.name for spec in FIELDS[kind]}
    present = set(headers)
    mapping: dict[str, str] = {}
    left_out = {field for field, header in (explicit or {}).items() if not header}
    for field, header in (explicit or {}).items():
        if field not in names and not is_score_field(kind, field):
            raise MappingError(
                f"The mapping names {field!r}, which is not a field of a {kind} import "
                f"(fields: {', '.join(sorted(names))}"
                + (f"; or {SCORE_PREFIX}CODE for the column of a competency's scores" if kind == "ratings" else "")
                + ")."
            )
        if header and header not in present:
            raise MappingError(f"The mapping maps {field} to column {header!r}, which is not in the file.")
        if header:
            mapping[field] = header
    for field, header in (remembered or {}).items():
        taken = field in mapping or field in left_out or header in mapping.values()
        known = field in names or is_score_field(kind, field)
        if known and header in present and not taken:
            mapping[field] = header
    for field, header in auto_mapping(kind, headers).items():
        if field not in mapping and field not in left_out and header not in mapping.values():
            mapping[field] = header
    return mapping


def load_mapping_file(path: str | Path) -> dict[str, str]:
    """A JSON object of field name -> column header, e.g. {"external_id": "Badge number"}."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MappingError(f"The mapping file {path} does not exist.") from None
    except (OSError, ValueError) as exc:
        raise MappingError(f"The mapping file {path} is not valid JSON ({exc}).") from None
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise MappingError(f"The mapping file {path} must be a JSON object of field name to column header.")
    return raw


def remembered_mapping(kind: str) -> dict[str, str]:
    return dict((LocalSettings.load().last_import_mappings or {}).get(kind, {}))


def remember_mapping(kind: str, mapping: dict[str, str]) -> None:
    settings = LocalSettings.load()
    saved = dict(settings.last_import_mappings or {})
    saved[kind] = dict(mapping)
    settings.last_import_mappings = saved
    settings.save()

"""A blank rating form as a PDF file: read what it prints, refuse text no shipped font can draw, write it whole."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from credtrack.db import UnitOfWork
from credtrack.errors import CredtrackError, ValidationError
from credtrack.reports.rating_form_pdf import render
from credtrack.services.certificates.text import problems
from credtrack.services.permissions import Actor
from credtrack.services.rating_forms import RatingFormData, form_data


def printed_fields(data: RatingFormData) -> list[tuple[str, str]]:
    """What the form prints that people typed, each with where it comes from."""
    fields = [
        ("the learner's name", data.learner_name),
        ("the learner's external id", data.external_id),
        ("the institution name (Settings)", data.institution),
        ("the rating source's name", data.source_name),
        ("the rating source's attestation", data.attestation),
        ("the scale's name", data.scale_name),
        ("the scale's description", data.scale_description),
    ]
    fields += [(f"level {lv.code} of the scale", f"{lv.label} {lv.description}") for lv in data.levels]
    fields += [(f"competency {code}", f"{code} {label}") for code, label in data.competencies]
    return [(where, text) for where, text in fields if text]


def check_printable(data: RatingFormData) -> None:
    """Refuse a form with text no shipped font can draw, as a certificate is refused."""
    found = problems(printed_fields(data))
    if found:
        raise ValidationError(
            f"Rating form not printed: {'; '.join(found)}, which no font shipped with credtrack can draw, so the "
            "form would print a blank or a box in its place. Correct the text and print the form again.",
            field="learner_name",
        )


def write_rating_form(
    uow: UnitOfWork,
    actor: Actor,
    external_id: str,
    source_code: str,
    out: str | Path,
    today: dt.date | None = None,
) -> Path:
    """Render the blank form of ``source_code`` for ``external_id`` to ``out``; the file appears only once complete."""
    data = form_data(uow, actor, external_id, source_code, today=today)
    check_printable(data)
    out = Path(out)
    if out.is_dir():
        raise ValidationError(f"{out} is a folder; name the PDF file to write the form to.")
    if not out.parent.is_dir():
        raise CredtrackError(f"The folder {out.parent} does not exist; choose another place for the form.")
    handle, tmp_name = tempfile.mkstemp(prefix=".credtrack-rating-form-", suffix=".pdf", dir=out.parent)
    os.close(handle)
    try:
        render(data, Path(tmp_name))
        try:
            os.replace(tmp_name, out)
        except OSError as exc:  # name the file the person chose, not the temporary one beside it
            raise OSError(exc.errno, exc.strerror, str(out)) from exc
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return out

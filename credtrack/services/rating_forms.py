"""What a blank rating form prints for one learner and one rating source, and the identifier its QR carries.

The identifier is ``CTRF1:<external id>:<source code>:<issue date>``, each part percent-encoded
(so a ':' in an external id cannot shift the parts), for example ``CTRF1:EMP-200:PATIENT:2026-05-02``.
It is unsigned and proves nothing: it only lets the person recording a filled-in form find the learner
and the form it was printed for. The rating itself is still recorded and attested by that person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, unquote

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from credtrack.certificates import payload
from credtrack.certificates.verify import TooLargeError, is_readable_file, read_qr_texts
from credtrack.db import UnitOfWork
from credtrack.errors import NotFoundError, ValidationError
from credtrack.models import Person, RatingSource, Scale, Setting
from credtrack.services.common import clean
from credtrack.services.permissions import Actor, require

PREFIX = "CTRF1"


@dataclass(frozen=True)
class FormLevel:
    code: str
    label: str
    description: str


@dataclass(frozen=True)
class RatingFormData:
    """Everything a blank rating form prints, as plain values."""

    learner_name: str
    external_id: str
    source_code: str
    source_name: str
    source_description: str
    scale_name: str
    scale_description: str
    levels: tuple[FormLevel, ...]
    competencies: tuple[tuple[str, str], ...]  # (code, short label), in their framework's order
    attestation: str
    institution: str
    issued_on: dt.date

    @property
    def identifier(self) -> str:
        return form_identifier(self.external_id, self.source_code, self.issued_on)


def form_identifier(external_id: str, source_code: str, issued_on: dt.date) -> str:
    """The QR text of a form: ``CTRF1:<external id>:<source code>:<issue date>``, parts percent-encoded."""
    return ":".join([PREFIX, quote(external_id, safe=""), quote(source_code, safe=""), issued_on.isoformat()])


def parse_form_identifier(text: str) -> tuple[str, str, dt.date]:
    """The external id, source code and issue date a form's QR text names."""
    parts = text.strip().split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise ValidationError(f"{text!r} is not a credtrack rating form code (they start with {PREFIX}:).")
    try:
        issued_on = dt.date.fromisoformat(parts[3])
    except ValueError:
        raise ValidationError(f"{text!r} is not a credtrack rating form code: {parts[3]!r} is not a date.") from None
    return unquote(parts[1]), unquote(parts[2]), issued_on


def form_data(
    uow: UnitOfWork, actor: Actor, external_id: str, source_code: str, *, today: dt.date | None = None
) -> RatingFormData:
    """What the blank form of ``source_code`` prints for the learner ``external_id``."""
    with uow:
        require(actor, "read")
        session = uow.session
        person = session.scalar(select(Person).where(Person.external_id == clean(external_id)))
        if person is None:
            raise NotFoundError(f"No one has the external id {external_id!r}.")
        source = session.scalar(
            select(RatingSource)
            .where(func.upper(RatingSource.code) == clean(source_code).upper())
            .options(
                selectinload(RatingSource.competencies),
                selectinload(RatingSource.scale).selectinload(Scale.levels),
            )
        )
        if source is None:
            raise NotFoundError(
                f"No rating source with code {source_code!r}; credtrack-cli ratings sources lists them."
            )
        if not source.active:
            raise ValidationError(
                f"The rating source {source.name} is no longer offered, so its form is not printed.",
                field="source_code",
            )
        institution = session.scalar(select(Setting.value).where(Setting.key == "institution_name")) or ""
        return RatingFormData(
            learner_name=person.full_name,
            external_id=person.external_id,
            source_code=source.code,
            source_name=source.name,
            source_description=source.description,
            scale_name=source.scale.name,
            scale_description=source.scale.description,
            levels=tuple(FormLevel(lv.code, lv.label, lv.description) for lv in source.scale.levels),
            competencies=tuple(
                (c.code, c.label) for c in sorted(source.competencies, key=lambda c: (c.framework_id, c.sort_order))
            ),
            attestation=source.attestation_text,
            institution=institution,
            issued_on=today or dt.date.today(),
        )


@dataclass(frozen=True)
class ScannedForm:
    """Whom and which form a scanned or photographed rating form was printed for."""

    person_id: int
    learner_name: str
    external_id: str
    source_code: str
    source_name: str
    printed_on: dt.date


def read_scanned_form(uow: UnitOfWork, actor: Actor, data: bytes) -> ScannedForm:
    """The learner and the source a filled-in form was printed for, from the QR code on its scan or photo
    (a PDF or an image), so the person recording it need not look them up. Says plainly what is wrong
    when the file is not a picture of a credtrack rating form."""
    try:
        texts = read_qr_texts(data)
    except TooLargeError as exc:
        raise ValidationError(str(exc)) from None
    if not texts and not is_readable_file(data):
        raise ValidationError(
            "This file is neither a PDF nor an image credtrack can read. Scan or photograph the form as a PDF, "
            "PNG or JPEG."
        )
    ours = [t for t in texts if t.strip().startswith(PREFIX + ":")]
    if not ours:
        if any(payload.looks_like_payload(t) for t in texts):
            raise ValidationError(
                "This is a certificate's QR code, not a rating form's: check certificates on the Verify page."
            )
        raise ValidationError(
            "No rating form code was found on it. Scan or photograph the whole page, evenly lit, with the "
            "QR code in the top right corner sharp; or choose the learner and the source by hand."
        )
    external_id, source_code, printed_on = parse_form_identifier(ours[0])
    with uow:
        require(actor, "read")
        session = uow.session
        person = session.scalar(select(Person).where(Person.external_id == external_id))
        if person is None:
            raise NotFoundError(
                f"The form was printed for {external_id!r}, but no one has that external id in this database. "
                "Was it printed from another credtrack database?"
            )
        source = session.scalar(select(RatingSource).where(RatingSource.code == source_code))
        if source is None:
            raise NotFoundError(f"The form is of the rating source {source_code!r}, which this database does not have.")
        if not source.active:
            raise ValidationError(
                f"The form is of the rating source {source.name}, which is no longer offered and takes no new "
                "ratings; an educator can offer it again."
            )
        return ScannedForm(person.id, person.full_name, person.external_id, source.code, source.name, printed_on)

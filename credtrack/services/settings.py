"""Institution-wide settings kept in the database, so every workstation prints the same certificate."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy import select

from credtrack.db import UnitOfWork
from credtrack.errors import ValidationError
from credtrack.models import Setting
from credtrack.services import audit
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import SYSTEM, Actor, require


@dataclass(frozen=True)
class InstitutionSettings:
    institution_name: str = ""
    institution_url: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    logo_path: str = ""
    signature_path: str = ""
    certificate_title: str = "Certificate of Achievement"
    # What a revoked or superseded certificate may still become: a copy marked as such, or nothing.
    revoked_copies: str = "marked"

    @property
    def revoked_copies_allowed(self) -> bool:
        return self.revoked_copies != REVOKED_COPIES_REFUSED


REVOKED_COPIES_MARKED, REVOKED_COPIES_REFUSED = "marked", "refuse"
REVOKED_COPIES = {
    REVOKED_COPIES_MARKED: "Print only as a copy marked REVOKED or SUPERSEDED, with the date and reason",
    REVOKED_COPIES_REFUSED: "Do not print them at all",
}
_KEYS = {f.name for f in fields(InstitutionSettings)}


def get_institution(uow: UnitOfWork) -> InstitutionSettings:
    """Readable by everyone, including the log-in screen and the PDF renderer."""
    with uow:
        stored = dict(uow.session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(_KEYS))).all())
        return InstitutionSettings(**{k: v for k, v in stored.items() if k in _KEYS})


def update_institution(uow: UnitOfWork, actor: Actor, **values: str) -> Result[InstitutionSettings]:
    unknown = set(values) - _KEYS
    if unknown:
        raise ValidationError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
    with uow:
        if actor is not SYSTEM:
            require(actor, "settings.edit")
        session = uow.session
        current = dict(session.execute(select(Setting.key, Setting.value)).all())
        if "institution_name" in values and not (values["institution_name"] or "").strip():
            raise ValidationError("The institution name cannot be empty.", field="institution_name")
        if "revoked_copies" in values and (values["revoked_copies"] or "").strip() not in REVOKED_COPIES:
            raise ValidationError(f"Copies of revoked certificates: choose one of {', '.join(REVOKED_COPIES)}, "
                                  f"not {values['revoked_copies']!r}.", field="revoked_copies")
        before, after = {}, {}
        for key, value in values.items():
            value = (value or "").strip()
            if current.get(key, "") == value:
                continue
            before[key], after[key] = current.get(key, ""), value
            setting = session.get(Setting, key)
            if setting is None:
                session.add(Setting(key=key, value=value))
            else:
                setting.value = value
        if after:
            session.flush()
            # The changed keys are in before/after; listing them as the entity id overflowed its column.
            audit.record(session, actor, "settings.update", "setting", "institution", before=before, after=after)
        stored = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(_KEYS))).all())
        settings = InstitutionSettings(**stored)
        uow.commit()
        return Result(settings, (Change.SETTINGS | Change.AUDIT) if after else Change.NONE)


def as_dict(settings: InstitutionSettings) -> dict[str, str]:
    return asdict(settings)

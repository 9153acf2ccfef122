"""Institution-wide settings kept in the database, so every workstation prints the same certificate."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from sqlalchemy import select

from credtrack.db import UnitOfWork
from credtrack.errors import ValidationError
from credtrack.models import Setting
from credtrack.services.audit import log as audit
from credtrack.services.changes import Change, Result
from credtrack.services.common import refuse_controls
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
    verifier_address: str = ""  # where the offline verifier page is published; new QR codes open it
    # What a revoked or superseded certificate may still become: a copy marked as such, or nothing.
    revoked_copies: str = "marked"

    @property
    def revoked_copies_allowed(self) -> bool:
        return self.revoked_copies != REVOKED_COPIES_REFUSED


MAX_VERIFIER_ADDRESS = 60
_VERIFIER_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?")


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
            raise ValidationError(
                f"Copies of revoked certificates: choose one of {', '.join(REVOKED_COPIES)}, "
                f"not {values['revoked_copies']!r}.",
                field="revoked_copies",
            )
        if values.get("verifier_address"):
            values = {**values, "verifier_address": check_verifier_address(values["verifier_address"])}
        before, after = {}, {}
        for key, value in values.items():
            value = (value or "").strip()
            refuse_controls(value, f"The {key.replace('_', ' ')}", key)
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


def check_verifier_address(text: str) -> str:
    """The address, trimmed, if new QR codes can carry it; otherwise a ValidationError saying what to change."""
    address = text.strip()
    if len(address) > MAX_VERIFIER_ADDRESS:
        raise ValidationError(
            f"The verifier address is {len(address)} characters; at most {MAX_VERIFIER_ADDRESS} fit in the QR code "
            "beside the signed code. Use a shorter address, for example https://your-site.example/verify.",
            field="verifier_address",
        )
    if "#" in address or "?" in address or _VERIFIER_ADDRESS.fullmatch(address) is None:
        raise ValidationError(
            "The verifier address must be a web address such as https://www.riverbend.example/verify: http:// "
            "or https://, a host name, an optional path, and no spaces, '?' or '#' (the certificate's code is "
            "added after a '#').",
            field="verifier_address",
        )
    return address


def as_dict(settings: InstitutionSettings) -> dict[str, str]:
    return asdict(settings)

"""What issuing one certificate or a cohort's decides before signing: codes, the draft, its row and audit entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.certificates import codes, openbadges, payload, sealing
from credtrack.models import Certificate, Credential, Person, Setting
from credtrack.rules.dates import months_after
from credtrack.services.audit import log as audit
from credtrack.services.certificates.snapshot import SnapshotParts
from credtrack.services.permissions import Actor
from credtrack.services.progress.person import CredentialProgress, PersonRecords
from credtrack.services.settings import _KEYS, InstitutionSettings
from credtrack.text import MAX_FILE_NAME_BYTES, cap_utf8


@dataclass(frozen=True)
class IssuedCertificate:
    id: int
    code: str
    holder_name: str
    credential_title: str
    issued_on: dt.date
    expires_on: dt.date | None
    pdf_path: Path | None
    supersedes: str | None = None


def institution(session: Session) -> InstitutionSettings:
    stored = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(_KEYS))).all())
    return InstitutionSettings(**stored)


def unique_codes(session: Session, count: int) -> list[str]:
    """``count`` fresh certificate codes, distinct from each other and from every stored one."""
    chosen: list[str] = []
    while len(chosen) < count:
        fresh = {codes.new_code() for _ in range(count - len(chosen))} - set(chosen)
        for start in range(0, len(fresh), 500):
            batch_codes = sorted(fresh)[start : start + 500]
            fresh -= set(session.scalars(select(Certificate.code).where(Certificate.code.in_(batch_codes))))
        chosen.extend(sorted(fresh))
    return chosen


def unique_code(session: Session) -> str:
    return unique_codes(session, 1)[0]


@dataclass(frozen=True)
class Draft:
    """A certificate as decided from the database, before it is signed."""

    person_id: int
    person_key: str
    credential_id: int
    credential_code: str
    code: str
    holder_name: str
    credential_title: str
    issued_on: dt.date
    expires_on: dt.date | None
    snapshot: dict
    claims: payload.Claims
    qr_payload: str = ""  # read by page_for; the sealed QR text replaces it on the printed page


def snapshot_parts(session: Session, institution: InstitutionSettings, issuer_short: str) -> SnapshotParts:
    return SnapshotParts(
        session,
        issuer_uri=openbadges.issuer_uri(issuer_short, institution.institution_url),
        issuer_short=issuer_short,
        institution=institution,
    )


def draft(
    parts: SnapshotParts,
    person: Person,
    credential: Credential,
    *,
    today: dt.date,
    code: str,
    progress: CredentialProgress,
    records: PersonRecords | None = None,
    by_exception: bool = False,
) -> Draft:
    """What one certificate states: its frozen snapshot and the claims its QR will sign.

    ``by_exception``: issued by an override, which the snapshot and the signed claims both say.
    """
    expires = months_after(today, credential.validity_months) if credential.validity_months else None
    snapshot = parts.build(
        person, credential, progress, code=code, issued_on=today, expires_on=expires, records=records
    )
    if by_exception:
        snapshot["issued_by_exception"] = True
    claims = payload.Claims(
        issuer=parts.issuer["short"],
        code=code,
        holder_name=person.full_name,
        credential_title=credential.title,
        issued_on=today,
        expires_on=expires,
        competencies=tuple(c["code"] for c in snapshot["competencies"]),
        by_exception=by_exception,
    )
    return Draft(
        person.id,
        person.external_id,
        credential.id,
        credential.code,
        code,
        person.full_name,
        credential.title,
        today,
        expires,
        snapshot,
        claims,
    )


def certificate_values(
    draft: Draft, sealed: sealing.Sealed, actor: Actor, kid: str, reason: str | None = None
) -> dict[str, Any]:
    """The columns of the certificate row for a sealed draft."""
    return {
        "code": draft.code,
        "person_id": draft.person_id,
        "credential_id": draft.credential_id,
        "holder_name": draft.holder_name,
        "credential_title": draft.credential_title,
        "snapshot_json": sealed.snapshot_json,
        "issued_on": draft.issued_on,
        "expires_on": draft.expires_on,
        "issuer_kid": kid,
        "qr_payload": sealed.qr_text,
        "openbadge_digest": sealed.digest.hex(),
        "status": "valid",
        "issued_by_id": actor.id,
        "override_reason": reason,
    }


def issue_entry(draft: Draft, kid: str, note: str = "") -> audit.Entry:
    return audit.Entry(
        "certificate.issue",
        "certificate",
        draft.code,
        after={
            "code": draft.code,
            "person": draft.person_key,
            "credential": draft.credential_code,
            "issued_on": draft.issued_on,
            "expires_on": draft.expires_on,
            "kid": kid,
        },
        note=note,
    )


def safe_stem(text: str, max_bytes: int = MAX_FILE_NAME_BYTES) -> str:
    """Letters and digits of ``text`` (anything else becomes ``_``): at most 60 characters and ``max_bytes``
    bytes of UTF-8, so a name in a four-byte script still makes a file name the disk accepts."""
    stem = "".join(ch if ch.isalnum() else "_" for ch in text)[:60]
    return cap_utf8(stem, max_bytes).strip("_") or "certificate"


def pdf_file_name(code: str, holder_name: str, suffix: str = "") -> str:
    """``CODE_Holder_Name<suffix>.pdf``, never longer than a file name may be; the code, the suffix and the
    extension stay whole."""
    head, tail = f"{code}_", f"{suffix}.pdf"
    return head + safe_stem(holder_name, MAX_FILE_NAME_BYTES - len(head.encode()) - len(tail.encode())) + tail

"""Copies of issued certificates made after issue: the PDF again and the Open Badges export, each one audited.

A certificate in force is copied exactly as issued. A revoked or superseded one prints
only as a copy marked REVOKED or SUPERSEDED with the date and the reason — or not at
all, when the institution's settings say so — and its Open Badges credential is not
exported: nothing in a signed badge would tell its reader that it was withdrawn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from credtrack import paths
from credtrack.certificates import keys, openbadges, pdf
from credtrack.certificates.marking import CopyMark
from credtrack.config import LocalSettings
from credtrack.db import UnitOfWork
from credtrack.errors import ValidationError
from credtrack.models import Certificate
from credtrack.services import keys as key_service
from credtrack.services.audit import log as audit
from credtrack.services.certificates import drafts as drafting
from credtrack.services.certificates.queries import certificate_by_code
from credtrack.services.certificates.snapshot import page_for
from credtrack.services.changes import Change, Result
from credtrack.services.permissions import Actor, require
from credtrack.services.settings import InstitutionSettings


@dataclass(frozen=True)
class CertificateCopy:
    path: Path
    marked: str | None = None  # "REVOKED" or "SUPERSEDED" when the copy is marked as no longer in force


@dataclass(frozen=True)
class Withdrawal:
    """Why a certificate is no longer in force, as a copy of it and a refusal say it."""

    word: str  # REVOKED or SUPERSEDED
    summary: str  # "revoked on 3 December 2026: Issued to the wrong learner"


def withdrawal(session: Session, cert: Certificate) -> Withdrawal | None:
    """None for a certificate in force (valid, or only expired); else when and why it was withdrawn."""
    if cert.status == "revoked":
        when = f" on {pdf.format_date(cert.revoked_at.date())}" if cert.revoked_at else ""
        return Withdrawal("REVOKED", f"revoked{when}: {cert.revoked_reason}")
    if cert.status == "superseded":
        newer = session.get(Certificate, cert.superseded_by_id) if cert.superseded_by_id else None
        if newer is None:
            return Withdrawal("SUPERSEDED", "superseded by a newer certificate")
        return Withdrawal(
            "SUPERSEDED", f"superseded on {pdf.format_date(newer.issued_on)}: replaced by certificate {newer.code}"
        )
    return None


def copy_mark(found: Withdrawal) -> CopyMark:
    # What it is comes first, so that a reason too long for the band is what gets shortened.
    return CopyMark(found.word, f"NOT A VALID CERTIFICATE · {found.summary[0].upper()}{found.summary[1:]}")


def page_of(cert: Certificate, institution: InstitutionSettings, mark: CopyMark | None = None) -> pdf.CertificatePage:
    return page_for(
        cert,
        json.loads(cert.snapshot_json),
        institution,
        keys.fingerprint(cert.issuer_kid),
        LocalSettings.load().paper_size,
        by_exception=bool(cert.override_reason),
        mark=mark,
    )


def write_pdf(cert: Certificate, institution: InstitutionSettings, out_dir: Path, mark: CopyMark | None = None) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    name = drafting.pdf_file_name(cert.code, cert.holder_name, f"_{mark.word}-COPY" if mark else "")
    title = f"Certificate {cert.code}" + (f" ({mark.word} copy)" if mark else "")
    return pdf.render([page_of(cert, institution, mark)], out_dir / name, title=title)


def discard_clean_copies(code: str) -> list[Path]:
    """Delete the PDFs of ``code`` as issued that credtrack itself keeps (the data folder's certificates
    folder), once it is revoked or superseded; marked copies stay. Files saved elsewhere are the
    user's, and are left alone. Returns what was deleted."""

    gone = []
    for path in paths.certificates_dir().glob(f"{code}_*.pdf"):
        if not path.stem.endswith("-COPY"):
            path.unlink(missing_ok=True)
            gone.append(path)
    return gone


def reprint(uow: UnitOfWork, actor: Actor, code: str, out_dir: Path) -> Result[CertificateCopy]:
    """Write the PDF of an issued certificate again: as issued while in force, else marked, or refused by setting."""
    with uow:
        require(actor, "certificates.reprint")
        session = uow.session
        audit.confirm_account(session, actor)  # before a copy is written, not only before it is audited
        cert = certificate_by_code(session, code)
        institution = drafting.institution(session)
        found = withdrawal(session, cert)
        if found is not None and not institution.revoked_copies_allowed:
            raise ValidationError(
                f"{cert.code} was {found.summary}. This institution does not print revoked or superseded "
                "certificates, not even as a marked copy (Settings › Institution). Verifiers see its status "
                "when they check its code."
            )
        mark = copy_mark(found) if found else None
        path = write_pdf(cert, institution, out_dir, mark)
        audit.record(
            session,
            actor,
            "certificate.reprint",
            "certificate",
            cert.code,
            after={"status": cert.status, "copy": f"marked {found.word}" if found else "as issued", "file": path.name},
        )
        try:
            uow.commit()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Result(CertificateCopy(path, mark.word if mark else None), Change.AUDIT)


def export_openbadge(
    uow: UnitOfWork, actor: Actor, code: str, *, passphrase: str | None = None
) -> Result[tuple[str, dict]]:
    """The certificate as a signed VC-JWT and as the OpenBadgeCredential JSON it carries; refused once withdrawn."""
    with uow:
        require(actor, "certificates.reprint")
        session = uow.session
        cert = certificate_by_code(session, code)
        found = withdrawal(session, cert)
        if found is not None:
            raise ValidationError(
                f"{cert.code} was {found.summary}. Its Open Badges credential is not exported: a signed badge "
                "carries no status, so whoever received it could not tell that it was withdrawn."
            )
        badge = json.loads(cert.snapshot_json)["openbadge"]
        if openbadges.digest(badge).hex() != cert.openbadge_digest:
            raise ValidationError(f"The stored record of {cert.code} does not match its QR code; it was altered.")
        token = openbadges.sign_jwt(
            badge, key_service.signing_key(session, passphrase, actor=actor, action="certificates.reprint")
        )
        audit.record(
            session,
            actor,
            "certificate.export_openbadge",
            "certificate",
            cert.code,
            after={"status": cert.status, "format": "Open Badges 3.0 VC-JWT"},
        )
        uow.commit()
        return Result((token, badge), Change.AUDIT)

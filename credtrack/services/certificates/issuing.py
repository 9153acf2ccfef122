"""Issuing certificates to one person, renewing and revoking (cohorts: certificate_cohort; copies: certificate_copies).

Issuing needs the progress rules to say the person is eligible, unless an
administrator overrides with a written reason that the audit log keeps; such a
certificate says, on paper and in its signed QR, that it was issued by exception.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack import paths
from credtrack.certificates import keys, sealing
from credtrack.certificates.errors import NotEligibleError
from credtrack.config import LocalSettings
from credtrack.db import Database, UnitOfWork
from credtrack.errors import ValidationError
from credtrack.models import Certificate, Credential, Person, utcnow
from credtrack.services import keys as key_service
from credtrack.services.audit import checkpoints
from credtrack.services.audit import log as audit
from credtrack.services.certificates import drafts as drafting
from credtrack.services.certificates import text as certificate_text
from credtrack.services.certificates.copies import discard_clean_copies, write_pdf
from credtrack.services.certificates.drafts import IssuedCertificate
from credtrack.services.certificates.queries import certificate_by_code
from credtrack.services.certificates.snapshot import page_for
from credtrack.services.changes import Change, Result
from credtrack.services.common import by_code, clean, get_or_404
from credtrack.services.common import today as _today
from credtrack.services.permissions import SYSTEM, Actor, require
from credtrack.services.progress.person import (
    CredentialProgress,
    compute_person_progress,
)
from credtrack.services.settings import InstitutionSettings


def _not_eligible(person: Person, credential: Credential, progress: CredentialProgress) -> NotEligibleError:
    missing = [r.needed if r.kind == "module" else f"{r.code}: {r.needed}" for r in progress.requirements if not r.met]
    if not progress.professions_ok:
        missing.append(f"sign-offs from at least {progress.min_assessor_professions} professions")
    return NotEligibleError(
        f"{person.full_name} is not yet eligible for {credential.code}: still needed "
        + "; ".join(missing)
        + ". An administrator may issue anyway with a written reason."
    )


def _prepare(
    session: Session,
    actor: Actor,
    person: Person,
    credential: Credential,
    key: keys.SigningKey,
    institution: InstitutionSettings,
    *,
    today: dt.date,
    override_reason: str | None,
) -> Certificate:
    """Check eligibility and build (and add) one signed certificate in the caller's transaction."""
    progress = compute_person_progress(session, person.id, credential, today)
    # A reason given for someone who is eligible anyway overrides nothing, and is not kept as one.
    reason = (
        None if progress.eligible else clean(override_reason, "The reason for the exception", "override_reason") or None
    )
    if not progress.eligible:
        if reason is None:
            raise _not_eligible(person, credential, progress)
        require(actor, "certificates.override")
    parts = drafting.snapshot_parts(session, institution, key_service.issuer_id(session))
    draft = drafting.draft(
        parts,
        person,
        credential,
        today=today,
        code=drafting.unique_code(session),
        progress=progress,
        by_exception=reason is not None,
    )
    certificate_text.check_page(page_for(draft, draft.snapshot, institution, "", LocalSettings.load().paper_size))
    cert = Certificate(
        **drafting.certificate_values(draft, sealing.seal(draft.snapshot, draft.claims, key), actor, key.kid, reason)
    )
    session.add(cert)
    session.flush()
    note = f"Issued without eligibility. Reason: {reason}" if reason else ""
    audit.record_many(session, actor, [drafting.issue_entry(draft, key.kid, note)])
    return cert


def _row(cert: Certificate, path: Path | None, supersedes: str | None = None) -> IssuedCertificate:
    return IssuedCertificate(
        cert.id, cert.code, cert.holder_name, cert.credential_title, cert.issued_on, cert.expires_on, path, supersedes
    )


def issue_certificate(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    credential_id: int,
    *,
    out_dir: Path | None = None,
    override_reason: str | None = None,
    passphrase: str | None = None,
    today: dt.date | None = None,
    renew: bool = False,
) -> Result[IssuedCertificate]:
    """Issue ``credential_id`` to ``person_id`` and, with ``out_dir``, write its PDF there.

    A person already holding a valid certificate for the credential gets a renewal
    only when ``renew`` is set; the old certificate is then marked superseded.
    """
    with uow:
        require(actor, "certificates.issue")
        session = uow.session
        person = get_or_404(session, Person, person_id, "person")
        credential = get_or_404(session, Credential, credential_id, "credential")
        held = session.scalar(
            select(Certificate)
            .where(
                Certificate.person_id == person.id,
                Certificate.credential_id == credential.id,
                Certificate.status == "valid",
            )
            .order_by(Certificate.id.desc())
            .limit(1)
        )
        if held is not None and not renew:
            raise ValidationError(
                f"{person.full_name} already holds {held.code} for {credential.code}. "
                "Renew it instead, to issue a new certificate that replaces it."
            )
        key = key_service.signing_key(session, passphrase, actor=actor)
        institution = drafting.institution(session)
        cert = _prepare(
            session,
            actor,
            person,
            credential,
            key,
            institution,
            today=today or _today(),
            override_reason=override_reason,
        )
        if held is not None:
            held.status = "superseded"
            held.superseded_by_id = cert.id
            cert.supersedes_id = held.id
            audit.record(
                session,
                actor,
                "certificate.supersede",
                "certificate",
                held.code,
                before={"status": "valid"},
                after={"status": "superseded", "by": cert.code},
            )
        path = write_pdf(cert, institution, out_dir) if out_dir else None
        row = _row(cert, path, held.code if held else None)
        try:
            uow.commit()
        except BaseException:
            if path is not None:
                path.unlink(missing_ok=True)
            raise
        if held is not None:
            discard_clean_copies(held.code)  # superseded: no clean copy of it stays to be opened again
    checkpoints.after(uow, reason="certificate.issue", signer=key)
    return Result(row, Change.CERTIFICATES | Change.AUDIT)


def renew_certificate(uow: UnitOfWork, actor: Actor, code: str, **kwargs) -> Result[IssuedCertificate]:
    """Issue a new certificate that supersedes ``code`` (eligibility is checked again)."""
    with uow:
        cert = certificate_by_code(uow.session, code)
        if cert.status != "valid":
            raise ValidationError(f"{cert.code} is {cert.status}; only a valid certificate can be renewed.")
        person_id, credential_id = cert.person_id, cert.credential_id
    return issue_certificate(uow, actor, person_id, credential_id, renew=True, **kwargs)


def revoke_certificate(uow: UnitOfWork, actor: Actor, code: str, reason: str) -> Result[IssuedCertificate]:
    with uow:
        require(actor, "certificates.revoke")
        reason = clean(reason, "The reason for revoking", "reason")
        if len(reason) < 3:
            raise ValidationError("Give the reason for revoking; verifiers will see it.", field="reason")
        cert = certificate_by_code(uow.session, code)
        if cert.status == "revoked":
            raise ValidationError(f"{cert.code} was already revoked on {cert.revoked_at:%Y-%m-%d}.")
        before = {"status": cert.status}
        cert.status, cert.revoked_at, cert.revoked_reason, cert.revoked_by_id = "revoked", utcnow(), reason, actor.id
        audit.record(
            uow.session,
            actor,
            "certificate.revoke",
            "certificate",
            cert.code,
            before=before,
            after={"status": "revoked", "reason": reason},
        )
        row = _row(cert, None)
        uow.commit()
    discard_clean_copies(row.code)  # revoked: no clean copy of it stays to be opened again
    checkpoints.after(uow, reason="certificate.revoke")
    return Result(row, Change.CERTIFICATES | Change.AUDIT)


def find_person_and_credential(uow: UnitOfWork, external_id: str, credential_code: str) -> tuple[int, int]:
    with uow:
        session = uow.session
        person = by_code(session, Person, external_id, "person with external id", column="external_id")
        credential = by_code(session, Credential, credential_code, "credential")
        return person.id, credential.id


def demo_certificates(db: Database, out_dir: Path | None = None) -> list[str]:
    """Demo step: a signing key, one certificate issued, and at least one person left eligible to try issuing."""

    if not key_service.list_keys(db.unit_of_work()):
        key_service.create_issuer_key(db.unit_of_work(), SYSTEM)
    eligible: list[tuple[Person, Credential]] = []
    with db.unit_of_work() as uow:
        session = uow.session
        day = _today()
        credentials = list(
            session.scalars(select(Credential).where(Credential.active.is_(True)).order_by(Credential.code))
        )
        for person in session.scalars(
            select(Person).where(Person.external_id.like("DEMO-%")).order_by(Person.external_id)
        ):
            for credential in credentials:
                if compute_person_progress(session, person.id, credential, day).status == "eligible":
                    eligible.append((person, credential))
            if len(eligible) >= 2:
                break
    if not eligible:
        return ["No demo person is eligible yet, so no certificate was issued."]
    person, credential = eligible[0]
    folder = out_dir or paths.certificates_dir()
    cert = issue_certificate(db.unit_of_work(), SYSTEM, person.id, credential.id, out_dir=folder).value
    lines = [
        f"Certificate {cert.code} issued to {cert.holder_name} ({credential.code}): {cert.pdf_path}",
        f"  try: credtrack-cli verify {cert.code}",
    ]
    if len(eligible) > 1:
        other, other_credential = eligible[1]
        lines.append(
            f"Ready to issue: credtrack-cli issue --person {other.external_id} --credential {other_credential.code}"
        )
    return lines

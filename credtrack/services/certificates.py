"""Issuing certificates: one person, renewal, a whole cohort; revoking; reprinting; Open Badges export.

Issuing needs the progress rules to say the person is eligible, unless an
administrator overrides with a written reason that the audit log keeps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from credtrack.certificates import batch, codes, keys, openbadges, payload, pdf, sealing
from credtrack.certificates.errors import NotEligibleError
from credtrack.config import LocalSettings
from credtrack.db import Database, UnitOfWork
from credtrack.errors import ValidationError
from credtrack.models import Certificate, Credential, Person, utcnow
from credtrack.services import audit
from credtrack.services import keys as key_service
from credtrack.services.certificate_queries import certificate_by_code
from credtrack.services.certificate_snapshot import build_snapshot, load_records_for, page_for
from credtrack.services.changes import Change, Result
from credtrack.services.common import by_code, clean, get_or_404, months_after
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress import (
    CredentialProgress,
    PersonRecords,
    cohort_scope,
    compute_person_progress,
    load_rules,
)
from credtrack.services.settings import InstitutionSettings


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


@dataclass(frozen=True)
class CohortIssue:
    issued: list[IssuedCertificate]
    skipped_not_eligible: int
    skipped_already_held: int
    combined_pdf: Path | None


def _institution(session: Session) -> InstitutionSettings:
    from credtrack.models import Setting
    from credtrack.services.settings import _KEYS

    stored = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(_KEYS))).all())
    return InstitutionSettings(**stored)


def _unique_codes(session: Session, count: int) -> list[str]:
    """``count`` fresh certificate codes, distinct from each other and from every stored one."""
    chosen: list[str] = []
    while len(chosen) < count:
        fresh = {codes.new_code() for _ in range(count - len(chosen))} - set(chosen)
        for start in range(0, len(fresh), 500):
            batch_codes = sorted(fresh)[start : start + 500]
            fresh -= set(session.scalars(select(Certificate.code).where(Certificate.code.in_(batch_codes))))
        chosen.extend(sorted(fresh))
    return chosen


def _unique_code(session: Session) -> str:
    return _unique_codes(session, 1)[0]


def _not_eligible(person: Person, credential: Credential, progress: CredentialProgress) -> NotEligibleError:
    missing = [r.needed if r.kind == "module" else f"{r.code}: {r.needed}"
               for r in progress.requirements if not r.met]
    if not progress.professions_ok:
        missing.append(f"sign-offs from at least {progress.min_assessor_professions} professions")
    return NotEligibleError(
        f"{person.full_name} is not yet eligible for {credential.code}: still needed "
        + "; ".join(missing) + ". An administrator may issue anyway with a written reason."
    )


@dataclass(frozen=True)
class _Draft:
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


def _draft(
    session: Session, person: Person, credential: Credential, institution: InstitutionSettings, *,
    today: dt.date, code: str, issuer_short: str, progress: CredentialProgress,
) -> _Draft:
    """What one certificate states: its frozen snapshot and the claims its QR will sign."""
    expires = months_after(today, credential.validity_months) if credential.validity_months else None
    issuer = openbadges.issuer_uri(issuer_short, institution.institution_url)
    snapshot = build_snapshot(session, person, credential, progress, code=code, issued_on=today,
                              expires_on=expires, issuer_uri=issuer, issuer_short=issuer_short,
                              institution=institution)
    claims = payload.Claims(issuer=issuer_short, code=code, holder_name=person.full_name,
                            credential_title=credential.title, issued_on=today, expires_on=expires,
                            competencies=tuple(c["code"] for c in snapshot["competencies"]))
    return _Draft(person.id, person.external_id, credential.id, credential.code, code, person.full_name,
                  credential.title, today, expires, snapshot, claims)


def _certificate_values(draft: _Draft, sealed: sealing.Sealed, actor: Actor, kid: str,
                       reason: str | None = None) -> dict[str, Any]:
    """The columns of the certificate row for a sealed draft."""
    return {
        "code": draft.code, "person_id": draft.person_id, "credential_id": draft.credential_id,
        "holder_name": draft.holder_name, "credential_title": draft.credential_title,
        "snapshot_json": sealed.snapshot_json, "issued_on": draft.issued_on, "expires_on": draft.expires_on,
        "issuer_kid": kid, "qr_payload": sealed.qr_text, "openbadge_digest": sealed.digest.hex(), "status": "valid",
        "issued_by_id": actor.id, "override_reason": reason,
    }


def _issue_entry(draft: _Draft, kid: str, note: str = "") -> audit.Entry:
    return audit.Entry("certificate.issue", "certificate", draft.code,
                       after={"code": draft.code, "person": draft.person_key, "credential": draft.credential_code,
                              "issued_on": draft.issued_on, "expires_on": draft.expires_on, "kid": kid},
                       note=note)


def _prepare(
    session: Session, actor: Actor, person: Person, credential: Credential, key: keys.SigningKey,
    institution: InstitutionSettings, *, today: dt.date, override_reason: str | None,
) -> Certificate:
    """Check eligibility and build (and add) one signed certificate in the caller's transaction."""
    progress = compute_person_progress(session, person.id, credential, today)
    reason = clean(override_reason) or None
    if not progress.eligible:
        if reason is None:
            raise _not_eligible(person, credential, progress)
        require(actor, "certificates.override")
    draft = _draft(session, person, credential, institution, today=today, code=_unique_code(session),
                   issuer_short=key_service.issuer_id(session), progress=progress)
    cert = Certificate(**_certificate_values(draft, sealing.seal(draft.snapshot, draft.claims, key), actor, key.kid,
                                            reason))
    session.add(cert)
    session.flush()
    note = f"Issued without eligibility. Reason: {reason}" if reason and not progress.eligible else ""
    audit.record_many(session, actor, [_issue_entry(draft, key.kid, note)])
    return cert


def _row(cert: Certificate, path: Path | None, supersedes: str | None = None) -> IssuedCertificate:
    return IssuedCertificate(cert.id, cert.code, cert.holder_name, cert.credential_title, cert.issued_on,
                             cert.expires_on, path, supersedes)


def _page(cert: Certificate, institution: InstitutionSettings) -> pdf.CertificatePage:
    return page_for(cert, json.loads(cert.snapshot_json), institution, keys.fingerprint(cert.issuer_kid),
                    LocalSettings.load().paper_size)


def _safe_stem(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text)[:60].strip("_") or "certificate"


def _write_pdf(cert: Certificate, institution: InstitutionSettings, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return pdf.render([_page(cert, institution)], out_dir / f"{cert.code}_{_safe_stem(cert.holder_name)}.pdf",
                      title=f"Certificate {cert.code}")


def issue_certificate(
    uow: UnitOfWork, actor: Actor, person_id: int, credential_id: int, *, out_dir: Path | None = None,
    override_reason: str | None = None, passphrase: str | None = None, today: dt.date | None = None,
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
        held = session.scalar(select(Certificate).where(
            Certificate.person_id == person.id, Certificate.credential_id == credential.id,
            Certificate.status == "valid").order_by(Certificate.id.desc()).limit(1))
        if held is not None and not renew:
            raise ValidationError(f"{person.full_name} already holds {held.code} for {credential.code}. "
                                  "Renew it instead, to issue a new certificate that replaces it.")
        key = key_service.signing_key(session, passphrase)
        institution = _institution(session)
        cert = _prepare(session, actor, person, credential, key, institution, today=today or _today(),
                        override_reason=override_reason)
        if held is not None:
            held.status = "superseded"
            held.superseded_by_id = cert.id
            cert.supersedes_id = held.id
            audit.record(session, actor, "certificate.supersede", "certificate", held.code,
                         before={"status": "valid"}, after={"status": "superseded", "by": cert.code})
        path = _write_pdf(cert, institution, out_dir) if out_dir else None
        row = _row(cert, path, held.code if held else None)
        try:
            uow.commit()
        except BaseException:
            if path is not None:
                path.unlink(missing_ok=True)
            raise
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
        reason = clean(reason)
        if len(reason) < 3:
            raise ValidationError("Give the reason for revoking; verifiers will see it.", field="reason")
        cert = certificate_by_code(uow.session, code)
        if cert.status == "revoked":
            raise ValidationError(f"{cert.code} was already revoked on {cert.revoked_at:%Y-%m-%d}.")
        before = {"status": cert.status}
        cert.status, cert.revoked_at, cert.revoked_reason, cert.revoked_by_id = "revoked", utcnow(), reason, actor.id
        audit.record(uow.session, actor, "certificate.revoke", "certificate", cert.code, before=before,
                     after={"status": "revoked", "reason": reason})
        row = _row(cert, None)
        uow.commit()
        return Result(row, Change.CERTIFICATES | Change.AUDIT)


def reprint(uow: UnitOfWork, actor: Actor, code: str, out_dir: Path) -> Path:
    """Write the PDF of an issued certificate again, exactly as issued."""
    with uow:
        require(actor, "read")
        cert = certificate_by_code(uow.session, code)
        return _write_pdf(cert, _institution(uow.session), out_dir)


def export_openbadge(uow: UnitOfWork, actor: Actor, code: str, *, passphrase: str | None = None) -> tuple[str, dict]:
    """The certificate as a signed VC-JWT and as the OpenBadgeCredential JSON it carries."""
    with uow:
        require(actor, "read")
        session = uow.session
        cert = certificate_by_code(session, code)
        badge = json.loads(cert.snapshot_json)["openbadge"]
        if openbadges.digest(badge).hex() != cert.openbadge_digest:
            raise ValidationError(f"The stored record of {cert.code} does not match its QR code; it was altered.")
        token = openbadges.sign_jwt(badge, key_service.signing_key(session, passphrase))
        return token, badge


PLAN_SLICE = 4 * batch.CHUNK  # people whose records are read at a time while the workers draw earlier chunks


@dataclass
class _CohortPlan:
    """Who in a cohort gets which credential, decided a slice of people at a time, and who was passed over."""

    persons: list[Person]
    credential_ids: list[int]
    day: dt.date
    # The records read so far: holding them keeps them in the session's identity map,
    # so drafting each snapshot finds its completions and sign-offs there instead of querying again.
    records: dict[int, PersonRecords] = field(default_factory=dict)
    not_eligible: int = 0
    already_held: int = 0
    eligible: int = 0

    @property
    def expected(self) -> int:
        """Certificates to issue: those found eligible, plus everyone not checked yet."""
        return len(self.persons) * len(self.credential_ids) - self.not_eligible - self.already_held

    def eligible_pairs(self, session: Session) -> Iterator[tuple[Person, Credential, CredentialProgress]]:
        """Each eligible person with each credential, credential by credential, people in name order."""
        rules = load_rules(session, self.credential_ids)
        for credential_id in self.credential_ids:
            credential = session.get_one(Credential, credential_id)
            for start in range(0, len(self.persons), PLAN_SLICE):
                group = self.persons[start : start + PLAN_SLICE]
                unread = [p.id for p in group if p.id not in self.records]
                if unread:
                    self.records.update(load_records_for(session, unread))
                for person in group:
                    records = self.records[person.id]
                    if credential_id in records.certificates:
                        self.already_held += 1
                        continue
                    progress_now = compute_person_progress(session, person.id, rules[credential_id], self.day,
                                                           records)
                    if not progress_now.eligible:
                        self.not_eligible += 1
                        continue
                    self.eligible += 1
                    yield person, credential, progress_now


def issue_cohort(
    db: Database, actor: Actor, cohort_code: str, out_dir: Path, *, passphrase: str | None = None,
    today: dt.date | None = None, workers: int | None = None,
    progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
) -> Result[CohortIssue]:
    """Issue every eligible person in a cohort each credential assigned to it, in one transaction.

    Worker processes on every core start first. Eligibility is then decided a slice of
    people at a time, from records read in a few queries per slice, and each chunk of
    eligible people is drafted here and sealed, drawn and filed by a worker while the
    next slices are read; the rows are stored in chunk order as the chunks come back.
    Until everyone has been checked, the total passed to ``progress`` counts those not
    yet checked as eligible. Files go to a temporary folder; only when all are written
    does the transaction commit and the files move into ``out_dir``. Cancelling
    (``cancelled()`` returning True) or any error rolls everything back and keeps no file.
    """
    uow = db.unit_of_work()
    day = today or _today()
    with uow:
        require(actor, "certificates.issue")
        session = uow.session
        people, credential_ids = cohort_scope(session, cohort_code)
        key = key_service.signing_key(session, passphrase)
        institution = _institution(session)
        persons = list(session.scalars(select(Person).where(Person.id.in_(people or [-1]))
                                       .order_by(Person.full_name)))
        plan = _CohortPlan(persons, credential_ids, day)
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".credtrack-batch-", dir=out_dir))
        try:
            processes = batch.worker_count(workers, plan.expected)
            with batch.Batch(key, staging, workers=processes, title=f"Certificates {cohort_code}") as run:
                issued, output = _issue_planned(session, actor, plan, key, institution, run,
                                                cohort_code=cohort_code, progress=progress, cancelled=cancelled)
            if output is None:
                shutil.rmtree(staging, ignore_errors=True)
                return Result(CohortIssue([], plan.not_eligible, plan.already_held, None), Change.NONE)
            uow.commit()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        for path in [*output.singles, output.combined]:
            path.replace(out_dir / path.name)
        shutil.rmtree(staging, ignore_errors=True)
        rows = [replace(c, pdf_path=out_dir / p.name) for c, p in zip(issued, output.singles, strict=True)]
        return Result(CohortIssue(rows, plan.not_eligible, plan.already_held, out_dir / output.combined.name),
                      Change.CERTIFICATES | Change.AUDIT)


def _issue_planned(
    session: Session, actor: Actor, plan: _CohortPlan, key: keys.SigningKey, institution: InstitutionSettings,
    run: batch.Batch, *, cohort_code: str, progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> tuple[list[IssuedCertificate], batch.BatchOutput | None]:
    """Draft the eligible certificates chunk by chunk for ``run``, storing each chunk's rows as it is sealed.

    Returns no output when nobody in the cohort is eligible.
    """
    pairs = plan.eligible_pairs(session)
    first = next(pairs, None)
    if first is None:
        return [], None
    fresh_codes = iter(_unique_codes(session, plan.expected))
    short, fingerprint = key_service.issuer_id(session), keys.fingerprint(key.kid)
    paper = LocalSettings.load().paper_size
    drafts: list[_Draft] = []
    issued: list[IssuedCertificate] = []

    def chunks() -> Iterator[list[batch.Item]]:
        chunk: list[batch.Item] = []
        for person, credential, progress_now in itertools.chain([first], pairs):
            code = next(fresh_codes)
            draft = _draft(session, person, credential, institution, today=plan.day, code=code,
                           issuer_short=short, progress=progress_now)
            drafts.append(draft)
            chunk.append(batch.Item(draft.claims, draft.snapshot,
                                    page_for(draft, draft.snapshot, institution, fingerprint, paper),
                                    f"{code}_{_safe_stem(draft.holder_name)}.pdf"))
            if len(chunk) == batch.CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def store(items: list[batch.Item], sealed: list[sealing.Sealed]) -> None:
        stored = drafts[len(issued) : len(issued) + len(items)]
        values = [_certificate_values(d, s, actor, key.kid) for d, s in zip(stored, sealed, strict=True)]
        # One bulk INSERT per chunk: nothing edits these rows in this transaction, so no ORM objects are needed.
        ids = session.scalars(insert(Certificate).returning(Certificate.id, sort_by_parameter_order=True), values)
        issued.extend(IssuedCertificate(i, d.code, d.holder_name, d.credential_title, d.issued_on, d.expires_on, None)
                      for i, d in zip(ids.all(), stored, strict=True))
        if progress:
            progress(len(issued), plan.expected)

    combined_name = f"{_safe_stem(cohort_code)}_{plan.day.isoformat()}_certificates.pdf"
    output = run.run(chunks(), combined_name=combined_name, stored=store, cancelled=cancelled)
    entries = [_issue_entry(d, key.kid) for d in drafts]
    entries.append(audit.Entry("certificate.issue_cohort", "cohort", cohort_code,
                               after={"issued": [c.code for c in issued], "not_eligible": plan.not_eligible}))
    audit.record_many(session, actor, entries)
    return issued, output


def find_person_and_credential(uow: UnitOfWork, external_id: str, credential_code: str) -> tuple[int, int]:
    with uow:
        session = uow.session
        person = by_code(session, Person, external_id, "person with external id", column="external_id")
        credential = by_code(session, Credential, credential_code, "credential")
        return person.id, credential.id



def demo_certificates(db: Database, out_dir: Path | None = None) -> list[str]:
    """Demo step: a signing key, one certificate issued, and at least one person left eligible to try issuing."""
    from credtrack.services.permissions import SYSTEM

    if not key_service.list_keys(db.unit_of_work()):
        key_service.create_issuer_key(db.unit_of_work(), SYSTEM)
    eligible: list[tuple[Person, Credential]] = []
    with db.unit_of_work() as uow:
        session = uow.session
        day = _today()
        credentials = list(session.scalars(select(Credential).where(Credential.active.is_(True))
                                           .order_by(Credential.code)))
        for person in session.scalars(select(Person).where(Person.external_id.like("DEMO-%"))
                                      .order_by(Person.external_id)):
            for credential in credentials:
                if compute_person_progress(session, person.id, credential, day).status == "eligible":
                    eligible.append((person, credential))
            if len(eligible) >= 2:
                break
    if not eligible:
        return ["No demo person is eligible yet, so no certificate was issued."]
    person, credential = eligible[0]
    folder = out_dir or (paths_data_dir() / "certificates")
    cert = issue_certificate(db.unit_of_work(), SYSTEM, person.id, credential.id, out_dir=folder).value
    lines = [f"Certificate {cert.code} issued to {cert.holder_name} ({credential.code}): {cert.pdf_path}",
             f"  try: credtrack-cli verify {cert.code}"]
    if len(eligible) > 1:
        other, other_credential = eligible[1]
        lines.append(f"Ready to issue: credtrack-cli issue --person {other.external_id} "
                     f"--credential {other_credential.code}")
    return lines


def paths_data_dir() -> Path:
    from credtrack import paths

    return paths.data_dir()

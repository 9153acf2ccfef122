"""Issuing a cohort: every eligible person, each credential assigned to it, on every core, in one transaction."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.backup import integrity_ok
from credtrack.certificates import batch, keys, sealing
from credtrack.config import LocalSettings
from credtrack.db import Database
from credtrack.errors import DatabaseDamagedError
from credtrack.models import Certificate, Credential, Person
from credtrack.services import batch_staging
from credtrack.services import keys as key_service
from credtrack.services.audit import checkpoints
from credtrack.services.audit import log as audit
from credtrack.services.certificates import drafts as drafting
from credtrack.services.certificates import text as certificate_text
from credtrack.services.certificates.drafts import Draft, IssuedCertificate
from credtrack.services.certificates.records import RecordsReader
from credtrack.services.certificates.snapshot import page_for
from credtrack.services.changes import Change, Result
from credtrack.services.common import today as _today
from credtrack.services.permissions import Actor, require
from credtrack.services.progress.person import (
    CredentialProgress,
    PersonRecords,
    cohort_scope,
    group_progress,
    load_rules,
)
from credtrack.services.settings import InstitutionSettings


@dataclass(frozen=True)
class CohortIssue:
    issued: list[IssuedCertificate]
    skipped_not_eligible: int
    skipped_already_held: int
    combined_pdf: Path | None


PLAN_SLICE = 4 * batch.CHUNK  # people whose records are read at a time while the workers draw earlier chunks


@dataclass
class _CohortPlan:
    """Who in a cohort gets which credential, decided a slice of people at a time, and who was passed over."""

    persons: list[Person]
    credential_ids: list[int]
    day: dt.date
    # The records read so far, kept so that drafting each snapshot finds the completions and
    # sign-offs its progress was judged on without reading them again.
    records: dict[int, PersonRecords] = field(default_factory=dict)
    not_eligible: int = 0
    already_held: int = 0
    eligible: int = 0

    @property
    def expected(self) -> int:
        """Certificates to issue: those found eligible, plus everyone not checked yet."""
        return len(self.persons) * len(self.credential_ids) - self.not_eligible - self.already_held

    def eligible_pairs(
        self, session: Session
    ) -> Iterator[tuple[Person, Credential, CredentialProgress, PersonRecords]]:
        """Each eligible person with each credential (and the person's records), credential by credential,
        people in name order."""
        rules = load_rules(session, self.credential_ids)
        asked = [r for rule in rules.values() for r in rule.requirements]
        reader = RecordsReader(
            session,
            modules={r.target_id for r in asked if r.kind == "module"},
            competencies={r.target_id for r in asked if r.kind == "competency"},
        )
        for credential_id in self.credential_ids:
            credential = session.get_one(Credential, credential_id)
            for start in range(0, len(self.persons), PLAN_SLICE):
                group = self.persons[start : start + PLAN_SLICE]
                unread = [p.id for p in group if p.id not in self.records]
                if unread:
                    self.records.update(reader.read(unread))
                unheld = [person for person in group if credential_id not in self.records[person.id].certificates]
                self.already_held += len(group) - len(unheld)
                judged = group_progress(rules[credential_id], [(p.id, self.records[p.id]) for p in unheld], self.day)
                for person, progress_now in zip(unheld, judged, strict=True):
                    records = self.records[person.id]
                    if not progress_now.eligible:
                        self.not_eligible += 1
                        continue
                    self.eligible += 1
                    yield person, credential, progress_now, records


def _refuse_a_damaged_file(db: Database) -> None:
    """A batch signs hundreds of certificates: never into a SQLite file that fails its quick check."""
    if db.sqlite_path is None:
        return
    sound, finding = integrity_ok(db.sqlite_path)
    if not sound:
        raise DatabaseDamagedError(finding, refused="No certificate was issued. ")


def issue_cohort(
    db: Database,
    actor: Actor,
    cohort_code: str,
    out_dir: Path,
    *,
    passphrase: str | None = None,
    today: dt.date | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Result[CohortIssue]:
    """Issue every eligible person in a cohort each credential assigned to it, in one transaction.

    Worker processes on every core start first. Eligibility is then decided a slice of
    people at a time, from records read in a few queries per slice, and each chunk of
    eligible people is drafted here and sealed, drawn and filed by a worker while the
    next slices are read; the rows are stored in chunk order as the chunks come back.
    Until everyone has been checked, the total passed to ``progress`` counts those not
    yet checked as eligible. Files go to a private staging folder (``batch_staging``); only when
    all are written does the transaction commit and the files move into ``out_dir``. Cancelling
    (``cancelled()`` returning True) or any error rolls everything back and keeps no file.

    A certificate whose text no shipped font can draw refuses the whole cohort, every
    such person listed: the cohort is one transaction, and issuing the others would
    leave those few without a certificate in a run that looks complete.
    """
    uow = db.unit_of_work()
    day = today or _today()
    with uow:
        require(actor, "certificates.issue")
        _refuse_a_damaged_file(db)
        session = uow.session
        people, credential_ids = cohort_scope(session, cohort_code)
        key = key_service.signing_key(session, passphrase, actor=actor)
        institution = drafting.institution(session)
        persons = list(session.scalars(select(Person).where(Person.id.in_(people or [-1])).order_by(Person.full_name)))
        plan = _CohortPlan(persons, credential_ids, day)
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = batch_staging.Staging.start(db, cohort_code, out_dir)
        try:
            processes = batch.worker_count(workers, plan.expected)
            with batch.Batch(key, staging.folder, workers=processes, title=f"Certificates {cohort_code}") as run:
                issued, output = _issue_planned(
                    session,
                    actor,
                    plan,
                    key,
                    institution,
                    run,
                    cohort_code=cohort_code,
                    progress=progress,
                    cancelled=cancelled,
                )
            if output is None:
                staging.close(remove=True)
                return Result(CohortIssue([], plan.not_eligible, plan.already_held, None), Change.NONE)
            staging.sealed(output.combined, [(c.code, p) for c, p in zip(issued, output.singles, strict=True)])
            uow.commit()
        except BaseException:
            staging.close(remove=True)
            raise
        staging.deliver()
        rows = [replace(c, pdf_path=out_dir / p.name) for c, p in zip(issued, output.singles, strict=True)]
    checkpoints.after(db.unit_of_work(), reason="certificate.issue_cohort", signer=key)
    return Result(
        CohortIssue(rows, plan.not_eligible, plan.already_held, out_dir / output.combined.name),
        Change.CERTIFICATES | Change.AUDIT,
    )


def _issue_planned(
    session: Session,
    actor: Actor,
    plan: _CohortPlan,
    key: keys.SigningKey,
    institution: InstitutionSettings,
    run: batch.Batch,
    *,
    cohort_code: str,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> tuple[list[IssuedCertificate], batch.BatchOutput | None]:
    """Draft the eligible certificates chunk by chunk for ``run``, storing each chunk's rows as it is sealed.

    Returns no output when nobody in the cohort is eligible.
    """
    pairs = plan.eligible_pairs(session)
    first = next(pairs, None)
    if first is None:
        return [], None
    fresh_codes = iter(drafting.unique_codes(session, plan.expected))
    parts = drafting.snapshot_parts(session, institution, key_service.issuer_id(session))
    fingerprint = keys.fingerprint(key.kid)
    paper = LocalSettings.load().paper_size
    drafts: list[Draft] = []
    issued: list[IssuedCertificate] = []
    refused: list[tuple[str, list[str]]] = []  # holder name and what cannot be drawn

    def chunks() -> Iterator[list[batch.Item]]:
        chunk: list[batch.Item] = []
        for person, credential, progress_now, records in itertools.chain([first], pairs):
            code = next(fresh_codes)
            draft = drafting.draft(
                parts, person, credential, today=plan.day, code=code, progress=progress_now, records=records
            )
            page = page_for(draft, draft.snapshot, institution, fingerprint, paper)
            found = certificate_text.problems(certificate_text.page_fields(page))
            if found or refused:  # once one is refused nothing is issued: the rest are only checked
                if found:
                    refused.append((draft.holder_name, found))
                continue
            drafts.append(draft)
            chunk.append(
                batch.Item(draft.claims, draft.snapshot, page, drafting.pdf_file_name(code, draft.holder_name))
            )
            remaining = plan.expected - len(drafts) + len(chunk)  # counted from this chunk's first certificate
            if len(chunk) >= batch.chunk_size(remaining, run.workers):
                yield chunk
                chunk = []
        certificate_text.check_cohort(cohort_code, refused)
        if chunk:
            yield chunk

    def store(items: list[batch.Item], sealed: list[sealing.Sealed]) -> None:
        stored = drafts[len(issued) : len(issued) + len(items)]
        values = [drafting.certificate_values(d, s, actor, key.kid) for d, s in zip(stored, sealed, strict=True)]
        # One INSERT per chunk straight into the table: nothing edits these rows in this transaction,
        # so no ORM objects are needed. The audit events follow at once, while the workers draw on.
        # Their ids are read back by code afterwards: SQLite would return them one INSERT per row.
        connection = session.connection()
        connection.execute(Certificate.__table__.insert(), values)
        ids = dict(
            connection.execute(
                select(Certificate.code, Certificate.id).where(Certificate.code.in_([d.code for d in stored]))
            ).all()
        )
        issued.extend(
            IssuedCertificate(ids[d.code], d.code, d.holder_name, d.credential_title, d.issued_on, d.expires_on, None)
            for d in stored
        )
        audit.record_many(session, actor, [drafting.issue_entry(d, key.kid) for d in stored])
        if progress:
            progress(len(issued), plan.expected)

    combined_name = f"{drafting.safe_stem(cohort_code)}_{plan.day.isoformat()}_certificates.pdf"
    output = run.run(chunks(), combined_name=combined_name, stored=store, cancelled=cancelled)
    audit.record(
        session,
        actor,
        "certificate.issue_cohort",
        "cohort",
        cohort_code,
        after={"issued": [c.code for c in issued], "not_eligible": plan.not_eligible},
    )
    return issued, output

"""'Save for learners': one ZIP with each certificate's PDF named for its holder, to hand out another way."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from credtrack.db import Database
from credtrack.errors import ValidationError
from credtrack.models import Certificate
from credtrack.services.audit import log as audit
from credtrack.services.certificates import drafts as drafting
from credtrack.services.certificates import learner_files
from credtrack.services.certificates.copies import withdrawal
from credtrack.services.certificates.delivery import Skipped, chosen_rows
from credtrack.services.changes import Change, Result
from credtrack.services.common import Check, no_check
from credtrack.services.permissions import Actor, require


@dataclass(frozen=True)
class LearnerZip:
    path: Path
    files: list[str]  # the names inside, in order
    skipped: list[Skipped]


def save_for_learners(
    db: Database,
    actor: Actor,
    codes: Sequence[str],
    target: Path,
    *,
    check: Check = no_check,
    progress: Callable[[int, int], None] | None = None,
) -> Result[LearnerZip]:
    """Write ``target``: a ZIP of one PDF per certificate in force, named ``Name – Credential – Code.pdf``.

    Withdrawn certificates are left out and listed. The ZIP appears whole or not at all, and is audited.
    """
    target = Path(target)
    if target.suffix.lower() != ".zip":
        raise ValidationError(f"Save the certificates as a .zip file, not {target.name}.")
    if not codes:
        raise ValidationError("Choose at least one certificate to save.")
    with db.unit_of_work() as uow:
        require(actor, "certificates.reprint")
        session = uow.session
        audit.confirm_account(session, actor)
        institution = drafting.institution(session)
        chosen: list[Certificate] = []
        skipped: list[Skipped] = []
        wanted = [row.id for row in chosen_rows(session, codes)]
        by_id = {c.id: c for c in session.scalars(select(Certificate).where(Certificate.id.in_(wanted)))}
        for cert in (by_id[i] for i in wanted):
            found = withdrawal(session, cert)
            if found is not None:
                skipped.append(Skipped(cert.code, cert.holder_name, cert.credential_title, f"it was {found.summary}"))
            else:
                chosen.append(cert)
    if not chosen:
        raise ValidationError("None of the chosen certificates is in force, so there is nothing to save.")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    names: list[str] = []
    placed = False
    taken: set[str] = set()
    try:
        with learner_files.scratch_folder() as scratch, zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as bundle:
            for done, cert in enumerate(chosen, start=1):
                check()
                stem = learner_files.file_stem(cert.holder_name, cert.credential_title, cert.code)
                name = learner_files.unique_name(stem, ".pdf", taken)
                # PDFs are compressed already: storing them saves the time of a second try.
                bundle.writestr(name, learner_files.pdf_bytes(cert, institution, Path(scratch)), zipfile.ZIP_STORED)
                names.append(name)
                if progress is not None:
                    progress(done, len(chosen))
        with db.unit_of_work() as uow:
            require(actor, "certificates.reprint")
            audit.record(
                uow.session,
                actor,
                "certificate.save_for_learners",
                "certificate",
                f"{len(names)} certificates",
                after={
                    "file": target.name,
                    "certificates": [c.code for c in chosen],
                    "left_out": [s.code for s in skipped],
                },
            )
            os.replace(part, target)
            placed = True
            uow.commit()
    except BaseException:
        (target if placed else part).unlink(missing_ok=True)
        raise
    return Result(LearnerZip(target, names, skipped), Change.AUDIT)

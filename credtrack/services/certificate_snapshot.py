"""What a certificate freezes at issue time: holder, credential, competencies, sign-offs, evidence."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from credtrack.certificates import pdf
from credtrack.models import (
    Assessment,
    Certificate,
    Competency,
    Completion,
    Credential,
    Person,
    Scale,
)
from credtrack.services.progress import CredentialProgress, PersonRecords
from credtrack.services.settings import InstitutionSettings

_IN_CHUNK = 500  # ids per IN (...) list, well within every database's limit


def load_records_for(session: Session, person_ids: list[int]) -> dict[int, PersonRecords]:
    """The standing records of many people in three queries per 500 people.

    The same records ``progress.load_person_records`` reads for one person (current,
    non-pending completions; sign-offs not voided; latest valid certificate per
    credential), with what a certificate snapshot prints loaded alongside them.
    """
    found = {pid: PersonRecords({}, defaultdict(list), {}) for pid in person_ids}
    for start in range(0, len(person_ids), _IN_CHUNK):
        ids = person_ids[start : start + _IN_CHUNK]
        for c in session.scalars(select(Completion).where(
                Completion.person_id.in_(ids), Completion.voided_at.is_(None), Completion.verification != "pending")
                .order_by(Completion.id).options(selectinload(Completion.module))):
            best = found[c.person_id].completions.get(c.module_id)
            if best is None or c.completed_on > best.completed_on:
                found[c.person_id].completions[c.module_id] = c
        for a in session.scalars(select(Assessment).where(Assessment.person_id.in_(ids), Assessment.voided_at.is_(None))
                                 .order_by(Assessment.id)
                                 .options(selectinload(Assessment.level), selectinload(Assessment.assessor_profession),
                                          selectinload(Assessment.competency).selectinload(Competency.framework),
                                          selectinload(Assessment.scale).selectinload(Scale.levels))):
            found[a.person_id].assessments[a.competency_id].append(a)
        for cert in session.scalars(select(Certificate).where(Certificate.person_id.in_(ids),
                                                              Certificate.status == "valid")
                                    .order_by(Certificate.issued_on, Certificate.id)):
            found[cert.person_id].certificates[cert.credential_id] = cert  # the latest issue wins
    return found


def _competencies(credential: Credential) -> list[Competency]:
    """The competencies a credential certifies: its sign-off requirements, else its modules' competencies."""
    seen: dict[int, Competency] = {}
    for r in credential.requirements:
        if r.kind == "competency" and r.competency is not None:
            seen.setdefault(r.competency.id, r.competency)
    if not seen:
        for r in credential.requirements:
            if r.kind == "module" and r.module is not None:
                for comp in r.module.competencies:
                    seen.setdefault(comp.id, comp)
    return list(seen.values())


def build_snapshot(
    session: Session,
    person: Person,
    credential: Credential,
    progress: CredentialProgress,
    *,
    code: str,
    issued_on: dt.date,
    expires_on: dt.date | None,
    issuer_uri: str,
    issuer_short: str,
    institution: InstitutionSettings,
) -> dict[str, Any]:
    comps = _competencies(credential)
    snapshot: dict[str, Any] = {
        "code": code,
        "issued_on": issued_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
        "issuer": {"id": issuer_uri, "name": institution.institution_name, "short": issuer_short},
        "holder": {"name": person.full_name, "external_id": person.external_id, "key": person.external_id},
        "credential": {"code": credential.code, "title": credential.title, "description": credential.description,
                       "criteria": credential.criteria},
        "framework": comps[0].framework.name if comps else "",
        "competencies": [
            {"code": c.code, "label": c.label, "description": c.description, "framework": c.framework.name,
             "framework_code": c.framework.code}
            for c in comps
        ],
        "modules": [],
        "signoffs": [],
        "scales": {},
    }
    by_requirement = {r.id: r for r in credential.requirements}
    for req in progress.requirements:
        if not req.met or req.evidence is None:
            continue
        if req.evidence.kind == "completion":
            completion = session.get(Completion, req.evidence.record_id)
            if completion is not None:
                snapshot["modules"].append({"code": completion.module.code, "title": completion.module.title,
                                            "completed_on": completion.completed_on.isoformat()})
        elif req.evidence.kind == "assessment":
            a = session.get(Assessment, req.evidence.record_id)
            r = by_requirement.get(req.requirement_id)
            if a is None:
                continue
            snapshot["signoffs"].append({
                "competency": a.competency.code, "competency_label": a.competency.label,
                "framework_code": a.competency.framework.code,
                "scale_code": a.scale.code, "scale_name": a.scale.name,
                "level_code": a.level.code, "level_label": a.level.label,
                "required_level_code": r.min_level.code if r is not None and r.min_level is not None else None,
                "assessed_on": a.assessed_on.isoformat(), "assessor": a.assessor_name,
                "assessor_profession": a.assessor_profession.name if a.assessor_profession else None,
                "method": a.method.replace("_", " "),
            })
            snapshot["scales"].setdefault(a.scale.code, [
                {"code": lv.code, "label": lv.label} for lv in a.scale.levels
            ])
    return snapshot


class Printed(Protocol):
    """What a page prints of a certificate: a stored ``Certificate``, or one drafted but not yet sealed."""

    code: str
    holder_name: str
    credential_title: str
    issued_on: dt.date
    expires_on: dt.date | None
    qr_payload: str


def page_for(cert: Printed, snapshot: dict[str, Any], institution: InstitutionSettings, fingerprint: str,
             paper: str) -> pdf.CertificatePage:
    """The printable page for a certificate, entirely from what was frozen at issue time."""
    return pdf.CertificatePage(
        code=cert.code,
        holder_name=cert.holder_name,
        credential_title=cert.credential_title,
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        qr_text=cert.qr_payload,
        key_fingerprint=fingerprint,
        institution_name=institution.institution_name,
        framework_name=snapshot.get("framework", ""),
        competencies=tuple((c["code"], c["label"]) for c in snapshot.get("competencies", [])),
        signatory_name=institution.signatory_name,
        signatory_title=institution.signatory_title,
        logo_path=institution.logo_path or None,
        signature_path=institution.signature_path or None,
        paper=paper,
        title=institution.certificate_title or "Certificate of Achievement",
    )

"""What a certificate freezes at issue time: holder, credential, competencies, sign-offs, evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from sqlalchemy.orm import Session

from credtrack.certificates import evidence_lines, pdf
from credtrack.certificates.marking import CopyMark
from credtrack.models import (
    Assessment,
    Competency,
    Completion,
    Credential,
    ImprovementWork,
    Person,
    Rating,
    Scale,
)
from credtrack.models.enums import label
from credtrack.services.progress.person import CredentialProgress, PersonRecords
from credtrack.services.settings import InstitutionSettings


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


class SnapshotParts:
    """Builds snapshots, reading what every certificate of one credential shares only once.

    A cohort's certificates share the credential, its competencies and the scales their
    sign-offs were made on; one builder per transaction reads each of them once. The
    shared pieces are shared objects too: nothing changes a snapshot once built.
    """

    def __init__(
        self, session: Session, *, issuer_uri: str, issuer_short: str, institution: InstitutionSettings
    ) -> None:
        self.session = session
        self.issuer = {"id": issuer_uri, "name": institution.institution_name, "short": issuer_short}
        self.verifier_address = institution.verifier_address
        self._credentials: dict[int, tuple[dict[str, Any], str, list[dict[str, Any]], dict[int, Any]]] = {}
        self._scales: dict[int, list[dict[str, str]]] = {}

    def _credential(self, credential: Credential) -> tuple[dict[str, Any], str, list[dict[str, Any]], dict[int, Any]]:
        known = self._credentials.get(credential.id)
        if known is None:
            comps = _competencies(credential)
            known = (
                {
                    "code": credential.code,
                    "title": credential.title,
                    "description": credential.description,
                    "criteria": credential.criteria,
                },
                comps[0].framework.name if comps else "",
                [
                    {
                        "code": c.code,
                        "label": c.label,
                        "description": c.description,
                        "framework": c.framework.name,
                        "framework_code": c.framework.code,
                    }
                    for c in comps
                ],
                {r.id: r.min_level.code if r.min_level is not None else None for r in credential.requirements},
            )
            self._credentials[credential.id] = known
        return known

    def _scale_levels(self, scale: Scale) -> list[dict[str, str]]:
        levels = self._scales.get(scale.id)
        if levels is None:
            levels = self._scales[scale.id] = [{"code": lv.code, "label": lv.label} for lv in scale.levels]
        return levels

    def build(
        self,
        person: Person,
        credential: Credential,
        progress: CredentialProgress,
        *,
        code: str,
        issued_on: dt.date,
        expires_on: dt.date | None,
        records: PersonRecords | None = None,
    ) -> dict[str, Any]:
        """The snapshot of one certificate; ``records``, when given, are those ``progress`` was judged on."""
        about, framework, competencies, required_levels = self._credential(credential)
        snapshot: dict[str, Any] = {
            "code": code,
            "issued_on": issued_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
            "issuer": self.issuer,
            "holder": {"name": person.full_name, "external_id": person.external_id, "key": person.external_id},
            "credential": about,
            "framework": framework,
            "competencies": competencies,
            "modules": [],
            "signoffs": [],
            "scales": {},
        }
        if self.verifier_address:  # the QR then opens the verifier page at this address
            snapshot["verifier_address"] = self.verifier_address
        counted_ratings: set[int] = set()  # a rating may meet a source's count and the sources' count alike
        for req in progress.requirements:
            if not req.met or req.evidence is None:
                continue
            if req.evidence.kind == "completion":
                completion = (
                    _record(records, "completion", req.evidence.record_id)
                    if records
                    else self.session.get(Completion, req.evidence.record_id)
                )
                if completion is not None:
                    snapshot["modules"].append(
                        {
                            "code": completion.module.code,
                            "title": completion.module.title,
                            "completed_on": completion.completed_on.isoformat(),
                        }
                    )
            elif req.evidence.kind == "assessment":
                a = (
                    _record(records, "assessment", req.evidence.record_id)
                    if records
                    else self.session.get(Assessment, req.evidence.record_id)
                )
                if a is None:
                    continue
                competency, scale, level = a.competency, a.scale, a.level
                snapshot["signoffs"].append(
                    {
                        "competency": competency.code,
                        "competency_label": competency.label,
                        "framework_code": competency.framework.code,
                        "scale_code": scale.code,
                        "scale_name": scale.name,
                        "level_code": level.code,
                        "level_label": level.label,
                        "required_level_code": required_levels.get(req.requirement_id),
                        "assessed_on": a.assessed_on.isoformat(),
                        "assessor": a.assessor_name,
                        "assessor_profession": a.assessor_profession.name if a.assessor_profession else None,
                        "method": a.method.replace("_", " "),
                    }
                )
                if scale.code not in snapshot["scales"]:
                    snapshot["scales"][scale.code] = self._scale_levels(scale)
            elif req.evidence.kind == "rating":
                rated = snapshot.setdefault("ratings", [])
                for rating_id in req.evidence.record_ids or (req.evidence.record_id,):
                    if rating_id not in counted_ratings:
                        counted_ratings.add(rating_id)
                        rating = self.session.get(Rating, rating_id)
                        if rating is not None:
                            rated.append(_rating_entry(rating))
            elif req.evidence.kind == "improvement":
                work = self.session.get(ImprovementWork, req.evidence.record_id)
                if work is not None:
                    snapshot.setdefault("improvement", []).append(improvement_entry(work))
        return snapshot


def _rating_entry(rating: Rating) -> dict[str, Any]:
    """A rating as a certificate freezes it: its source, day, rater, how it was collected and its scores.

    The rater is named here, as an assessor is for a sign-off, so a voided rating can be found again; what a
    certificate shows outside (the Open Badges evidence) names the source and the rater's profession only.
    """
    scores = sorted(((s.competency.code, s.level.rank, s.level.label) for s in rating.scores), key=lambda x: x[0])
    lowest = min(scores, key=lambda x: x[1]) if scores else None
    return {
        "source_code": rating.source.code,
        "source_name": rating.source.name,
        "rated_on": rating.rated_on.isoformat(),
        "rater": rating.rater_name,
        "rater_profession": rating.rater_profession.name if rating.rater_profession else None,
        "collection": rating.collection.replace("_", " "),
        "lowest_level_label": lowest[2] if lowest else None,
        "scores": [{"competency": code, "level_label": level} for code, _rank, level in scores],
    }


def improvement_entry(work: ImprovementWork) -> dict[str, Any]:
    """A confirmed piece of improvement work as a certificate freezes it: what, when, the learner's role, the
    team's professions (the learner's own included) and who confirmed it."""
    professions = {m.profession.name for m in work.members}
    if work.learner_profession is not None:
        professions.add(work.learner_profession.name)
    confirmer = work.confirmed_by
    return {
        "kind": work.kind,
        "kind_label": label(work.kind),
        "title": work.title,
        "role": work.role,
        "started_on": work.started_on.isoformat(),
        "ended_on": work.ended_on.isoformat() if work.ended_on else None,
        "professions": sorted(professions),
        "confirmed_by": (confirmer.display_name or confirmer.username) if confirmer else None,
    }


def _record(records: PersonRecords, kind: str, record_id: int) -> Any:
    """The completion or sign-off ``record_id`` among ``records``, or None."""
    if kind == "completion":
        return next((c for c in records.completions.values() if c.id == record_id), None)
    return next((a for signed in records.assessments.values() for a in signed if a.id == record_id), None)


class Printed(Protocol):
    """What a page prints of a certificate: a stored ``Certificate``, or one drafted but not yet sealed.

    Read-only, so a frozen ``Draft`` is one too."""

    @property
    def code(self) -> str: ...
    @property
    def holder_name(self) -> str: ...
    @property
    def credential_title(self) -> str: ...
    @property
    def issued_on(self) -> dt.date: ...
    @property
    def expires_on(self) -> dt.date | None: ...
    @property
    def qr_payload(self) -> str: ...


def page_for(
    cert: Printed,
    snapshot: dict[str, Any],
    institution: InstitutionSettings,
    fingerprint: str,
    paper: str,
    *,
    by_exception: bool = False,
    mark: CopyMark | None = None,
) -> pdf.CertificatePage:
    """The printable page for a certificate, entirely from what was frozen at issue time.

    ``by_exception`` says it was issued by an override; ``mark`` makes it a copy of one withdrawn since.
    """
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
        by_exception=by_exception,
        mark=mark,
        evidence=evidence_lines.from_snapshot(snapshot),
    )

"""Each due reminder's message: who it goes to (and is copied to), and its wording filled in from the
person's progress checklist (``services/progress/person.py``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.models import CohortCredential, Enrolment, Setting, Unit, unit_key
from credtrack.rules.model import MODULE as MODULE_REQUIREMENT
from credtrack.rules.model import CredentialRules
from credtrack.services.certificates.records import load_records_for
from credtrack.services.progress.person import (
    CredentialProgress,
    PersonRecords,
    compute_person_progress,
    load_person_records,
    load_rules,
)
from credtrack.services.reminders.rules import Rules
from credtrack.services.reminders.schedule import CREDENTIAL, DueStep, step_kind
from credtrack.services.reminders.subjects import Holder
from credtrack.services.reminders.wording import Template, format_date, render

ALL_MET = "Every requirement is met today; your educator will renew it with you."


@dataclass(frozen=True)
class Message:
    to: str | None
    copy_to: str | None
    subject: str
    body: str


def days_left(day: dt.date, today: dt.date) -> str:
    n = (day - today).days
    return "today" if n <= 0 else "1 day" if n == 1 else f"{n} days"


class Composer:
    """Fills in the templates for the due steps of one run, reading each person's checklist once."""

    def __init__(
        self,
        session: Session,
        today: dt.date,
        rules: Rules,
        templates: dict[str, Template],
        titles: dict,
        person_ids: list[int],
    ) -> None:
        self.session, self.today, self.rules, self.templates, self.titles = session, today, rules, templates, titles
        self.institution = session.scalar(select(Setting.value).where(Setting.key == "institution_name")) or ""
        # Everyone due today's records in a few queries (as a cohort being issued is read), not a few each.
        self._records: dict[int, PersonRecords] = load_records_for(session, person_ids) if person_ids else {}
        self._credentials: dict[int, set[int]] = defaultdict(set)
        if person_ids:
            for pid, credential_id in session.execute(
                select(Enrolment.person_id, CohortCredential.credential_id)
                .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
                .where(Enrolment.person_id.in_(person_ids), Enrolment.status == "active")
            ):
                self._credentials[pid].add(credential_id)
        self._rules: dict[int, CredentialRules | None] = {}
        self._progress: dict[tuple[int, int], CredentialProgress | None] = {}
        self._educators: dict[str, str | None] = {}

    def message(self, due: DueStep, holder: Holder) -> Message:
        s = due.subject
        _code, title = self.titles[(s.kind, s.subject_id)]
        values = {
            "name": holder.name,
            "credential": title,
            "date": format_date(s.on),
            "days": days_left(s.on, self.today),
            "still_needed": self.still_needed(due),
            "unit": holder.unit or "your unit",
            "institution": self.institution,
        }
        subject, body = render(self.templates[step_kind(due.step)], values)
        copy = self.educator(holder.unit) if self.rules.of(s).copy_educator else None
        return Message(holder.email, copy, subject, body)

    def educator(self, unit: str | None) -> str | None:
        if not unit:
            return None
        if unit not in self._educators:
            self._educators[unit] = self.session.scalar(
                select(Unit.educator_email).where(Unit.name_key == unit_key(unit))
            )
        return self._educators[unit]

    def still_needed(self, due: DueStep) -> str:
        """The unmet lines of the credential's checklist, or the module's own line."""
        s = due.subject
        if s.kind == CREDENTIAL:
            progress = self._checklist(s.person_id, s.subject_id)
            lines = [f"- {r.label}: {r.needed}" for r in progress.requirements if not r.met] if progress else []
            return "\n".join(lines) or ALL_MET
        code, title = self.titles[(s.kind, s.subject_id)]
        for credential_id in self._credentials_of(s.person_id):
            progress = self._checklist(s.person_id, credential_id)
            for r in progress.requirements if progress else []:
                if r.kind == MODULE_REQUIREMENT and r.code == code:
                    return f"- {r.label}: {r.needed}, again before {format_date(s.on)}"
        return f"- {title}: complete {code} again before {format_date(s.on)}"

    def _credentials_of(self, person_id: int) -> list[int]:
        return sorted(self._credentials[person_id] | set(self._person(person_id).certificates))

    def _person(self, person_id: int) -> PersonRecords:
        if person_id not in self._records:
            self._records[person_id] = load_person_records(self.session, person_id)
        return self._records[person_id]

    def _checklist(self, person_id: int, credential_id: int) -> CredentialProgress | None:
        key = (person_id, credential_id)
        if key not in self._progress:
            if credential_id not in self._rules:
                self._rules[credential_id] = load_rules(self.session, [credential_id]).get(credential_id)
            rules = self._rules[credential_id]
            self._progress[key] = (
                None
                if rules is None
                else compute_person_progress(self.session, person_id, rules, self.today, self._person(person_id))
            )
        return self._progress[key]

"""When each person first met every requirement of a credential.

The day is the judge's (``credtrack.rules.judge.first_met``): a module requirement is first met on
the earliest completion that is not voided and not awaiting verification, a competency requirement
on the earliest sign-off at or above the required level, and a credential on the latest of those
days once every requirement is met. Recurring modules lapsing later and the assessor-profession
minimum do not move this first-achievement date (the judge's status weighs those today).

Everyone's evidence is read once (``progress.stored.EvidenceReader``) and each credential asked about
is judged once, for its candidates only: the people who completed every one of its modules at some
time (a module is the quickest test, so most people are ruled out before any date is read).

The days already judged are read from the first-achievement days projection where it is in step
(``achieved_days``): only the people whose evidence changed since, and credentials whose rules did, are
judged here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from functools import cached_property
from itertools import compress

from sqlalchemy import select
from sqlalchemy.orm import Session

from credtrack.models import Credential
from credtrack.reports.achieved_days import Trusted, trusted
from credtrack.rules.judge import first_met
from credtrack.rules.model import MODULE, PRECEPTING, CredentialRules
from credtrack.services.common import collection_paused
from credtrack.services.progress.person import load_rules
from credtrack.services.progress.stored import PERSON_FILTER_LIMIT, EvidenceReader, StoredEvidence

_ONE_PASS_FROM = 10  # credentials asked about at once: above this, one pass finds everyone's candidates


def _asks_precepting(rules: CredentialRules) -> bool:
    return any(r.kind == PRECEPTING for r in rules.requirements)


def _modules(rules: CredentialRules) -> frozenset[int]:
    return frozenset(r.target_id for r in rules.requirements if r.kind == MODULE)


class Achievements:
    """First-achievement dates for everyone, judged once per credential and answered per (person, credential)."""

    def __init__(self, session: Session, credential_ids: list[int] | None = None, *, stored: bool = True) -> None:
        """``stored=False`` judges every credential for everyone, ignoring the projection."""
        ids = credential_ids if credential_ids is not None else list(session.scalars(select(Credential.id)))
        self._session = session
        self.rules: dict[int, CredentialRules] = load_rules(session, ids)
        self._few: tuple[frozenset[int], EvidenceReader] | None = None  # a few people's evidence, read alone
        self._days: dict[int, dict[int, dt.date]] = {}
        self._earliest: dict[frozenset[int], dict[int, dt.date]] = {}
        self._sample: StoredEvidence | None = None
        self._all_candidates: dict[int, list[int]] | None = None
        self.trusted: Trusted | None = trusted(session, self.rules) if stored else None

    @cached_property
    def evidence(self) -> EvidenceReader:
        """Everyone's evidence, read on first need (not at all when the projection answers everything)."""
        reader = EvidenceReader(self._session)
        # A precepting record is read for a credential's candidates when it is judged; only a credential
        # asking one and no module makes everyone (preceptors with no other evidence too) a candidate.
        if any(_asks_precepting(r) and not _modules(r) for r in self.rules.values()):
            reader.read_precepting(self._session)
        return reader

    @cached_property
    def _judged_here(self) -> dict[int, CredentialRules]:
        """The credentials judged for everyone here: those the projection cannot answer for."""
        kept = self.trusted.credentials if self.trusted is not None else frozenset()
        return {cid: rules for cid, rules in self.rules.items() if cid not in kept}

    @cached_property
    def _people(self) -> list[int]:
        return self.evidence.people()

    def _evidence_of(self, people: list[int]) -> EvidenceReader:
        """A reader holding these people's evidence: everyone's when read already or when they are many."""
        if "evidence" in self.__dict__ or len(people) > PERSON_FILTER_LIMIT:
            return self.evidence
        wanted = frozenset(people)
        if self._few is None or not wanted <= self._few[0]:
            self._few = (wanted, EvidenceReader(self._session, people))
        return self._few[1]

    def days(self, credential_id: int) -> dict[int, dt.date]:
        """Everyone who achieved the credential, with the day (judged once, on first asking)."""
        found = self._days.get(credential_id)
        if found is None:
            rules = self.rules.get(credential_id)
            found = {}
            if rules is not None:
                kept = self.trusted
                if kept is not None and credential_id in kept.credentials:
                    found = kept.days(credential_id)
                    if kept.stale:
                        found.update(self._judged(rules, *self._candidates(rules, kept.stale)))
                else:
                    found = self._judged(rules, *self._candidates(rules))
            self._days[credential_id] = found
        return found

    def days_among(self, credential_id: int, people: list[int]) -> dict[int, dt.date]:
        """Of ``people`` only, who achieved the credential and when (judged, whatever the projection holds)."""
        rules = self.rules.get(credential_id)
        return self._judged(rules, *self._candidates(rules, people)) if rules is not None and people else {}

    def _judged(self, rules: CredentialRules, people: list[int], group: StoredEvidence) -> dict[int, dt.date]:
        with collection_paused():  # a few lists per requirement over many people, none in a cycle
            if _asks_precepting(rules):
                self.evidence.read_precepting(self._session, people)
                group = self.evidence.group(people)
            met = first_met(rules, group)
        return {p: day for p, day in zip(people, met, strict=True) if day is not None}

    def _candidates(self, rules: CredentialRules, among: list[int] | None = None) -> tuple[list[int], StoredEvidence]:
        """The people who could have achieved the credential, with their evidence: those who completed
        every one of its modules at some time (everyone with evidence, for a credential without modules);
        only of ``among`` when given.

        A module is the quickest test. Asked about a few credentials, each is tested on everyone, its
        rarest module first; asked about many, one pass over everyone's completed modules answers for all
        of them. On the records bench (100,000 people) a credential tested alone takes about 40 ms and
        the pass about 0.4 s, hence the limit."""
        modules = frozenset(r.target_id for r in rules.requirements if r.kind == MODULE)
        if among is not None:  # a few people (those the projection cannot answer for): no sample to order by
            group = self._evidence_of(among).group(among)
            for module in sorted(modules):
                holds = group.has_completion(module)
                among, group = list(compress(among, holds)), group.where(holds)
            return among, group
        if len(self._judged_here) > _ONE_PASS_FROM:
            people = self._candidates_of_all()[rules.id]
            return people, self.evidence.group(people)
        people, group = self._people, self.evidence.everyone()
        for module in sorted(modules, key=self._holders):
            holds = group.has_completion(module)
            people, group = list(compress(people, holds)), group.where(holds)
        return people, group

    def _candidates_of_all(self) -> dict[int, list[int]]:
        """``_candidates`` for every credential judged here, from one pass over everyone."""
        if self._all_candidates is not None:
            return self._all_candidates
        modules = {
            cid: frozenset(r.target_id for r in rules.requirements if r.kind == MODULE)
            for cid, rules in self._judged_here.items()
        }
        by_module: dict[int, list[int]] = defaultdict(list)  # each credential under the rarest of its modules
        for cid, mine in modules.items():
            if mine:
                by_module[min(mine, key=self._holders)].append(cid)
        found: dict[int, list[int]] = {cid: ([] if mine else self._people) for cid, mine in modules.items()}
        completed_modules = self.evidence.completed_modules
        for person in self._people:
            done = completed_modules(person)
            for module in done.intersection(by_module):
                for cid in by_module[module]:
                    if modules[cid] <= done:
                        found[cid].append(person)
        self._all_candidates = found
        return found

    def _holders(self, module: int) -> int:
        """How many people in a sample of a thousand completed the module."""
        if self._sample is None:
            self._sample = self.evidence.group(self._people[:: max(1, len(self._people) // 1000)])
        return sum(self._sample.has_completion(module))

    def achieved_on(self, person_id: int, credential_id: int) -> dt.date | None:
        return self.days(credential_id).get(person_id)

    def first_of(self, person_id: int, credential_ids: Collection[int], by: dt.date | None = None) -> dt.date | None:
        """The earliest date on which the person achieved any of ``credential_ids``; with ``by``, only
        achievements on or before that day count."""
        among = frozenset(credential_ids)
        earliest = self._earliest.get(among)
        if earliest is None:
            earliest = self._earliest[among] = {}
            for cid in among:
                for p, day in self.days(cid).items():
                    if p not in earliest or day < earliest[p]:
                        earliest[p] = day
        first = earliest.get(person_id)
        return first if first is not None and (by is None or first <= by) else None

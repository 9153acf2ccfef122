"""IPEC domain coverage: which competency domains each person and cohort has passing sign-offs in."""

from __future__ import annotations

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from credtrack.errors import NotFoundError
from credtrack.models import (
    Assessment,
    Cohort,
    Competency,
    CompetencyDomain,
    Enrolment,
    Framework,
    Person,
    Profession,
    ScaleLevel,
)
from credtrack.reports.tables import ReportTable
from credtrack.services.common import Check, checked, no_check

DEFAULT_FRAMEWORK = "IPEC-2023"
UNDER_ASSESSED_SHARE = 0.5  # a cohort domain where fewer than half the members have a passing sign-off


def _domains(session: Session, framework_code: str) -> tuple[int, list[tuple[int, str, int]]]:
    framework_id = session.scalar(select(Framework.id).where(func.upper(Framework.code) == framework_code.upper()))
    if framework_id is None:
        raise NotFoundError(f"No competency framework with code {framework_code!r}.")
    rows = session.execute(
        select(CompetencyDomain.id, CompetencyDomain.code, func.count(Competency.id))
        .outerjoin(Competency, Competency.domain_id == CompetencyDomain.id)
        .where(CompetencyDomain.framework_id == framework_id)
        .group_by(CompetencyDomain.id, CompetencyDomain.code, CompetencyDomain.sort_order)
        .order_by(CompetencyDomain.sort_order, CompetencyDomain.code)
    ).all()
    return framework_id, [(i, c, n) for i, c, n in rows]


def _covered(framework_id: int):
    """person_id, domain_id, competencies — distinct competencies with a passing, unvoided sign-off."""
    return (
        select(
            Assessment.person_id,
            Competency.domain_id,
            func.count(distinct(Assessment.competency_id)).label("competencies"),
        )
        .join(Competency, Competency.id == Assessment.competency_id)
        .join(ScaleLevel, ScaleLevel.id == Assessment.level_id)
        .where(
            Assessment.voided_at.is_(None),
            Assessment.verification != "pending",
            ScaleLevel.passing.is_(True),
            Competency.framework_id == framework_id,
            Competency.domain_id.is_not(None),
        )
        .group_by(Assessment.person_id, Competency.domain_id)
        .subquery("covered")
    )


def person_coverage(
    session: Session, framework_code: str = DEFAULT_FRAMEWORK, cohort_code: str | None = None, check: Check = no_check
) -> ReportTable:
    """One row per person (enrolled in ``cohort_code`` if given, else everyone active or with sign-offs):
    the share of each domain's competencies signed off at a passing level, and the domains with none."""
    framework_id, domains = _domains(session, framework_code)
    covered = _covered(framework_id)
    counts: dict[int, dict[int, int]] = {}
    for pid, did, n in (
        session.connection().execute(select(covered.c.person_id, covered.c.domain_id, covered.c.competencies)).all()
    ):
        counts.setdefault(pid, {})[did] = n
    people = (
        select(Person.id, Person.external_id, Person.full_name, Profession.name)
        .outerjoin(Profession, Profession.id == Person.profession_id)
        .order_by(Person.external_id)
    )
    if cohort_code:
        people = people.join(Enrolment, Enrolment.person_id == Person.id).join(Cohort, Cohort.id == Enrolment.cohort_id)
        people = people.where(func.upper(Cohort.code) == cohort_code.upper(), Enrolment.status != "withdrawn")
    else:
        people = people.where(Person.status != "archived")
    check()
    rows = []
    for pid, ext, name, profession in checked(session.connection().execute(people).all(), check):
        mine = counts.get(pid, {})
        shares = [round(mine.get(did, 0) / total, 3) if total else None for did, _code, total in domains]
        missing = [code for did, code, total in domains if total and not mine.get(did)]
        rows.append((ext, name, profession, *shares, " ".join(missing)))
    columns = [
        "external_id",
        "name",
        "profession",
        *[f"{code}_coverage" for _d, code, _t in domains],
        "domains_without_sign_off",
    ]
    return ReportTable(f"{framework_code} domain coverage per person", columns, rows)


def cohort_coverage(
    session: Session, framework_code: str = DEFAULT_FRAMEWORK, min_share: float = UNDER_ASSESSED_SHARE
) -> ReportTable:
    """Per cohort and domain: members, members with a passing sign-off in it, mean coverage, and
    whether it is under-assessed (fewer than ``min_share`` of members have any)."""
    framework_id, domains = _domains(session, framework_code)
    covered = _covered(framework_id)
    members = dict(
        session.execute(
            select(Cohort.code, func.count(distinct(Enrolment.person_id)))
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Enrolment.status != "withdrawn")
            .group_by(Cohort.code)
        ).all()
    )
    stmt = (
        select(
            Cohort.code,
            covered.c.domain_id,
            func.count(distinct(covered.c.person_id)),
            func.sum(covered.c.competencies),
        )
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(covered, covered.c.person_id == Enrolment.person_id)
        .where(Enrolment.status != "withdrawn")
        .group_by(Cohort.code, covered.c.domain_id)
    )
    found = {(code, did): (n, int(total or 0)) for code, did, n, total in session.execute(stmt)}
    rows = []
    for code in sorted(members):
        size = members[code]
        for did, domain, total in domains:
            with_any, competencies = found.get((code, did), (0, 0))
            share = round(with_any / size, 3) if size else None
            mean = round(competencies / (size * total), 3) if size and total else None
            rows.append((code, domain, size, with_any, share, mean, share is not None and share < min_share))
    return ReportTable(
        f"{framework_code} domain coverage per cohort",
        [
            "cohort",
            "domain",
            "members",
            "members_with_sign_off",
            "share_with_sign_off",
            "mean_coverage",
            "under_assessed",
        ],
        rows,
    )

"""Outcome metrics for interprofessional onboarding, each computed in SQL and returned as plain rows."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy import String, and_, case, cast, distinct, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from credtrack.errors import ValidationError
from credtrack.models import (
    Assessment,
    Cohort,
    CohortCredential,
    Credential,
    Enrolment,
    Person,
    Profession,
    Unit,
    UnitMembership,
)
from credtrack.reports.achievement import Achievements
from credtrack.reports.sql import ratio
from credtrack.reports.tables import ReportTable
from credtrack.services.common import Check, checked, no_check
from credtrack.services.progress.stored import plain_rows

DIMENSIONS = ("profession", "cohort", "unit")
NOT_RECORDED = "(not recorded)"


def completion(session: Session, by: str = "profession", check: Check = no_check) -> ReportTable:
    """Per group and credential: people assigned, people who achieved it, the share, and days taken.

    People are assigned a credential by an enrolment (not withdrawn) in a cohort working towards
    it; days to credential run from the enrolment date to the date the last requirement was met.
    By unit, each person counts in the unit of their open membership (the unit they are in now).
    """
    if by not in DIMENSIONS:
        raise ValidationError(f"Group completion by one of: {', '.join(DIMENSIONS)}.", field="by")
    unit_names: dict[object, str] = {}  # by unit: unit id -> name
    if by == "cohort":
        assigned = (
            select(
                Enrolment.person_id,
                CohortCredential.credential_id,
                Cohort.code.label("grp"),
                Enrolment.enrolled_on.label("began"),
            )
            .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(Enrolment.status != "withdrawn")
            .subquery("assigned")
        )
    else:
        pairs = (
            select(Enrolment.person_id, CohortCredential.credential_id, func.min(Enrolment.enrolled_on).label("began"))
            .join(CohortCredential, CohortCredential.cohort_id == Enrolment.cohort_id)
            .where(Enrolment.status != "withdrawn")
            .group_by(Enrolment.person_id, CohortCredential.credential_id)
            .subquery("pairs")
        )
        if by == "profession":
            assigned = (
                select(
                    pairs.c.person_id,
                    pairs.c.credential_id,
                    func.coalesce(Profession.name, NOT_RECORDED).label("grp"),
                    pairs.c.began,
                )
                .join(Person, Person.id == pairs.c.person_id)
                .outerjoin(Profession, Profession.id == Person.profession_id)
                .subquery("assigned")
            )
        else:
            # The unit of each person's open membership (at most one, by a unique index on exactly this), read
            # as its id and named below: joining the unit too cost a quarter more on 100,000 people.
            assigned = (
                select(pairs.c.person_id, pairs.c.credential_id, UnitMembership.unit_id.label("grp"), pairs.c.began)
                .outerjoin(
                    UnitMembership,
                    and_(UnitMembership.person_id == pairs.c.person_id, UnitMembership.end_date.is_(None)),
                )
                .subquery("assigned")
            )
            unit_names.update((uid, name) for uid, name in session.execute(select(Unit.id, Unit.name)))
    codes = dict(session.execute(select(Credential.id, Credential.code)).all())
    rows = plain_rows(session, select(assigned.c.grp, assigned.c.credential_id, assigned.c.person_id, assigned.c.began))
    check()
    achievements = Achievements(session, sorted({r[1] for r in rows}))
    groups: dict[tuple[str, int], list] = {}
    achieved = {cid: achievements.days(cid) for cid in {r[1] for r in rows}}  # each judged once, for everyone
    check()
    for grp, cid, pid, began in checked(rows, check):
        entry = groups.get((grp, cid))
        if entry is None:
            entry = groups[(grp, cid)] = [0, []]
        entry[0] += 1
        day = achieved[cid].get(pid)
        if day is not None:
            entry[1].append(max((day - _day(began)).days, 0))
    out = []
    if by == "unit":
        groups = {(unit_names.get(grp, NOT_RECORDED), cid): entry for (grp, cid), entry in groups.items()}
    for (grp, code), (n, days) in sorted(((grp, codes[cid]), entry) for (grp, cid), entry in groups.items()):
        done = len(days)
        mean = _round(sum(days) / done, 1) if done else None
        out.append(
            (
                grp,
                code,
                n,
                done,
                _round(done / n) if n else None,
                mean,
                min(days) if days else None,
                max(days) if days else None,
            )
        )
    return ReportTable(
        f"Completion by {by}",
        [
            by,
            "credential",
            "assigned",
            "achieved",
            "achieved_share",
            "mean_days_to_credential",
            "fewest_days",
            "most_days",
        ],
        out,
    )


@cache
def _day(value) -> dt.date:
    """A date column read without the ORM's type handling (SQLite gives ISO text); days repeat, so each
    is worked out once."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _round(value, places: int = 3):
    return None if value is None else round(float(value), places)


def retention(
    session: Session,
    today: dt.date,
    credential_codes: list[str] | None = None,
    horizons: tuple[int, ...] = (90, 365),
    check: Check = no_check,
) -> ReportTable:
    """Of people with a start date at least H days ago, the share still there at H days, for those who
    achieved an onboarding credential within their first H days versus those who did not.

    Someone is still there at H days when they have no end date or left on or after day H.
    Onboarding credentials are ``credential_codes`` (default: every credential).
    """
    if credential_codes:
        ids = list(session.scalars(select(Credential.id).where(Credential.code.in_(credential_codes))))
        if len(ids) != len(set(credential_codes)):
            raise ValidationError("Unknown credential code among: " + ", ".join(credential_codes), field="credential")
    else:
        ids = list(session.scalars(select(Credential.id)))
    achievements = Achievements(session, ids)
    check()
    counts = [[0, 0, 0, 0] for _ in horizons]  # per horizon: completed, still there; did not, still there

    @cache
    def reached(start) -> tuple[tuple[tuple[int, dt.date], ...], dt.date | None]:
        """(horizon index, day) of each horizon already reached by someone who started on ``start``, and the
        last of those days; people share start days, so each is worked out once."""
        start_day = _day(start)
        marks = tuple((i, mark) for i, h in enumerate(horizons) if (mark := start_day + dt.timedelta(days=h)) <= today)
        return marks, max((mark for _i, mark in marks), default=None)

    first_of, among = achievements.first_of, set(ids)
    people = plain_rows(
        session, select(Person.id, Person.start_date, Person.end_date).where(Person.start_date.is_not(None))
    )
    for pid, start, end in checked(people, check):
        marks, last = reached(start)
        if not marks:
            continue  # too recent for any horizon
        first_on = first_of(pid, among, by=last)  # achievements after the last horizon reached change no count
        end_day = _day(end) if end is not None else None
        for i, mark in marks:
            j = 0 if first_on is not None and first_on <= mark else 2
            counts[i][j] += 1
            counts[i][j + 1] += end_day is None or end_day >= mark
    rows = []
    for i, horizon in enumerate(horizons):
        for j, group_name in enumerate(("completed onboarding", "did not complete")):
            people_n, still = counts[i][2 * j], counts[i][2 * j + 1]
            rows.append((horizon, group_name, people_n, still, round(still / people_n, 3) if people_n else None))
    return ReportTable("Retention after onboarding", ["days", "group", "people", "still_there", "retention"], rows)


def interprofessionality(session: Session) -> ReportTable:
    """Per learner with sign-offs: how many, from how many assessors and how many assessor professions."""
    learner = aliased(Person)
    own = learner.profession_id
    other = case(
        (
            and_(
                Assessment.assessor_profession_id.is_not(None),
                or_(own.is_(None), Assessment.assessor_profession_id != own),
            ),
            Assessment.assessor_profession_id,
        ),
        else_=None,
    )
    assessor = case(
        (Assessment.assessor_person_id.is_not(None), literal("p:") + cast(Assessment.assessor_person_id, String)),
        else_=literal("n:") + func.lower(Assessment.assessor_name),
    )
    # Counted per person first (in person order, without sorting), then joined to the names.
    per = (
        select(
            Assessment.person_id,
            func.count(Assessment.id).label("n"),
            func.count(distinct(assessor)).label("assessors"),
            func.count(distinct(Assessment.assessor_profession_id)).label("professions"),
            func.count(distinct(other)).label("others"),
        )
        .join(learner, learner.id == Assessment.person_id)
        .where(Assessment.voided_at.is_(None), Assessment.verification != "pending")
        .group_by(Assessment.person_id)
        .subquery("per")
    )
    stmt = (
        select(
            Person.external_id,
            Person.full_name,
            func.coalesce(Profession.name, NOT_RECORDED),
            Person.unit,
            per.c.n,
            per.c.assessors,
            per.c.professions,
            per.c.others,
        )
        .select_from(per)
        .join(Person, Person.id == per.c.person_id)
        .outerjoin(Profession, Profession.id == Person.profession_id)
        .order_by(Person.external_id)
    )
    return ReportTable(
        "Interprofessional sign-offs per learner",
        [
            "external_id",
            "name",
            "profession",
            "unit",
            "sign_offs",
            "assessors",
            "assessor_professions",
            "other_professions",
        ],
        [tuple(r) for r in session.connection().execute(stmt).all()],
    )


def interprofessionality_summary(session: Session) -> ReportTable:
    """Per learner profession: learners with sign-offs, mean distinct assessor professions, share with 2 or more."""
    per = (
        select(Assessment.person_id, func.count(distinct(Assessment.assessor_profession_id)).label("n"))
        .where(Assessment.voided_at.is_(None), Assessment.verification != "pending")
        .group_by(Assessment.person_id)
        .subquery("per")
    )
    two = func.sum(case((per.c.n >= 2, 1), else_=0))
    name = func.coalesce(Profession.name, NOT_RECORDED)
    stmt = (
        select(name, func.count(), func.avg(per.c.n), ratio(two, func.count()))
        .select_from(per)
        .join(Person, Person.id == per.c.person_id)
        .outerjoin(Profession, Profession.id == Person.profession_id)
        .group_by(name)
        .order_by(name)
    )
    rows = [(p, n, _round(avg, 2), _round(share)) for p, n, avg, share in session.execute(stmt)]
    return ReportTable(
        "Interprofessional sign-offs by profession",
        ["profession", "learners", "mean_assessor_professions", "share_with_2_or_more"],
        rows,
    )

"""First-achievement dates read from the evidence texts agree with a plain SQL statement of the rule."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text, update

from credtrack import demo
from credtrack.models import Assessment, Completion, Credential, Person, evidence
from credtrack.reports.achievement import Achievements

# The rule written the direct way: earliest qualifying evidence per requirement, achieved on the
# latest of those once every requirement of the credential has some.
REFERENCE = """
WITH met AS (
  SELECT c.person_id, r.credential_id, r.id AS requirement_id, min(c.completed_on) AS met_on
  FROM completion c JOIN credential_requirement r ON r.module_id = c.module_id
  WHERE c.voided_at IS NULL AND c.verification <> 'pending'
  GROUP BY c.person_id, r.credential_id, r.id
  UNION ALL
  SELECT a.person_id, r.credential_id, r.id, min(a.assessed_on)
  FROM assessment a JOIN credential_requirement r ON r.competency_id = a.competency_id AND r.scale_id = a.scale_id
  JOIN scale_level l ON l.id = a.level_id JOIN scale_level m ON m.id = r.min_level_id
  WHERE a.voided_at IS NULL AND l.rank >= m.rank
  GROUP BY a.person_id, r.credential_id, r.id),
totals AS (SELECT credential_id, count(*) AS total FROM credential_requirement GROUP BY credential_id)
SELECT met.person_id, met.credential_id, max(met.met_on)
FROM met JOIN totals ON totals.credential_id = met.credential_id
GROUP BY met.person_id, met.credential_id, totals.total
HAVING count(met.requirement_id) >= totals.total
"""


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def test_achievement_dates_match_the_rule_for_everyone_in_a_demo(db) -> None:
    demo.load_demo(db, 60, today=dt.date(2026, 6, 15))
    with db.unit_of_work() as uow:
        for model in (Completion, Assessment):
            uow.session.execute(
                update(model)
                .where(model.id % 13 == 0)
                .values(voided_at=dt.datetime(2026, 5, 1), void_reason="Entered in error")
            )
        evidence.rebuild(uow.session.connection())  # voided behind the services' back: re-pack as they would
        uow.commit()
    with db.unit_of_work() as uow:
        s = uow.session
        expected = {(p, c): _day(d) for p, c, d in s.execute(text(REFERENCE))}
        people = list(s.scalars(select(Person.id)))
        credentials = list(s.scalars(select(Credential.id)))
        found = Achievements(s)
        got = {(p, c): found.achieved_on(p, c) for p in people for c in credentials}
        assert {k: v for k, v in got.items() if v is not None} == expected
        assert len(expected) >= 5  # the demo really has achievements to compare
        for p in people:
            mine = [d for (q, _c), d in expected.items() if q == p]
            assert found.first_of(p, credentials) == (min(mine) if mine else None)

"""Writing an import plan: rows stored exactly as SQLAlchemy stores them, defaults filled, ids in file order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, insert, select, text

from credtrack.importing.plan import Plan
from credtrack.importing.writer import write_plan
from credtrack.models import Completion, PersonEvidence
from tests.unit.data.conftest import seed

RAW = (
    "SELECT person_id, completed_on, evidence, source, verification, version, typeof(recorded_at), "
    "length(recorded_at), typeof(updated_at), length(updated_at), voided_at FROM completion WHERE id = :id"
)


def _plan(seeded, modules: list[str], day: dt.date) -> Plan:
    person = next(iter(seeded.people.values()))
    plan = Plan(kind="completions", constants={"source": "import", "recorded_by_id": None, "version": 1})
    plan.inserts = [{"person_id": person, "module_id": seeded.modules[m], "completed_on": day} for m in modules]
    return plan


def test_rows_are_stored_as_sqlalchemy_stores_them(sqlite_db):
    seeded = seed(sqlite_db)
    first, second = list(seeded.modules)[:2]
    day = dt.date(2026, 3, 9)
    with sqlite_db.unit_of_work() as uow:
        (written,) = write_plan(uow.session, _plan(seeded, [first], day))
        plan = _plan(seeded, [second], day)
        uow.session.execute(insert(Completion).values(plan.constants), plan.inserts)  # SQLAlchemy's own way
        through_sqlalchemy = uow.session.scalar(
            select(Completion.id).where(Completion.module_id == seeded.modules[second])
        )
        uow.commit()
        raw = uow.session.connection()
        mine, theirs = (raw.execute(text(RAW), {"id": i}).one() for i in (written, through_sqlalchemy))
    assert mine == theirs
    assert mine[1] == "2026-03-09" and mine[4] == "not_required" and mine[6:8] == ("text", 26)


def test_new_ids_follow_file_order_and_evidence_keeps_step(db, seeded):
    modules = list(seeded.modules)
    plan = _plan(seeded, modules, dt.date(2026, 3, 9))
    plan.inserts[1]["evidence"] = "Certificate of attendance"  # one row with a column the others leave out
    with db.unit_of_work() as uow:
        ids = write_plan(uow.session, plan)
        uow.commit()
    with db.unit_of_work() as uow:
        s = uow.session
        stored = {c.id: c for c in s.scalars(select(Completion).where(Completion.id.in_(ids)))}
        assert [stored[i].module_id for i in ids] == [seeded.modules[m] for m in modules]
        assert [stored[i].evidence for i in ids] == ["", "Certificate of attendance", ""][: len(ids)]
        assert all(c.version == 1 and c.source == "import" and c.recorded_at is not None for c in stored.values())
        person = next(iter(seeded.people.values()))
        packed = s.scalar(select(PersonEvidence.completions).where(PersonEvidence.person_id == person))
        assert all(f",{seeded.modules[m]}:2026-03-09," in packed for m in modules)


def test_every_row_the_same_shape_goes_through_one_executemany(sqlite_db):
    seeded = seed(sqlite_db)
    plan = _plan(seeded, list(seeded.modules), dt.date(2026, 3, 9))
    statements: list[str] = []

    @event.listens_for(sqlite_db.engine, "before_cursor_execute")
    def seen(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if statement.startswith("INSERT INTO completion"):
            statements.append(statement)

    with sqlite_db.unit_of_work() as uow:
        write_plan(uow.session, plan)
        uow.commit()
    assert len(statements) == 1

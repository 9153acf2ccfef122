"""An import vouches for the rows it inserted from the values it stored, and the log then agrees with a re-read."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, text

from credtrack.importing import ImportOptions, run_import
from credtrack.importing.plan import Plan
from credtrack.importing.writer import write_plan
from credtrack.models import AuditRecordState, Completion
from credtrack.services.audit import log as audit
from credtrack.services.audit import record_check, record_state
from tests.unit.data.conftest import EDUCATOR, SIGNER_PASSWORD

PEOPLE = (
    "external_id,full_name,email,profession,unit,start_date,end_date,status\n"
    'N001,Nguyễn Văn "Bảo",bao@example.org,NURS,4 West,2024-02-01,,\n'
    "N002,Siobhán Ó Gráda,,MED,,,2024-01-31,\n"
    "N003,Zoë Back\\slash,,,ICU,2023-12-31,2025-06-30,inactive\n"
)
COMPLETIONS = (
    "external_id,module,completed_on,evidence\n"
    "P001,SIM-201,2024-02-10,\n"
    "P002,IPE-101,2024-02-11,Certificate №7 “attached”\n"
    "P003,IPE-101,2024-02-12,\n"
)
SIGNOFFS = (
    "External ID,Competency,Scale,Level,Assessed on,Assessor ID,Assessor name,Method\n"
    "P001,RR1,ENTRUST5,3,2024-02-15,R001,,direct observation\n"
    "P002,TT1,METNOT,M,2024-02-16,,Dana Visiting,\n"
)
KINDS = {
    "people": ("person", PEOPLE),
    "completions": ("completion", COMPLETIONS),
    "assessments": ("assessment", SIGNOFFS),
}


def _import(db, actor, kind: str, path, **options):
    signed = kind == "assessments"
    return run_import(
        db.unit_of_work(),
        actor,
        kind,
        path,
        remembered={},
        remember=False,
        attestation_accepted=signed,
        password=SIGNER_PASSWORD if signed else None,
        options=ImportOptions(**options),
    ).value


def _read_back(db) -> list[str]:
    """Statements that read tracked rows back by id, as sealing does for rows nobody vouched for."""
    seen: list[str] = []

    def spy(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and " WHERE id " in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    return seen


@pytest.mark.parametrize("kind", list(KINDS))
def test_imported_rows_are_vouched_for_as_a_re_read_gives_them(db, seeded, signer, tmp_path, kind):
    table, content = KINDS[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_text(content, encoding="utf-8")
    read_back = _read_back(db)
    report = _import(db, signer, kind, path, historical=True)
    assert report.inserted == content.count("\n") - 1
    assert [s for s in read_back if f"FROM {table} " in s] == []  # handed over, not read back
    with db.unit_of_work() as uow:
        s = uow.session
        kept = dict(
            s.execute(
                select(AuditRecordState.entity_id, AuditRecordState.digest).where(
                    AuditRecordState.event_id == report.audit_event_id, AuditRecordState.entity_type == table
                )
            ).all()
        )
        assert len(kept) == report.inserted
        assert kept == record_state.current_digests(s, table, kept)
        # The seeded catalog and roster were written without events; the imported rows must all agree.
        findings = [f for f in record_check.check(s).findings if f.kind == table and f.record_id in kept]
    assert findings == []


def test_an_imported_row_edited_or_deleted_afterwards_is_named(db, seeded, tmp_path):
    path = tmp_path / "completions.csv"
    path.write_text(COMPLETIONS, encoding="utf-8")
    _import(db, EDUCATOR, "completions", path)
    with db.unit_of_work() as uow:
        first, second, third = uow.session.scalars(select(Completion.id).order_by(Completion.id)).all()
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE completion SET completed_on = completed_on - 1 WHERE id = :i"
                if db.engine.dialect.name == "postgresql"
                else "UPDATE completion SET completed_on = '2024-02-09' WHERE id = :i"
            ),
            {"i": first},
        )
        conn.execute(text("UPDATE completion SET verification = 'verified' WHERE id = :i"), {"i": second})
        conn.execute(text("DELETE FROM completion WHERE id = :i"), {"i": third})
    with db.unit_of_work() as uow:
        found = [(f.record_id, f.what) for f in record_check.check(uow.session).findings if f.kind == "completion"]
    assert found == [(first, "changed"), (second, "changed"), (third, "deleted")]


def _plan(seeded, **constants) -> Plan:
    plan = Plan(
        kind="completions",
        constants={
            "source": "import",
            "recorded_by_id": None,
            "version": 1,
            "recorded_at": dt.datetime(2026, 3, 9, 8, 30),
            **constants,
        },
    )
    people = list(seeded.people.values())
    plan.inserts = [
        {"person_id": people[0], "module_id": seeded.modules["IPE-101"], "completed_on": dt.date(2024, 3, 1)},
        {
            "person_id": people[1],
            "module_id": seeded.modules["IPE-101"],
            "completed_on": dt.date(2024, 3, 2),
            "evidence": "Sheet 4",
        },
    ]
    return plan


def _vouched_as_stored(db, ids: list[int]) -> bool:
    with db.unit_of_work() as uow:
        s = uow.session
        kept = dict(
            s.execute(
                select(AuditRecordState.entity_id, AuditRecordState.digest).where(
                    AuditRecordState.entity_type == "completion", AuditRecordState.entity_id.in_(ids)
                )
            ).all()
        )
        findings = [f for f in record_check.check(s).findings if f.kind == "completion"]
        return kept == record_state.current_digests(s, "completion", ids) and findings == []


def _write_and_record(db, plan: Plan, after=None) -> list[int]:
    with db.unit_of_work() as uow:
        ids = write_plan(uow.session, plan)
        if after is not None:
            after(uow.session, ids)
        audit.record(uow.session, EDUCATOR, "import.completions", "import", "test", after={"ids": ids})
        uow.commit()
    return ids


def test_values_whose_stored_form_differs_are_read_back_and_still_agree(db, seeded):
    aware = dt.datetime(2026, 3, 9, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    with db.unit_of_work() as uow:
        connection = uow.session.connection()
        assert (
            record_state.inserted_digests(connection, "completion", _plan(seeded).inserts, _plan(seeded).constants)
            is not None
        )
        assert (
            record_state.inserted_digests(
                connection, "completion", _plan(seeded).inserts, _plan(seeded, recorded_at=aware).constants
            )
            is None
        )
        assert (
            record_state.inserted_digests(
                connection, "completion", _plan(seeded).inserts, _plan(seeded, recorded_by_id=True).constants
            )
            is None
        )
        assert record_state.inserted_digests(connection, "completion", [{"completed_on": "2024-03-01"}]) is None
    ids = _write_and_record(db, _plan(seeded, recorded_at=aware))
    assert _vouched_as_stored(db, ids)


def test_a_row_changed_after_it_was_handed_over_is_vouched_for_as_it_ends(db, seeded):
    def edit(session, ids):
        session.get(Completion, ids[0]).evidence = "Corrected before commit"
        session.flush()
        record_state.touch(session, "completion", [ids[1]])
        session.execute(text("UPDATE completion SET evidence = 'Core edit' WHERE id = :i"), {"i": ids[1]})

    ids = _write_and_record(db, _plan(seeded), edit)
    with db.unit_of_work() as uow:
        assert [uow.session.get(Completion, i).evidence for i in ids] == ["Corrected before commit", "Core edit"]
    assert _vouched_as_stored(db, ids)


def test_digests_made_a_value_at_a_time_are_those_of_the_whole_row():
    awkward = [
        "",
        "plain",
        'quote " and \\ backslash',
        "line\nbreak\ttab",
        "\u2028\u2029",
        "Nguyễn 😀 ½",
        "\ufeff\x7f",
        0,
        -1,
        2**70,
        None,
        True,
        False,
        dt.date(1900, 1, 1),
        dt.datetime(2026, 3, 9, 8, 30),
        dt.datetime(2026, 3, 9, 8, 30, 0, 7),
    ]
    for start in range(len(awkward)):
        row = awkward[start:] + awkward[:start]
        assert record_state._digest_encoded([record_state._ENCODE(v) for v in row]) == record_state.digest(row)

"""Hostile input: what a user can type, paste or hand over that is accepted and only fails later.

Each case goes through ``credtrack-cli`` (in this process, so an exception that escapes the
command is caught and counted) against a small world on each backend:

- control characters (NUL, ESC, BEL, SOH) in typed names and in import cells, the NUL on
  PostgreSQL too: refused with a message naming the field or row, nothing written;
- a name stored with a control character by an older version: CSV and XLSX exports complete;
- a 60-letter name in a four-byte script: the whole cohort is issued, and a revoked copy reprints;
- framework files that are not what they claim (a 200 000-character field, a row with more values
  than the header, a NUL, a binary file, a JSON list, Latin-1 JSON);
- revocation lists and key files that are not UTF-8, not JSON, a JSON list or empty;
- output folders that cannot be made (under a file) for issue, issue-cohort, reprint and export.

A case survives when the command ends as the target says: done (exit 0 and the files there), or
refused with a message of its own (a non-zero exit, words saying what is wrong, no traceback) and
nothing written — no new rows, no new files.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backends import backends, fresh_database
from common import Outcome, TrialContext, put
from sqlalchemy import func, select, text, update

TRIAL = "hostile_input"
# 60 letters of four bytes each in a script the certificate fonts draw (Deseret): 240 bytes of name.
FOUR_BYTE_NAME = "𐐀𐐨𐑍𐑎𐑏" * 12
HEADER = "External ID,Full name,Email,Profession,Unit,Start date"


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]
    done: bool  # True: must succeed; False: must be refused with a message
    words: str = ""  # what the refusal (standard error) or the output must say
    check: Callable[[], bool] | None = None  # anything else that must hold afterwards


@dataclass
class Ran:
    code: int
    out: str
    err: str
    escaped: str  # the traceback of an exception that escaped the command, or ""


def _cli(url: str, argv: list[str]) -> Ran:
    from credtrack.cli import main

    out, err = io.StringIO(), io.StringIO()
    escaped = ""
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--database-url", url, *argv])
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:  # noqa: BLE001 - counted as a crash, not hidden
            code, escaped = -1, traceback.format_exc()
    return Ran(code, out.getvalue(), err.getvalue(), escaped)


def _counts(db) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    from credtrack.models import Certificate, Completion, ExternalRevocation, Framework, Person

    with db.unit_of_work() as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Person, Completion, Certificate, ExternalRevocation, Framework)
        )


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*")) if folder.exists() else set()


def _world(url: str):  # type: ignore[no-untyped-def]
    """The certificate world of the tests: a cohort 2026-JAN with eligible people, one of them named in a
    four-byte script; the schema stamped current, as ``init`` leaves it."""
    from credtrack import migrations
    from credtrack.db import Database
    from credtrack.models import Base
    from tests.integration.test_certificate_world import build_world

    db = Database(url)
    Base.metadata.create_all(db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": migrations.HEAD})
    build_world(db, names=(FOUR_BYTE_NAME, "Ana Lopez", "Nguyễn Thị Minh Khai"))
    return db


def _files_for(work: Path) -> dict[str, Path]:
    """Every hostile file the cases hand over, written once."""

    good_rows = [f"H{i:04},Good Person {i},p{i}@example.org,,Ward {i % 7},2024-01-08" for i in range(200)]
    return {
        "nul people": put(
            work, "people-nul.csv", "\n".join([HEADER, *good_rows, "X0001,Ben\x00 Okafor,,,ICU,2024-01-08"])
        ),
        "esc people": put(work, "people-esc.csv", "\n".join([HEADER, *good_rows[:5], "X0002,Cleo,,,\x1b[1mICU,"])),
        "bel completions": put(
            work, "completions.csv", "External ID,Module,Completed on\nE0002,IPE\x07-101,2025-12-01\n"
        ),
        "huge field": put(work, "huge.csv", "code,label,description\nA1,Thing," + "x" * 200_000 + "\n"),
        "extra values": put(work, "extra.csv", "code,label\nA1,Thing,Okafor, Ben\n"),
        "nul label": put(work, "nul.csv", "code,label\nA1,Th\x00ing\n"),
        "binary csv": put(work, "binary.csv", bytes(range(256)) * 40),
        "json list": put(work, "list.json", json.dumps([{"code": "A1", "label": "Thing"}])),
        "latin-1 json": put(work, "latin1.json", '{"name": "Compétences", "competencies": [}'.encode("latin-1")),
        "latin-1 list": put(work, "latin1.ctrl", "liste révoquée".encode("latin-1")),
        "garbage list": put(work, "garbage.ctrl", "not a revocation list at all\n"),
        "empty list": put(work, "empty.ctrl", ""),
        "jwks list": put(work, "keys-list.json", json.dumps([{"kty": "EC", "crv": "P-256"}])),
        "latin-1 jwks": put(work, "keys-latin1.json", '{"keys": "clé"}'.encode("latin-1")),
        "mapping list": put(work, "mapping.json", json.dumps(["external_id", "Badge"])),
        "blocker": put(work, "a-file", "not a folder"),
    }


def _cases(db, work: Path, files: dict[str, Path]) -> tuple[list[Case], Callable[[], str]]:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from credtrack.models import Certificate, Person

    blocked = files["blocker"] / "out"  # a folder that cannot be made: its parent is a file
    exports = work / "exports"
    exports.mkdir()
    cohort_out = work / "cohort"
    reprints = work / "reprints"

    def stored_control_character() -> None:
        with db.unit_of_work() as uow:
            uow.session.execute(
                update(Person).where(Person.external_id == "E0003").values(full_name="Nguyễn\x01 Thị\x1b[0m Minh")
            )
            uow.commit()

    def workbook_opens() -> bool:
        rows = list(load_workbook(exports / "people.xlsx", read_only=True).active.iter_rows(values_only=True))
        return any("Nguyễn\ufffd Thị\ufffd[0m Minh" in (cell or "") for row in rows for cell in row)

    def whole_cohort() -> bool:
        with db.unit_of_work() as uow:
            names = set(uow.session.scalars(select(Certificate.holder_name)))
        pdfs = [p for p in cohort_out.glob("CT-*.pdf")]
        return FOUR_BYTE_NAME in names and len(pdfs) >= 3 and all(len(p.name.encode()) <= 255 for p in pdfs)

    def four_byte_code() -> str:
        with db.unit_of_work() as uow:
            return uow.session.scalar(select(Certificate.code).where(Certificate.holder_name == FOUR_BYTE_NAME))

    def reprinted() -> bool:
        return any(p.name.endswith("-COPY.pdf") for p in reprints.glob("*.pdf"))

    stored_control_character()
    control = "control character"
    return [
        Case("people add: ESC in a name", ["people", "add", "X0100", "Minh \x1b[31mred"], False, control),
        Case("people add: BEL in an external id", ["people", "add", "X\x07101", "Ana Lopez"], False, control),
        Case(
            "people add: SOH in a unit", ["people", "add", "X0102", "Ana Lopez", "--unit", "4\x01West"], False, control
        ),
        Case(
            "import people, dry run: a NUL in row 202 of 202",
            ["import", "people", str(files["nul people"]), "--dry-run"],
            False,
            "problem",
        ),
        Case(
            "import people: a NUL in row 202 of 202",
            ["import", "people", str(files["nul people"])],
            False,
            control,
            lambda: True,
        ),
        Case("import people: an ESC in a unit", ["import", "people", str(files["esc people"])], False, control),
        Case(
            "import completions: a BEL in a module code",
            ["import", "completions", str(files["bel completions"])],
            False,
            control,
        ),
        Case(
            "import: a mapping file holding a JSON list",
            ["import", "people", str(files["esc people"]), "--mapping", str(files["mapping list"])],
            False,
            "mapping",
        ),
        Case(
            "export people (CSV), a stored name with SOH and ESC",
            ["export", "people", "--out", str(exports / "people.csv")],
            True,
            "",
        ),
        Case(
            "export people (XLSX), a stored name with SOH and ESC",
            ["export", "people", "--out", str(exports / "people.xlsx")],
            True,
            "",
            workbook_opens,
        ),
        Case(
            "export into a folder that cannot be made",
            ["export", "people", "--out", str(blocked / "p.xlsx")],
            False,
            str(files["blocker"].name),
        ),
        Case(
            "issue-cohort into a folder that cannot be made",
            ["issue-cohort", "2026-JAN", "--out", str(blocked), "--workers", "1"],
            False,
            files["blocker"].name,
        ),
        Case(
            "issue into a folder that cannot be made",
            ["issue", "--person", "E0002", "--credential", "IPC-FOUND", "--out", str(blocked)],
            False,
            files["blocker"].name,
        ),
        Case(
            "issue-cohort with a 60-letter four-byte-script name",
            ["issue-cohort", "2026-JAN", "--out", str(cohort_out), "--workers", "1"],
            True,
            "",
            whole_cohort,
        ),
        Case(
            "revoke the four-byte-script name's certificate",
            ["revoke", "@four-byte", "--reason", "Issued in error"],
            True,
            "",
        ),
        Case("reprint it as a marked copy", ["reprint", "@four-byte", "--out", str(reprints)], True, "", reprinted),
        Case(
            "reprint into a folder that cannot be made",
            ["reprint", "@four-byte", "--out", str(blocked)],
            False,
            files["blocker"].name,
        ),
        Case(
            "framework CSV with a 200 000-character field",
            ["framework", "import", str(files["huge field"])],
            False,
            "cannot be read as CSV",
        ),
        Case(
            "framework CSV with more values than the header",
            ["framework", "import", str(files["extra values"])],
            False,
            "double quotes",
        ),
        Case("framework CSV with a NUL", ["framework", "import", str(files["nul label"])], False, control),
        Case("framework CSV that is a binary file", ["framework", "import", str(files["binary csv"])], False, ""),
        Case("framework JSON holding a list", ["framework", "import", str(files["json list"])], False, "competencies"),
        Case("framework JSON in Latin-1", ["framework", "import", str(files["latin-1 json"])], False, "JSON"),
        Case("revocation list in Latin-1", ["revocations", "import", str(files["latin-1 list"])], False, "UTF-8"),
        Case("revocation list that is not one", ["revocations", "import", str(files["garbage list"])], False, ""),
        Case("revocation list that is empty", ["revocations", "import", str(files["empty list"])], False, ""),
        Case(
            "revocation list with a key file holding a JSON list",
            ["revocations", "import", str(files["garbage list"]), "--jwks", str(files["jwks list"])],
            False,
            '"keys" list',
        ),
        Case(
            "verify with a key file holding a JSON list",
            ["verify", "CT1:XYZ", "--jwks", str(files["jwks list"])],
            False,
            '"keys" list',
        ),
        Case(
            "verify with a key file in Latin-1",
            ["verify", "CT1:XYZ", "--jwks", str(files["latin-1 jwks"])],
            False,
            "UTF-8",
        ),
    ], four_byte_code


def _one_backend(ctx: TrialContext, backend: str) -> Outcome:
    from credtrack.cli.certificates import VERIFY_EXIT_CODES

    work = ctx.work / backend
    work.mkdir()
    home = work / "home"
    saved = {k: os.environ.get(k) for k in ("CREDTRACK_HOME", "CREDTRACK_USER", "CREDTRACK_PASSWORD")}
    os.environ.update(CREDTRACK_HOME=str(home), CREDTRACK_USER="admin", CREDTRACK_PASSWORD="correct horse 42")
    failures, survived = [], 0
    try:
        with fresh_database(ctx, backend, "hostile") as url:
            db = _world(url)
            try:
                files = _files_for(work)
                cases, four_byte_code = _cases(db, work, files)
                for case in cases:
                    argv = [four_byte_code() or "CT-NONE" if a == "@four-byte" else a for a in case.argv]
                    before, before_files = _counts(db), _files(work)
                    ran = _cli(url, argv)
                    ok, why = _judge(
                        case, ran, before, _counts(db), _files(work) - before_files, set(VERIFY_EXIT_CODES.values())
                    )
                    survived += ok
                    if not ok:
                        failures.append(f"{case.name}: {why}")
            finally:
                db.dispose()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    detail = f"{len(cases) - survived} failed" + (": " + "; ".join(failures) if failures else "")
    return Outcome(
        TRIAL,
        backend,
        "typed, pasted and handed-over input that used to fail later",
        len(cases),
        survived,
        "done, or refused with a message and nothing written; no traceback",
        detail,
    )


def _judge(
    case: Case, ran: Ran, before: tuple[int, ...], after: tuple[int, ...], new_files: set[Path], verdict_codes: set[int]
) -> tuple[bool, str]:
    said = ran.err + ran.out
    if ran.escaped or "Traceback" in said:
        last = (ran.escaped or said).strip().splitlines()[-1]
        return False, f"traceback ({last[:160]})"
    if case.done:
        if ran.code != 0:
            return False, f"exit {ran.code}: {ran.err.strip()[-160:]}"
        if case.check is not None and not case.check():
            return False, "finished, but not as it should have"
        return True, ""
    if case.check is not None and not case.check():
        return False, f"refused, but not as it should be: {said.strip()[:160]}"
    if ran.code == 0 or ran.code in verdict_codes:
        return False, f"accepted (exit {ran.code})"
    if case.words and case.words.lower() not in said.lower():
        return False, f"message does not say {case.words!r}: {said.strip()[:160]}"
    if not ran.err.strip():
        return False, "refused without a message"
    if after != before or new_files:
        return False, f"half-written: rows {before} -> {after}, {len(new_files)} new file(s)"
    return True, ""


def run(ctx: TrialContext) -> list[Outcome]:
    return [_one_backend(ctx, backend) for backend in backends(ctx)]

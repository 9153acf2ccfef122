"""The catalog educators define: frameworks imported from files, modules, credential requirements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credtrack.errors import DuplicateError, NotFoundError, ValidationError
from credtrack.services import catalog, frameworks
from credtrack.services.catalog import RequirementSpec
from tests.unit.records.builders import build_world, complete, credential, signoff, snapshot
from tests.unit.records.progress_check import progress_of


def test_a_framework_imports_from_a_spreadsheet_csv(db, tmp_path: Path) -> None:
    w = build_world(db)
    path = tmp_path / "Palliative care.csv"
    path.write_bytes(
        "\ufeffdomain;code;label;description\nCOM;PC1;Breaking bad news;Délicatement\n"
        "COM;PC2;Family meetings;\nETH;PC3;Goals of care;\n".encode()
    )
    row = frameworks.import_framework(w.uow(), w.educator, path, code="PALL").value
    assert (row.code, row.name, row.competency_count) == ("PALL", "Palliative care", 3)
    assert [(d.code, [c.code for c in d.competencies]) for d in row.domains] == [
        ("COM", ["PC1", "PC2"]),
        ("ETH", ["PC3"]),
    ]
    assert [c.description for c in frameworks.list_competencies(w.uow(), w.viewer, "PALL")][0] == "Délicatement"
    # The new competencies can be signed off and required at once.
    cid = credential(w, "PALL-1", competencies=(("PC1", "ENTRUST5", "3"),))
    signoff(w, "PC1", "3", "2026-03-01")
    assert progress_of(w, cid).status == "eligible"


def test_a_framework_imports_from_json_and_its_code_must_be_new(db, tmp_path: Path) -> None:
    w = build_world(db)
    path = tmp_path / "fw.json"
    path.write_text(
        json.dumps(
            {
                "code": "MINI",
                "name": "Mini",
                "domains": [{"code": "A", "name": "Alpha"}],
                "competencies": [{"code": "A1", "label": "First", "domain": "A"}],
            }
        ),
        "utf-8",
    )
    assert frameworks.import_framework(w.uow(), w.educator, path).value.competency_count == 1
    before = snapshot(db)
    with pytest.raises(DuplicateError, match="framework with code 'MINI' already exists"):
        frameworks.import_framework(w.uow(), w.educator, path)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,title\nX1,Something\n", r"needs the columns code and label \(missing: label\)"),
        ("code,label\nX1,\n", r"row 2: code and label are both required"),
        ("code,label\nX1,One\nX1,Again\n", r"competency code X1 appears twice"),
    ],
)
def test_a_bad_framework_file_is_refused_whole(db, tmp_path: Path, content: str, message: str) -> None:
    w = build_world(db)
    path = tmp_path / "bad.csv"
    path.write_text(content, "utf-8")
    before = snapshot(db)
    with pytest.raises(ValidationError, match=message):
        frameworks.import_framework(w.uow(), w.educator, path)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "X", "name": "X", "competencies": ["A1", "A2"]}, r"competency 1 is not an object"),
        (
            {"code": "X", "name": "X", "competencies": [{"code": 5, "label": "Five"}]},
            r"competency 1 has a code that is not text",
        ),
        ({"code": "X", "name": "X", "domains": "VE", "competencies": [{"code": "A1", "label": "A"}]}, r"must be lists"),
        ({"code": "X", "name": "X", "domains": [["VE"]], "competencies": []}, r"domain 1 is not an object"),
    ],
)
def test_a_malformed_framework_json_is_refused_with_a_message(db, tmp_path: Path, data: dict, message: str) -> None:
    w = build_world(db)
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data), "utf-8")
    before = snapshot(db)
    with pytest.raises(ValidationError, match=message):
        frameworks.import_framework(w.uow(), w.educator, path)
    assert snapshot(db) == before


def test_module_validity_and_hours_are_checked(db) -> None:
    w = build_world(db)
    before = snapshot(db)
    with pytest.raises(ValidationError, match="between 1 and 600 months"):
        catalog.create_module(w.uow(), w.educator, code="X", title="X", validity_months=-3)
    with pytest.raises(ValidationError, match="Contact hours 'two' is not a number"):
        catalog.create_module(w.uow(), w.educator, code="X", title="X", contact_hours="two")
    with pytest.raises(NotFoundError, match="No competency with code 'ZZ1'"):
        catalog.create_module(w.uow(), w.educator, code="X", title="X", competency_codes=["ZZ1"])
    with pytest.raises(DuplicateError, match="'BLS' already exists"):
        catalog.create_module(w.uow(), w.educator, code="bls", title="Again")
    assert snapshot(db) == before


def test_credential_requirements_are_checked(db) -> None:
    w = build_world(db)
    before = snapshot(db)
    for specs, error, message in [
        ([], ValidationError, "at least one requirement"),
        ([RequirementSpec("module", module_code="NOPE")], NotFoundError, "No module with code 'NOPE'"),
        (
            [RequirementSpec("competency", competency_code="C1", scale_code="ENTRUST5", min_level_code="7")],
            ValidationError,
            "has no level '7'",
        ),
        ([RequirementSpec("module", module_code="BLS")] * 2, ValidationError, "listed twice"),
    ]:
        with pytest.raises(error, match=message):
            catalog.create_credential(w.uow(), w.educator, code="NEW", title="New", requirements=specs)
    with pytest.raises(ValidationError, match="assessor professions must be 1–20"):
        catalog.create_credential(
            w.uow(),
            w.educator,
            code="NEW",
            title="New",
            min_assessor_professions=50,
            requirements=[RequirementSpec("module", module_code="BLS")],
        )
    assert snapshot(db) == before


def test_changing_a_credentials_requirements_changes_progress(db) -> None:
    w = build_world(db)
    cid = credential(w, "GROW", modules=("ONB-101",))
    complete(w, "ONB-101", "2026-02-01")
    assert progress_of(w, cid).status == "eligible"
    version = catalog.get_credential(w.uow(), w.viewer, "GROW").version
    row = catalog.update_credential(
        w.uow(),
        w.educator,
        cid,
        expected_version=version,
        requirements=[RequirementSpec("module", module_code="ONB-101"), RequirementSpec("module", module_code="BLS")],
    ).value
    assert [r.module_code for r in row.requirements] == ["ONB-101", "BLS"]
    p = progress_of(w, cid)
    assert (p.status, p.met, p.total) == ("in_progress", 1, 2)

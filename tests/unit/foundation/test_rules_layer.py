"""The rules judge stands on its own: the standard library and credtrack.rules, nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.unit.foundation.test_layering import PACKAGE, _imports


def test_the_rules_package_imports_only_the_standard_library_and_itself() -> None:
    offenders = {}
    for path in (PACKAGE / "rules").rglob("*.py"):
        outside = {
            name
            for name in _imports(path)
            if name.split(".")[0] not in sys.stdlib_module_names
            and not name.startswith("credtrack.rules")
            and name != "__future__"
        }
        if outside:
            offenders[path.name] = sorted(outside)
    assert offenders == {}
    assert (PACKAGE / "rules" / "judge.py").exists()


def test_the_check_would_see_a_database_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from sqlalchemy.orm import Session\nfrom credtrack.services import progress\n")
    assert {"sqlalchemy.orm", "credtrack.services"} <= _imports(sample)

"""The benchmark and trial scripts name only credtrack modules and names that exist.

They are run by hand (and by buyers), not by the suite, so a module moved inside credtrack would
otherwise break them silently. Every ``from credtrack... import name`` in them, including those
inside functions, must resolve.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = sorted((ROOT / "bench").rglob("*.py"))


def credtrack_imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name or None) for each credtrack import in the file."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("credtrack"):
            found.extend((node.lineno, node.module or "", alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, None) for a in node.names if a.name.startswith("credtrack"))
    return found


def unresolved(path: Path) -> list[str]:
    problems = []
    for line, module, name in credtrack_imports(path):
        try:
            imported = importlib.import_module(module)
        except ImportError as exc:
            problems.append(f"{path.name}:{line}: {module}: {exc}")
            continue
        if name is not None and not hasattr(imported, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                problems.append(f"{path.name}:{line}: {module} has no {name}")
    return problems


def test_there_are_scripts_to_check() -> None:
    assert any(p.name == "bench_records.py" for p in SCRIPTS)
    assert any(p.parent.name == "trials" for p in SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_credtrack_import_in_the_script_resolves(script: Path) -> None:
    assert unresolved(script) == []


def test_a_moved_name_is_caught(tmp_path: Path) -> None:
    script = tmp_path / "bench_old.py"
    script.write_text(
        "def main():\n    from credtrack.db import open_database\n    from credtrack.services import no_such_module\n",
        encoding="utf-8",
    )
    problems = unresolved(script)
    assert len(problems) == 2
    assert "credtrack.db has no open_database" in problems[0]

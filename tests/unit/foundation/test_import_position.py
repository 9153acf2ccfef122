"""Imports sit at the top of a module; the few deferred on purpose are listed here, each with its reason.

A new import inside a function fails this test until it moves to the top, or is added below with the
start-up figure that justifies it written beside it in the code (docs/architecture.md, "Imports").
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "credtrack"

DEFERRED: dict[str, set[str]] = {
    # The log-in window shows before the database layer and the main window load (bench/bench_startup.py).
    "ui/app.py": {
        "credtrack.services",
        "credtrack.services.accounts",
        "credtrack.services.database",
        "credtrack.ui.dialogs.restore_dialog",
        "credtrack.ui.wizard",
        "credtrack.ui.context",
        "credtrack.ui.main_window",
        "sqlalchemy.engine",
    },
    "ui/login.py": {"credtrack.services.accounts"},
    "config.py": {"sqlalchemy.engine"},  # read before the log-in window shows
    "schema.py": {"alembic", "alembic.config", "alembic.script"},  # ~0.4 s, only to upgrade
    "importing/reading.py": {"openpyxl"},  # ~0.15 s, only for XLSX
    "reports/tables.py": {"openpyxl", "openpyxl.cell", "openpyxl.styles"},
    "certificates/qr.py": {"qrcode", "qrcode.exceptions", "qrcode.util"},  # ~30 ms, only to draw a code
    "certificates/verify.py": {"pypdfium2"},  # ~40 ms, only for a PDF handed to the verifier
    "services/audit/checkpoints.py": {"fcntl"},  # POSIX only
}
# Migration scripts are history: they are not edited to follow later habits.
EXEMPT = "migrations/versions/"


def nested_imports(source: str) -> set[str]:
    """Modules imported inside a function body, outside ``if TYPE_CHECKING`` blocks."""
    found: set[str] = set()
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                found.add("." * node.level + (node.module or ""))
    return found


def test_imports_inside_functions_are_only_the_deferred_ones() -> None:
    unexpected = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name.startswith(EXEMPT):
            continue
        extra = nested_imports(path.read_text(encoding="utf-8")) - DEFERRED.get(name, set())
        if extra:
            unexpected[name] = sorted(extra)
    assert unexpected == {}


def test_the_deferred_list_names_only_imports_still_deferred() -> None:
    stale = {}
    for name, modules in DEFERRED.items():
        missing = modules - nested_imports((PACKAGE / name).read_text(encoding="utf-8"))
        if missing:
            stale[name] = sorted(missing)
    assert stale == {}


def test_an_import_inside_a_function_is_found() -> None:
    source = "import os\n\ndef f():\n    if True:\n        from credtrack.services import people\n    return people\n"
    assert nested_imports(source) == {"credtrack.services"}

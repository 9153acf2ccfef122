"""Only credtrack/ui may import Qt: the core stays usable headless (CLI, tests, servers)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "credtrack"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_outside_ui_imports_pyside6():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "ui":
            continue
        if any(name == "PySide6" or name.startswith("PySide6.") for name in _imports(path)):
            offenders.append(str(rel))
    assert offenders == []


def test_the_layering_check_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtWidgets import QWidget\n    return QWidget\n")
    assert "PySide6.QtWidgets" in _imports(sample)


def _loosely_typed_contexts(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.name}:{node.lineno} {node.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for arg in node.args.args + node.args.kwonlyargs
        if arg.arg == "ctx" and (arg.annotation is None or ast.unparse(arg.annotation) in {"Any", "'Any'"})
    ]


def test_every_page_and_widget_names_the_context_it_is_handed():
    """Pages are typed at their boundary: the ``ctx`` a page, dialog or widget takes is an AppContext."""
    offenders = [found for path in (PACKAGE / "ui").rglob("*.py") for found in _loosely_typed_contexts(path)]
    assert offenders == []


def test_the_context_check_sees_an_untyped_context(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from typing import Any\n\ndef page(ctx: Any) -> None: ...\n\ndef other(ctx) -> None: ...\n")
    assert len(_loosely_typed_contexts(sample)) == 2

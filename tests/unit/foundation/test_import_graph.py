"""The house drawn from the imports: no cycle, and no arrow running back up the layers.

Every import counts, including those inside functions (a cycle hidden in a function is still a cycle).
Imports under ``if TYPE_CHECKING`` are left out: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "credtrack"

# Lowest first. A module may import its own layer and those below it, never one above.
LAYERS: list[tuple[str, ...]] = [
    ("credtrack.errors", "credtrack.text", "credtrack.paths", "credtrack.config", "credtrack.writers"),
    ("credtrack.rules",),
    ("credtrack.models",),
    ("credtrack.db",),
    ("credtrack.schema", "credtrack.backup", "credtrack.migrations.env", "credtrack.migrations"),
    ("credtrack.certificates",),
    ("credtrack.mail",),
    ("credtrack.services",),
    (
        "credtrack.reports",
        "credtrack.importing",
        "credtrack.demo",
        "credtrack.demo_history",
        "credtrack.demo_names",
        "credtrack.demo_improvement",
        "credtrack.demo_mail",
        "credtrack.demo_precepting",
        "credtrack.demo_ratings",
        "credtrack.demo_reminders",
        "credtrack.demo_units",
    ),
    ("credtrack.cli", "credtrack.ui"),
]
# Migration scripts are run by Alembic, not imported by the code above: one may use what it needs.
MIGRATION_SCRIPTS = "credtrack.migrations.versions"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _walk(node: ast.AST):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue
        yield child
        yield from _walk(child)


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # ``from package import name``: the submodule when ``name`` is one, else the package itself
            candidates = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for candidate in candidates:
            if candidate.startswith("credtrack") and (found := _resolve(candidate, modules)) and found != name:
                targets.add(found)
    return targets


def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def layer_of(name: str) -> int | None:
    if name == "credtrack" or name == MIGRATION_SCRIPTS or name.startswith(MIGRATION_SCRIPTS + "."):
        return None  # the package root (its version string) and the migration scripts
    best: tuple[int, int] | None = None
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = name == prefix or name.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[1]):
                best = (level, len(prefix))
    assert best is not None, f"{name} belongs to no layer: add it to LAYERS"
    return best[0]


def upward_arrows(edges: dict[str, set[str]]) -> list[str]:
    found = []
    for source, targets in sorted(edges.items()):
        low = layer_of(source)
        if low is None:
            continue
        for target in sorted(targets):
            high = layer_of(target)
            if high is not None and high > low:
                found.append(f"{source} -> {target}")
    return found


def test_no_module_imports_itself_round_in_a_cycle() -> None:
    assert cycles(graph()) == []


def test_no_arrow_runs_back_up_the_layers() -> None:
    assert upward_arrows(graph()) == []


def test_the_checks_see_a_cycle_hidden_in_a_function_and_an_upward_arrow(tmp_path) -> None:
    package = tmp_path / "credtrack"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "db.py").write_text("def open():\n    from credtrack.services import backups\n")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "backups.py").write_text("from credtrack import db\n")
    modules = {
        "credtrack": package / "__init__.py",
        "credtrack.db": package / "db.py",
        "credtrack.services": package / "services" / "__init__.py",
        "credtrack.services.backups": package / "services" / "backups.py",
    }
    edges = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert cycles(edges) == [["credtrack.db", "credtrack.services.backups"]]
    assert upward_arrows(edges) == ["credtrack.db -> credtrack.services.backups"]


def test_the_desktop_warm_up_names_modules_that_exist() -> None:
    """The app imports these by name on a worker while the sign-in shows: a moved module must not break it."""
    import importlib.util

    from credtrack.ui.app import WARM_UP

    assert [name for name in WARM_UP if importlib.util.find_spec(name) is None] == []

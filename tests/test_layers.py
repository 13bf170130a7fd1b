"""The apps' layers as ARCHITECTURE.md draws them: no import loop, no import in a forbidden direction.

Every first-party import counts, at module level or inside a function (an import hidden in a
function still ties the two modules together), and so do ``__import__``/``import_module`` calls
with a literal name. Read with ``ast``, without importing anything, so it runs in well under a second.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Which apps each app may import (besides itself), from ARCHITECTURE.md "The apps and who may import whom".
MAY_IMPORT: dict[str, frozenset[str]] = {
    "salam": frozenset(),
    "themes": frozenset({"salam"}),
    "publications": frozenset({"themes", "salam"}),
    "lectures": frozenset({"themes", "salam"}),
    "search": frozenset({"themes", "salam"}),
    # The top layer: each may read everything below it; nothing imports them, nor they each other.
    "repository": frozenset({"search", "publications", "lectures", "themes", "salam"}),
    "alerts": frozenset({"search", "publications", "lectures", "themes", "salam"}),
    "usage": frozenset({"search", "publications", "lectures", "themes", "salam"}),
}
APPS = tuple(MAY_IMPORT)

# Known violations still to fix (none since issue 14). The list may only shrink: an entry that no
# longer happens fails the test too, so it is removed together with the fix.
ALLOWED_WRONG_WAY: frozenset[tuple[str, str]] = frozenset()
ALLOWED_DYNAMIC: frozenset[str] = frozenset()
ALLOWED_LOOPS: frozenset[frozenset[str]] = frozenset()


@dataclass(frozen=True)
class Import:
    """One first-party import: which module imports which, and where."""

    importer: str
    imported: str
    line: int
    runtime: bool = True  # False under `if TYPE_CHECKING:`: it never runs, so it cannot close a loop


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the five apps (migrations included), by dotted name."""
    modules = {}
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module a dotted name lives in (``a.b.func`` -> ``a.b``), or None if not ours."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _names(node: ast.AST, package: str) -> Iterator[str]:
    """The dotted names an import statement, ``__import__`` or ``import_module`` call brings in."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join(parts + ([base] if base else []))
        yield from (f"{base}.{alias.name}" for alias in node.names)
        yield base
    elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called in {"__import__", "import_module", "import_string"} and isinstance(node.args[0].value, str):
            yield node.args[0].value


def project_imports(modules: dict[str, Path]) -> list[Import]:
    """Every import between two different project modules, at any depth of the file."""
    found = []
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(path.read_text(), str(path))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for statement in node.body
            for inner in ast.walk(statement)
        }
        for node in ast.walk(tree):
            for name in _names(node, package):
                target = _resolve(name, modules)
                # A submodule importing its own package's __init__ is how Python loads it anyway.
                if target and target != module and not module.startswith(target + "."):
                    found.append(Import(module, target, node.lineno, id(node) not in typing_only))
                    break
    return found


def import_loops(modules: dict[str, Path], imports: list[Import]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for edge in imports:
        if edge.runtime:
            graph[edge.importer].add(edge.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    loops.append(frozenset(component))
    return loops


def wrong_way(imports: list[Import]) -> dict[tuple[str, str], int]:
    """Imports from one app into another that MAY_IMPORT does not allow, with a line of each."""
    found = {}
    for edge in imports:
        source, target = edge.importer.split(".")[0], edge.imported.split(".")[0]
        if source != target and target not in MAY_IMPORT[source]:
            found.setdefault((edge.importer, edge.imported), edge.line)
    return found


def dynamic_imports(modules: dict[str, Path]) -> set[str]:
    """Modules that import by a computed name, which no reader of the code (nor this test) can follow."""
    found = set()
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and node.args and not isinstance(node.args[0], ast.Constant):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if called in {"__import__", "import_module", "import_string"}:
                    found.add(module)
    return found


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, Path], list[Import]]:
    modules = project_modules()
    return modules, project_imports(modules)


def test_no_import_loops(graph):
    modules, imports = graph
    loops = set(import_loops(modules, imports))
    new = [" <-> ".join(sorted(loop)) for loop in loops - ALLOWED_LOOPS]
    assert not new, "Import loops between project modules:\n" + "\n".join(new)
    fixed = [" <-> ".join(sorted(loop)) for loop in ALLOWED_LOOPS - loops]
    assert not fixed, "These loops are gone (or changed): update ALLOWED_LOOPS:\n" + "\n".join(fixed)


def test_no_imports_in_a_forbidden_direction(graph):
    _, imports = graph
    found = wrong_way(imports)
    new = [f"{a} -> {b} (line {line})" for (a, b), line in sorted(found.items()) if (a, b) not in ALLOWED_WRONG_WAY]
    assert not new, "Imports against ARCHITECTURE.md's layers:\n" + "\n".join(new)
    fixed = sorted(f"{a} -> {b}" for a, b in ALLOWED_WRONG_WAY - found.keys())
    assert not fixed, "These imports are gone: remove them from ALLOWED_WRONG_WAY:\n" + "\n".join(fixed)


def test_no_imports_by_computed_name(graph):
    modules, _ = graph
    found = dynamic_imports(modules)
    assert found <= ALLOWED_DYNAMIC, f"Imports by a computed name: {sorted(found - ALLOWED_DYNAMIC)}"
    assert not ALLOWED_DYNAMIC - found, f"Gone: remove from ALLOWED_DYNAMIC: {sorted(ALLOWED_DYNAMIC - found)}"


def test_the_walker_sees_every_kind_of_import(tmp_path):
    """The checks catch what they are meant to: function-level, relative and hidden imports, and loops."""
    for app in APPS:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "themes" / "a.py").write_text("def f():\n    from search.views import x\n")
    (tmp_path / "themes" / "b.py").write_text("from . import c\n")
    (tmp_path / "themes" / "c.py").write_text("import themes.b\n")
    (tmp_path / "salam" / "d.py").write_text("m = __import__('lectures.signals', fromlist=['x'])\n")
    (tmp_path / "lectures" / "signals.py").write_text("")
    (tmp_path / "search" / "views.py").write_text("from themes.a import f\n")
    (tmp_path / "search" / "e.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    from search import f\n")
    (tmp_path / "search" / "f.py").write_text("from search import e\nname = 'x'\n__import__(name)\n")
    modules = project_modules(tmp_path)
    imports = project_imports(modules)
    assert set(wrong_way(imports)) == {("themes.a", "search.views"), ("salam.d", "lectures.signals")}
    assert set(import_loops(modules, imports)) == {
        frozenset({"themes.b", "themes.c"}),
        frozenset({"themes.a", "search.views"}),
    }
    assert dynamic_imports(modules) == {"search.f"}

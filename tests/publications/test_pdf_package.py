"""publications.pdf is layered as its docstring says: each module imports only modules listed below it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import publications.pdf

PACKAGE = Path(publications.pdf.__file__).parent


def documented_order() -> list[str]:
    """The module names in the order the package docstring lists them."""
    return re.findall(r"^    (\w+) {2,}", publications.pdf.__doc__ or "", re.MULTILINE)


def sibling_imports(module: str) -> set[str]:
    """The publications.pdf modules a module imports (at any level, type-checking blocks included)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("publications.pdf."):
            found.add(node.module.removeprefix("publications.pdf."))
        elif isinstance(node, ast.ImportFrom) and node.module == "publications.pdf":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.add(node.module or "(relative)")
    return found


def test_every_module_is_listed_once() -> None:
    order = documented_order()
    assert sorted(order) == sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def test_each_module_imports_only_modules_below_it() -> None:
    order = documented_order()
    for position, module in enumerate(order):
        upward = sibling_imports(module) - set(order[position + 1 :])
        assert not upward, f"publications.pdf.{module} imports {sorted(upward)}, listed above it (or not at all)"

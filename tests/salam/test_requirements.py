"""The dependency locks: runtime and dev apart, every package pinned with hashes, every import declared.

requirements.in and requirements-dev.in name the direct dependencies; `make lock` (pip-tools)
generates requirements.txt and requirements-dev.txt from them with a hash for every file, and the
Makefile installs both with --require-hashes. These tests read the files; no network.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ("salam", "publications", "lectures", "themes", "search", "repository", "alerts", "usage")
DEV_DIRS = ("tests", "bench")
FIRST_PARTY = {*APP_DIRS, *DEV_DIRS, "manage"}
TEST_TOOLS = {"pytest", "pytest-django", "factory-boy", "playwright", "ruff", "psutil", "sickle", "feedparser"}


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_entries(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for every requirement in a pip-compile lock file."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    entries: dict[str, tuple[str, list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        assert not line.startswith("-"), f"{path.name}: option line {line!r} (index and find-links stay out of a lock)"
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})*)", line)
        assert match, f"{path.name}: {line[:80]!r} is not pinned as name==version with sha256 hashes"
        entries[normalise(match[1])] = (match[2], re.findall(r"sha256:([0-9a-f]{64})", match[3]))
    return entries


def direct_pins(path: Path) -> dict[str, str]:
    """name -> version for each direct dependency in a .in file."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-c "):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]+\])?==(\S+)", line)
        assert match, f"{path.name}: {line!r} must be pinned as name==version"
        pins[normalise(match[1])] = match[2]
    return pins


@pytest.fixture(scope="module")
def runtime_lock():
    return lock_entries(ROOT / "requirements.txt")


@pytest.fixture(scope="module")
def dev_lock():
    return lock_entries(ROOT / "requirements-dev.txt")


def test_every_locked_package_is_pinned_with_its_hashes(runtime_lock, dev_lock):
    for name, (_version, hashes) in {**runtime_lock, **dev_lock}.items():
        assert hashes, f"{name} has no hash: pip --require-hashes would refuse the whole install"
    # The whole transitive set is locked, not only what we name.
    assert {"django-ninja", "sqlparse", "asgiref", "pydantic", "thinc", "pillow"} <= set(runtime_lock)
    assert {"pluggy", "iniconfig", "greenlet", "faker"} <= set(dev_lock)


def test_the_in_files_pin_what_the_locks_hold(runtime_lock, dev_lock):
    runtime = direct_pins(ROOT / "requirements.in")
    dev = direct_pins(ROOT / "requirements-dev.in")
    for lock_name, pins, lock in (("requirements.txt", runtime, runtime_lock), ("requirements-dev.txt", dev, dev_lock)):
        for name, version in pins.items():
            assert lock.get(name, ("missing",))[0] == version, f"{lock_name} is stale for {name}: run make lock"
    assert "django-ninja" in runtime  # imported by search/api.py: must not hang on Wagtail's choice
    assert "-c requirements.txt" in (ROOT / "requirements-dev.in").read_text(encoding="utf-8")


def test_runtime_and_test_tools_are_apart(runtime_lock, dev_lock):
    assert not TEST_TOOLS & set(runtime_lock), "a test or lint tool is in the runtime lock"
    assert set(dev_lock) >= TEST_TOOLS


def test_a_package_in_both_locks_is_the_same_file(runtime_lock, dev_lock):
    for name in set(runtime_lock) & set(dev_lock):
        assert runtime_lock[name] == dev_lock[name], f"{name} is locked differently in the two files"


def _third_party_imports(folders: tuple[str, ...]) -> dict[str, str]:
    """Top-level module -> one file importing it, for every import of something not ours or stdlib."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.partition(".")[0]
                    # bench/ scripts import their neighbours (bench/servers.py) by plain name.
                    local = (path.parent / f"{top}.py").exists()
                    if top in sys.stdlib_module_names or top in FIRST_PARTY or local:
                        continue
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(
    ("folders", "in_files"),
    [(APP_DIRS, ("requirements.in",)), (DEV_DIRS, ("requirements.in", "requirements-dev.in"))],
    ids=["app code", "tests and benchmarks"],
)
def test_every_imported_package_is_a_direct_dependency(folders, in_files):
    declared = set()
    for in_file in in_files:
        declared |= set(direct_pins(ROOT / in_file))
    providers = packages_distributions()
    undeclared = {}
    for module, where in _third_party_imports(folders).items():
        dists = {normalise(d) for d in providers.get(module, [])}
        if not dists & declared:
            undeclared[module] = f"{where} imports it; provided by {sorted(dists) or 'nothing installed'}"
    assert not undeclared, f"declare these in {' or '.join(in_files)}, then run make lock: {undeclared}"


def test_make_installs_both_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    # The stamp is keyed on both locks, so a change to either reinstalls.
    assert re.search(r"^\$\(VENV\)/\.installed: requirements\.txt requirements-dev\.txt$", makefile, re.M)
    assert "pip install -q --require-hashes -r requirements.txt -r requirements-dev.txt" in makefile
    assert re.search(r"^lock:$", makefile, re.M)

"""The shape of the tree holds: the layers' contracts (import-linter, configured in
pyproject.toml) and no import circle anywhere in ``checkin/`` — lazy imports and
``TYPE_CHECKING`` imports count, since a circle through them is a circle all the same."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "checkin").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Every import of a checkin module by another, wherever it is written in the file."""

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                found = known(target) if target.startswith("checkin") else None
                if found and found != name:
                    edges[name].add(found)
    return edges


def _cycles(edges: dict[str, set[str]], nodes: list[str]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(frozenset(group))

    for v in nodes:
        if v not in index:
            visit(v)
    return groups


def test_no_import_circle() -> None:
    modules = _modules()
    found = set(_cycles(_edges(modules), sorted(modules)))
    assert found == set(), [sorted(c) for c in found]


def test_the_check_sees_a_circle() -> None:
    edges: dict[str, set[str]] = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert _cycles(edges, ["a", "b", "c", "d"]) == [frozenset({"a", "b", "c"})]


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (
            f"{path.relative_to(ROOT)}:{node.lineno} {node.name}",
            (node.end_lineno or node.lineno) - node.lineno + 1,
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_every_function_fits_on_a_screen() -> None:
    """No function in checkin/ is longer than 80 lines (docstring and blank lines included)."""
    long = [(name, lines) for path in (ROOT / "checkin").rglob("*.py") for name, lines in _functions(path)]
    assert [f"{name}: {lines} lines" for name, lines in long if lines > 80] == []
    assert max(lines for _name, lines in long) > 40  # the check reads real functions


def test_the_window_writes_no_sql() -> None:
    """Queries belong to the layer that owns the data; checkin/ui/ calls them."""
    pattern = ("exec_driver_sql", "SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "checkin" / "ui").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(word in line for word in pattern)
    ]
    assert found == []
    assert any(word in (ROOT / "checkin" / "replica" / "contents.py").read_text() for word in pattern)


def test_the_entry_module_brings_no_command_with_it() -> None:
    """A spawned process (an import's workers, the work the desk runs apart) first imports
    the main script of its parent again: the ``checkin`` script's module must not bring the
    command line's libraries (0.9 s of one core per process with them)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import checkin.__main__"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "checkin.__main__" in imported
    heavy = {"checkin.cli", "reportlab", "openpyxl", "escpos", "yaml", "PySide6", "sqlalchemy"}
    assert not heavy & imported

"""The shape of builder/: every module imports, no import cycle, no module or function too long.

The import graph is read from the source with `ast`: every `import` that runs (at module level or
inside a function), but not those under `if TYPE_CHECKING:`, which never run. `from a.b import c`
is an edge to `a.b.c` when that is a module, else to `a.b`; a package's `__init__` is a node of
its own (importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py` too, but those edges would
make every package look cyclic, so they are left out, as import-linter does).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "builder"
MAX_MODULE_LINES = 420  # "about 400": a module past this holds two concepts
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not MODULES[module].name == "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    """Map every builder module to the builder modules it imports when it runs."""
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        edges: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = _resolve(name, node)
                targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                           for alias in node.names]
            edges.update(t for t in targets if t in MODULES and t != name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := walk(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := walk(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The walk reports a planted two-module cycle, and nothing in an acyclic graph."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_function_level_imports(tmp_path: Path) -> None:
    """An import inside a function is an edge; one under `if TYPE_CHECKING:` is not."""
    tree = ast.parse("import x\ndef f():\n    import y\nif TYPE_CHECKING:\n    import z\n")
    assert [a.name for node in _runtime_imports(tree) for a in node.names] == ["x", "y"]


def test_builder_has_no_import_cycle() -> None:
    """No builder module imports, directly or through others, a module that imports it back."""
    assert find_cycle(import_graph()) is None


@pytest.mark.parametrize("name", sorted(set(MODULES) - {"builder.__main__"}))  # __main__ runs the CLI
def test_every_module_imports(name: str) -> None:
    """Each module imports on its own (optional extras are imported only where used)."""
    importlib.import_module(name)


def test_no_module_is_too_long() -> None:
    """No module is much over 400 lines: a longer one holds two concepts."""
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long


def test_no_function_is_too_long() -> None:
    """No function or method is over 60 lines."""
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert not long

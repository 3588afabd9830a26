"""The architecture as a test: imports only point down the layers, and no module imports itself round a circle.

The layers (README, 「结构」): format → records and importers → checks → pages → production → batch →
interfaces and cli. An import inside `if TYPE_CHECKING:` is a type's name, not a dependency, and is not counted;
every other import is, at module level or inside a function.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "gongkai"

# Bottom to top; a module may import from its own layer and the ones before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "resources", "outputs", "procs", "scratch", "shown", "format"),
    ("records", "importers", "workbook", "synthetic"),
    ("checks",),
    ("pages",),
    ("production",),
    ("batch",),
    ("interfaces", "cli", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
# What is still being mended (issue 20), listed so that the list can only shrink: a new entry fails,
# and so does an entry that no longer holds (take it off).
KNOWN_UPWARD: set[str] = set()
KNOWN_CIRCLES: set[str] = set()
KNOWN_LARGE: set[str] = set()
KNOWN_NEEDLESS_LAZY: set[str] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def top(module: str) -> str:
    """gongkai.pages.tables → pages; gongkai.cli → cli; gongkai → gongkai."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _type_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str], *, where: str = "anywhere") -> set[str]:
    """The package's modules that `path` imports at run time: "anywhere", at "module" level or in a "function"."""
    found: set[str] = set()

    def visit(node: ast.AST, inside: bool = False) -> None:
        if isinstance(node, ast.If) and _type_only(node):
            for child in node.orelse:
                visit(child, inside)
            return
        inside = inside or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        if where != "anywhere" and inside != (where == "function"):
            if not inside:  # module level, looking for functions: go on down
                for child in ast.iter_child_nodes(node):
                    visit(child, inside)
                return
            if where == "module":
                return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("gongkai"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gongkai") and not node.level:
            for alias in node.names:  # `from gongkai.pages import tables` names a module
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: imports_of(path, set(files)) - {name} for name, path in files.items()}


def loaded_with(name: str, eager: dict[str, set[str]]) -> set[str]:
    """What importing `name` loads of the package: its packages' `__init__`s and module-level imports, all the way."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        module = todo.pop()
        if module in seen or module not in eager:
            continue
        seen.add(module)
        parts = module.split(".")
        todo += [".".join(parts[:n]) for n in range(1, len(parts))]
        todo += eager[module]
    return seen


def test_every_top_level_module_has_a_layer() -> None:
    tops = {top(name) for name in graph()} - {"gongkai"}
    assert tops <= set(RANK), f"modules with no layer in LAYERS: {sorted(tops - set(RANK))}"


def test_imports_only_point_down() -> None:
    upward = {
        f"{name} → {target}"
        for name, targets in sorted(graph().items())
        for target in sorted(targets)
        if top(target) in RANK and top(name) in RANK and RANK[top(target)] > RANK[top(name)]
    }
    assert not upward - KNOWN_UPWARD, "imports that run up the layers:\n" + "\n".join(sorted(upward - KNOWN_UPWARD))
    assert not KNOWN_UPWARD - upward, f"mended, take off KNOWN_UPWARD: {sorted(KNOWN_UPWARD - upward)}"


def test_no_import_circles() -> None:
    edges = graph()
    circles: list[list[str]] = []
    state: dict[str, int] = defaultdict(int)  # 0 unseen, 1 on the path, 2 done
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if state[nxt] == 1:
                circles.append([*path[path.index(nxt) :], nxt])
            elif state[nxt] == 0:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if state[node] == 0:
            walk(node)
    found = {" → ".join(c) for c in circles}
    assert not found - KNOWN_CIRCLES, "import circles:\n" + "\n".join(sorted(found - KNOWN_CIRCLES))
    assert not KNOWN_CIRCLES - found, f"mended, take off KNOWN_CIRCLES: {sorted(KNOWN_CIRCLES - found)}"


@pytest.mark.parametrize("source", sorted(str(p.relative_to(SRC)) for p in PACKAGE.rglob("*.py")))
def test_modules_stay_small(source: str) -> None:
    lines = (SRC / source).read_text(encoding="utf-8").count("\n")
    if source in KNOWN_LARGE:
        assert lines > 400, f"{source} is small now: take it off KNOWN_LARGE"
        return
    assert lines <= 400, f"{source} has {lines} lines: split it by concern (one job a module)"


def test_lazy_imports_put_something_off() -> None:
    """An import inside a function defers loading a module until a command needs it (the CLI's commands, the
    workers' kernels and browsers). One of a module that is loaded anyway, at module level, directly or through
    another module or a package's `__init__`, defers nothing: it only hides a dependency (and once dodged a circle)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    eager = {name: imports_of(path, set(files), where="module") - {name} for name, path in files.items()}
    needless = {
        f"{name} → {target}"
        for name, path in sorted(files.items())
        for target in imports_of(path, set(files), where="function") - {name}
        if target in loaded_with(name, eager)
    }
    assert not needless - KNOWN_NEEDLESS_LAZY, "imports inside functions of modules loaded anyway (move them up):\n" + (
        "\n".join(sorted(needless - KNOWN_NEEDLESS_LAZY))
    )
    assert not KNOWN_NEEDLESS_LAZY - needless, f"mended, take off: {sorted(KNOWN_NEEDLESS_LAZY - needless)}"


def test_the_graph_is_read() -> None:
    """The test above can fail: the pages import the checks, which sit below them."""
    assert "gongkai.checks.report" in graph()["gongkai.pages.report"]

"""The package's shape: no import cycles in dataops/ (every import counts, lazy ones too),
no module longer than MAX_LINES unless the allowlist says why."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "dataops"

# Known cycles, each with its way out (none today: the sidecar's status, page and HTTP
# modules read the service through the `sidecar.view.SidecarView` Protocol).  Any cycle
# fails.
KNOWN_CYCLES: list[set[str]] = []

# A module past this many lines has usually grown a second job: split it by
# responsibility (see docs/architecture.md) rather than raise the limit.
MAX_LINES = 700
# Modules allowed past MAX_LINES, each with its reason.  Remove an entry once the module
# is back under the limit (the test fails on a stale entry too).
LONG_MODULES: dict[str, str] = {}


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the dataops modules it imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    mods = modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = alias.name
                    while target and target not in mods:
                        target = target.rpartition(".")[0]
                    if target:
                        deps.add(target)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join([*parts, base] if base else parts)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in mods:
                        deps.add(full)
                    elif base in mods:
                        deps.add(base)
        deps.discard(name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
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
                    found.append(component)
    return found


def test_the_checker_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_dataops() -> None:
    graph = import_graph()
    assert "dataops.migrate.golang.apply" in graph["dataops.migrate.golang.migrator"]
    assert [sorted(c) for c in cycles(graph) if c not in KNOWN_CYCLES] == []


def test_features_do_not_import_the_cli() -> None:
    graph = import_graph()
    offenders = [
        f"{name} -> {dep}"
        for name, deps in graph.items()
        if not name.startswith(("dataops.cli", "dataops.__main__"))
        for dep in deps
        if dep.startswith("dataops.cli")
    ]
    assert offenders == []


def test_service_using_test_files_are_marked_integration() -> None:
    """``-m 'not integration'`` must deselect every test that starts a service."""
    from tests.conftest import SERVICE_FIXTURES

    tests = PACKAGE.parent / "tests"
    unmarked = []
    for path in sorted(tests.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        uses = {
            arg.arg
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
            for arg in node.args.args
        } & SERVICE_FIXTURES
        if uses and "pytest.mark.integration" not in path.read_text(encoding="utf-8"):
            unmarked.append(f"{path.relative_to(tests)}: {sorted(uses)}")
    assert unmarked == []


def test_no_module_is_over_the_line_limit() -> None:
    sizes = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    too_long = sorted(
        f"dataops/{name}: {lines} lines"
        for name, lines in sizes.items()
        if lines > MAX_LINES and name not in LONG_MODULES
    )
    assert too_long == [], f"split these by responsibility (limit {MAX_LINES} lines)"
    stale = sorted(name for name in LONG_MODULES if name not in sizes or sizes[name] <= MAX_LINES)
    assert stale == [], "back under the limit (or gone): remove from LONG_MODULES"

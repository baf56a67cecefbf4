"""The import rules of docs/architecture.md, read from the source with `ast`.

Every import counts, also one inside a function: an import that only runs later is still a
dependency, and hiding one in a function to dodge a cycle is exactly what this forbids.
Migrations are left out (Django writes them; they name apps by label).
"""

import ast
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "common",
    "costing",
    "procurement",
    "pilots",
    "contracts",
    "audit",
    "webhooks",
    "config",
)

# Low to high: a module may import its own layer or a lower one, never a higher one.
LAYERS = (
    ("accounts", "common"),
    ("costing.engine",),
    ("procurement",),
    ("costing",),
    ("pilots",),
    ("contracts",),
    ("audit",),
    ("webhooks",),
    ("config",),
)
FOUNDATION = LAYERS[0]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def project_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def _imported_names(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Absolute dotted names this module imports (with the line), wherever the import is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                # `from pkg import mod` imports a module; `from mod import name` an attribute.
                yield f"{source}.{alias.name}", node.lineno


def _resolve(name: str) -> str | None:
    """The project module a dotted name lands in (longest known prefix), or None."""
    modules = project_modules()
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


@cache
def imports() -> dict[str, list[tuple[str, int, str | None]]]:
    """module → [(imported name, line, project module it resolves to or None)]."""
    return {
        module: [(name, line, _resolve(name)) for name, line in _imported_names(module, path)]
        for module, path in project_modules().items()
    }


def _layer(module: str) -> int:
    """The layer of the longest matching prefix (costing.engine before costing)."""
    matches = [
        (len(member), index)
        for index, members in enumerate(LAYERS)
        for member in members
        if module == member or module.startswith(member + ".")
    ]
    return max(matches)[1]


def _app(module: str) -> str:
    return module.split(".")[0]


def _where(module: str, line: int) -> str:
    return f"{project_modules()[module].relative_to(ROOT)}:{line}"


def test_the_rules_see_every_app_and_real_imports():
    """The checks below would pass vacuously if the walk found nothing."""
    assert {"accounts", "common", "costing", "procurement", "pilots", "config"} <= {
        _app(m) for m in project_modules()
    }
    edges = {(m, t) for m, rows in imports().items() for _n, _l, t in rows if t}
    assert ("procurement.filters", "costing.engine") in edges  # `from costing.engine import`
    assert ("procurement.demo", "procurement.services") in edges  # `from . import services`
    assert _layer("common.formats") < _layer("costing.engine.tco") < _layer("procurement.models")
    assert _layer("procurement.models") < _layer("costing.views") < _layer("pilots.models")
    assert _layer("pilots.models") < _layer("config.views")


def test_the_costing_engine_is_pure_python():
    """costing/engine/: the standard library and itself only (no Django, no app)."""
    bad = [
        f"{_where(module, line)} imports {name}"
        for module, rows in imports().items()
        if module.startswith("costing.engine")
        for name, line, target in rows
        if not (target or "").startswith("costing.engine")
        and name.split(".")[0] not in sys.stdlib_module_names
    ]
    assert not bad, "\n".join(bad)


def test_procurement_knows_nothing_of_pilots_or_contracts():
    bad = [
        f"{_where(module, line)} imports {name}"
        for module, rows in imports().items()
        if _app(module) == "procurement"
        for name, line, _target in rows
        if name.split(".")[0] in ("pilots", "contracts", "audit")
    ]
    assert not bad, "\n".join(bad)


def test_the_foundation_imports_no_app_above_it():
    """accounts and common: Django and each other only."""
    above = {"procurement", "costing", "pilots", "contracts", "audit", "webhooks", "config"}
    bad = [
        f"{_where(module, line)} imports {name}"
        for module, rows in imports().items()
        if _app(module) in FOUNDATION
        for name, line, _target in rows
        if name.split(".")[0] in above
    ]
    assert not bad, "\n".join(bad)


def test_no_room_imports_webhooks():
    """The rooms emit events (common.events); only webhooks (and config, the glue) know it."""
    bad = [
        f"{_where(module, line)} imports {name}"
        for module, rows in imports().items()
        if _app(module) not in ("webhooks", "config")
        for name, line, _target in rows
        if name.split(".")[0] == "webhooks"
    ]
    assert not bad, "\n".join(bad)


def test_no_layer_imports_a_higher_one():
    bad = [
        f"{_where(module, line)} imports {name}"
        for module, rows in imports().items()
        for name, line, target in rows
        if target is not None and _layer(target) > _layer(module)
    ]
    assert not bad, "\n".join(bad)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles():
    graph = {
        module: {target for _n, _l, target in rows if target and target != module}
        for module, rows in imports().items()
    }
    cycles = _cycles(graph)
    assert not cycles, "\n".join(" ↔ ".join(cycle) for cycle in cycles)

"""No import cycles in the project's packages: every ``import`` counts, at module level or inside a
function (a late import hides a cycle from the interpreter, not from the reader).

The imports are read with :mod:`ast`, not executed, so the test is fast and sees every branch.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("service", "stepgrpo_reward", "stepgrpo_references", "trainer_client", "bench")
GENERATED = "rewardpb"
LAYERS = ("data", "http", "grpc", "scoring", "pool", "ops", "rewards", "ui")
"""service/'s packages top down, as docs/architecture.md draws them: each imports only those after it."""


def modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> file, for every Python file of ``packages`` (generated stubs left out)."""
    found = {}
    for package in packages:
        for path in (root / package).rglob("*.py"):
            if GENERATED in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _known(name: str, known: dict[str, Path]) -> str | None:
    """The project module ``name`` refers to (an attribute's module for ``from m import attr``), or None."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _imported(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``module`` imports anywhere in its file."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [_known(alias.name, known) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _imported(node, module, path.name == "__init__.py")
            targets = [_known(f"{source}.{alias.name}", known) for alias in node.names]
        else:
            continue
        out.update(t for t in targets if t is not None and t != module)
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            child = next(edges, None)
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


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    known = modules(root, packages)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def test_the_project_has_no_import_cycles():
    graph = import_graph(ROOT, PACKAGES)
    assert len(graph) > 50 and "service.scoring.scorer" in graph["service.http.app"]
    assert cycles(graph) == []


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """``importer -> imported`` for every import of a service package by one drawn above it (or unlisted)."""

    def layer(module: str) -> int | None:
        parts = module.split(".")
        if len(parts) < 2 or parts[0] != "service" or parts[1] not in LAYERS and parts[1] not in packages:
            return None
        return LAYERS.index(parts[1]) if parts[1] in LAYERS else -1

    packages = {m.split(".")[1] for m in graph if m.count(".") >= 2 and m.startswith("service.")}
    found = []
    for module, imported in sorted(graph.items()):
        own = layer(module)
        if own is None:
            continue  # the entry points at the top of service/ (__main__, ray_serve, client) may import any
        for target in sorted(imported):
            theirs = layer(target)
            if theirs is not None and target.split(".")[1] != module.split(".")[1] and not theirs > own >= 0:
                found.append(f"{module} -> {target}")
    return found


def test_service_packages_import_only_those_drawn_below_them():
    graph = import_graph(ROOT, PACKAGES)
    assert upward_imports(graph) == []
    assert upward_imports({**graph, "service.ops.config": {"service.http.app"}}) == [
        "service.ops.config -> service.http.app"
    ]
    assert upward_imports({"service.pool.worker": {"service.newpkg.x"}, "service.newpkg.x": set()}) == [
        "service.pool.worker -> service.newpkg.x"
    ]


def test_a_cycle_through_a_late_relative_import_is_found(tmp_path):
    """The detector itself: ``__main__ -> load -> soak -> __main__`` (the cycle bench once had), with
    ``load`` importing ``soak`` inside a function and ``soak`` importing from ``.__main__``."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("from .load import run\n")
    (package / "load.py").write_text("def run():\n    from .soak import rss\n    return rss\n")
    (package / "soak.py").write_text("from .__main__ import run as main\nrss = 1\n")
    (package / "common.py").write_text("import json\nRSS = 1\n")
    assert cycles(import_graph(tmp_path, ("pkg",))) == [["pkg.__main__", "pkg.load", "pkg.soak"]]
    (package / "soak.py").write_text("from pkg.common import RSS as rss\n")
    assert cycles(import_graph(tmp_path, ("pkg",))) == []

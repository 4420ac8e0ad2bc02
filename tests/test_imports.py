"""The package's imports form a line, not circles (issue 20): no import cycle among the modules of
``toolkit/`` and no import that runs back up the flow

    framework → data → methods → index → analysis / robustness / dynamics → viz → reports / studio / notebooks → cli

Every ``import`` and ``from … import`` is read with ``ast`` — at module level *and* inside functions,
since a deferred import is still a dependency (the circle methods/registry ↔ weights was one).
A package's lazy ``__init__`` (``toolkit.lazy``) imports nothing by itself, so it adds no edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "toolkit"

#: the flow, lowest first; a module may import its own layer and the layers below
LAYERS = [
    {"errors", "lazy", "callable_module", "files", "safe_yaml", "repo_paths", "examples", "publish", "reference", "frameworks"},
    {"framework"},
    {"data"},
    {"methods"},
    {"index"},
    {"analysis", "robustness", "dynamics"},
    {"viz"},
    {"reports", "studio", "notebooks"},
    {"cli", "cli_commands", "cli_guard", "cli_help", "cli_help_text", "cli_listings", "cli_parser", "cli_table", "cli_text",
     "__main__"},
]
#: known exceptions, each with the issue that owns it; empty since issue 20 (reports.facts ↔ standing:
#: the type lives in standing; data.round → reports.collection: the status pages are handed in by
#: reports.collection.collect; framework.coinr → data/index: the COINr adapter is index.coinr)
KNOWN_CYCLES: list[set[str]] = []
KNOWN_UPWARD: set[tuple[str, str]] = set()


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (p, is_pkg)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module → the toolkit modules it imports (anywhere in its body)."""
    mods = _modules()
    graph = {}
    for name, (path, is_pkg) in mods.items():
        here = name.split(".") if is_pkg else name.split(".")[:-1]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:  # `from . import weights` imports the module weights
                    sub = f"{target}.{alias.name}"
                    targets.add(sub if sub in mods else target)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
        graph[name] = {t for t in targets if t in mods and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # the top package: __version__ and the errors (it re-exports the rest lazily)
    return next(i for i, group in enumerate(LAYERS) if parts[1] in group)


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_checker_sees_a_circle_and_a_deferred_import():
    """The checker itself: a planted circle through a function-level import is found."""
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(g) == [{"a", "b", "c"}]
    src = "def f():\n    from ..registry import WEIGHTING\n"
    node = ast.parse(src).body[0].body[0]
    assert isinstance(node, ast.ImportFrom) and node.level == 2  # ast.walk reaches it (see import_graph)


def test_every_module_is_in_a_layer(graph):
    for module in graph:
        layer(module)  # StopIteration names a top-level module missing from LAYERS


def test_no_import_cycles(graph):
    found = [c for c in cycles(graph) if c not in KNOWN_CYCLES]
    assert not found, f"import circles: {[sorted(c) for c in found]}"


def test_the_four_circles_of_issue_20_are_gone(graph):
    reach = {m: set() for m in graph}
    for m in graph:  # transitive closure, small enough to do directly
        todo = list(graph[m])
        while todo:
            t = todo.pop()
            if t not in reach[m]:
                reach[m].add(t)
                todo.extend(graph[t])
    for a, b in [("toolkit.framework.loader", "toolkit.framework.model"),
                 ("toolkit.index.build", "toolkit.index.params"),
                 ("toolkit.index.build", "toolkit.index.steps"),
                 ("toolkit.index.build", "toolkit.index.spec_checks"),
                 ("toolkit.methods.registry", "toolkit.methods.weighting.weights"),
                 ("toolkit.reports.batch", "toolkit.reports.screenshot"),
                 ("toolkit.reports.batch", "toolkit.reports.pdf")]:
        assert not (b in reach[a] and a in reach[b]), f"{a} and {b} import each other (through {reach[a] & reach[b]})"
    assert "index_tree" not in (PACKAGE / "index" / "build.py").read_text("utf-8").split("import index_leaves")[0]


def test_no_import_runs_back_up_the_flow(graph):
    upward = {(m, t) for m, ts in graph.items() for t in ts if layer(t) > layer(m)}
    assert ("toolkit.index.export", "toolkit.reports.workbook") not in upward
    assert ("toolkit.analysis.explore", "toolkit.notebooks") not in upward
    assert not upward - KNOWN_UPWARD, f"imports up the flow: {sorted(upward - KNOWN_UPWARD)}"

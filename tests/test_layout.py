"""The layout of the code (README, "How the code is laid out"): imports flow one way, with no circle.

The rule is written once, in the packages' docstrings: each of ``extract``, ``graph.store``,
``graph.sparql``, ``graph.views`` and ``graph.exports`` has a line ``May import: `a`, `b`.`` naming the
packages of the project its modules may import besides their own (none when nothing is named). Every
module of ``extract/`` and ``graph/`` and ``cli.py`` is read with ``ast``, imports inside functions
included, and the test fails on an import against those lines, on an import of the CLI, on a module of
``graph/`` outside the wings, and on any import circle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = "cli"
"""The command line: it may import every package, and nothing of the project may import it."""

_MAY_IMPORT = re.compile(r"^May import:(.*)$", re.MULTILINE)

Edge = tuple[str, int, str]
"""(importing module, line, imported module)."""


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project by dotted name (a package by its own name, from its ``__init__.py``)."""
    found = {TOP: root / f"{TOP}.py"}
    for package in ("extract", "graph"):
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def rules(modules: dict[str, Path]) -> dict[str, set[str]]:
    """The packages with a ``May import:`` line, each with the packages it names there."""
    found = {}
    for name, path in modules.items():
        if path.name != "__init__.py":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        line = _MAY_IMPORT.search(doc)
        if line:
            found[name] = set(re.findall(r"`([\w.]+)`", line.group(1)))
    return found


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of ``from <level dots><target> import …`` written in ``module``."""
    if not level:
        return target or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


def imports(name: str, source: str, modules: set[str], is_package: bool = False) -> list[Edge]:
    """The project modules that ``source`` (module ``name``) imports anywhere, with their lines.

    ``from a.b import c`` imports ``a.b.c`` when that is a module, else ``a.b``; ``import a.b.c`` imports
    the longest of ``a.b.c``, ``a.b``, ``a`` that is a module.

    >>> mods = {"extract", "extract.lexicon", "graph", "graph.store", "graph.store.vocab"}
    >>> src = "from .lexicon import data_path\\ndef f():\\n    from graph.store import vocab\\n"
    >>> imports("extract.claims", src, mods)
    [('extract.claims', 1, 'extract.lexicon'), ('extract.claims', 3, 'graph.store.vocab')]
    """
    edges = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.level, node.module)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                target = full if full in modules else base
                if target in modules:
                    edges.append((name, node.lineno, target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                for n in range(len(parts), 0, -1):
                    if ".".join(parts[:n]) in modules:
                        edges.append((name, node.lineno, ".".join(parts[:n])))
                        break
    return sorted(set(edges))


def package_of(module: str, packages: dict[str, set[str]]) -> str | None:
    """The innermost package with a rule that holds ``module``."""
    holders = [p for p in packages if module == p or module.startswith(p + ".")]
    return max(holders, key=len, default=None)


def violations(edges: list[Edge], packages: dict[str, set[str]]) -> list[str]:
    """Every import against the rules, as ``file:line: importer imports imported: why``."""
    paths = project_modules()
    found = []
    for source, line, target in edges:
        where = f"{paths[source].relative_to(ROOT)}:{line}: {source} imports {target}"
        if target == TOP and source != TOP:
            found.append(f"{where}: nothing of the project imports the command line")
            continue
        if source == TOP:
            continue
        mine, theirs = package_of(source, packages), package_of(target, packages)
        if mine is None:
            continue  # reported by test_every_module_is_in_a_wing
        allowed = packages[mine]
        if theirs != mine and theirs not in allowed:
            may = ", ".join(sorted(allowed)) or "nothing else of the project"
            found.append(f"{where}: {mine} may import {may} (its docstring's 'May import:' line)")
    return found


def circles(edges: list[Edge]) -> list[list[str]]:
    """The import circles, as closed paths: in each strongly connected set of modules (Tarjan), the
    shortest circle through each module that no circle listed before passes through.

    >>> circles([("a", 1, "b"), ("b", 1, "a"), ("b", 2, "c"), ("c", 1, "d"), ("d", 1, "b"), ("d", 2, "e")])
    [['a', 'b', 'a'], ['c', 'd', 'b', 'c']]
    """
    graph: dict[str, list[str]] = {}
    for source, _, target in edges:
        graph.setdefault(source, []).append(target)
        graph.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            members = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                members.add(w)
                if w == v:
                    break
            if len(members) > 1 or v in graph[v]:
                covered: set[str] = set()
                for start in sorted(members):
                    if start not in covered:
                        path = _closed_path(graph, members, start)
                        covered.update(path)
                        found.append(path)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _closed_path(graph: dict[str, list[str]], members: set[str], start: str) -> list[str]:
    """The shortest path from ``start`` back to itself through ``members`` only (breadth first)."""
    paths = {w: [start, w] for w in sorted(graph[start]) if w in members}
    queue = list(paths)
    while start not in paths:
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w in members and w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    return paths[start]


def project_edges(sources: dict[str, str] | None = None) -> tuple[list[Edge], dict[str, set[str]]]:
    """Every import of the project, and the rules; ``sources`` stands in for some modules' text."""
    modules = project_modules()
    edges = []
    for name, path in modules.items():
        text = (sources or {}).get(name) or path.read_text(encoding="utf-8")
        edges += imports(name, text, set(modules), path.name == "__init__.py")
    return edges, rules(modules)


def test_every_wing_says_what_it_may_import() -> None:
    packages = rules(project_modules())
    assert set(packages) == {"extract", "graph.store", "graph.sparql", "graph.views", "graph.exports"}
    assert packages["extract"] == set()
    assert not {"graph.views", "graph.exports", TOP} & set().union(*packages.values())


def test_every_module_is_in_a_wing() -> None:
    modules, packages = project_modules(), rules(project_modules())
    outside = [m for m in modules if m not in (TOP, "graph") and package_of(m, packages) is None]
    assert not outside, f"modules in no wing (move them into one of {', '.join(sorted(packages))}): {outside}"


def test_no_module_imports_against_the_rule() -> None:
    edges, packages = project_edges()
    found = violations(edges, packages)
    assert not found, "imports against the layout rule:\n" + "\n".join(found)


def test_no_import_circles() -> None:
    edges, _ = project_edges()
    found = circles(edges)
    assert not found, "import circles:\n" + "\n".join(" -> ".join(path) for path in found)


@pytest.mark.parametrize(
    ("module", "line", "why"),
    [
        ("graph.store.store", "from graph.views.maps import MapFilter", "graph.store may import extract"),
        ("graph.views.maps", "from graph.exports.formats import export", "graph.views may import extract,"),
        ("graph.exports.graphml", "from graph.views import analyses", "graph.exports may import extract,"),
        ("extract.records", "import graph.store.vocab", "extract may import nothing else of the project"),
        ("graph.sparql.query", "import cli", "nothing of the project imports the command line"),
    ],
)
def test_a_wrong_import_inside_a_function_is_caught(module: str, line: str, why: str) -> None:
    path = project_modules()[module]
    source = path.read_text(encoding="utf-8") + f"\n\ndef _wrong():\n    {line}\n"
    edges, packages = project_edges({module: source})
    found = [v for v in violations(edges, packages) if f" {module} imports " in v]
    assert len(found) == 1 and why in found[0], found


def test_the_old_extract_circle_is_caught() -> None:
    """The pipeline importing the engines again, which import it inside functions: a circle."""
    source = project_modules()["extract.pipeline"].read_text(encoding="utf-8")
    edges, _ = project_edges({"extract.pipeline": source + "\nfrom .engines import chunks\n"})
    assert circles(edges) == [["extract.engines", "extract.pipeline", "extract.engines"]]

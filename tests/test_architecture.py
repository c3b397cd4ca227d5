"""The import graph of runway_mock: no cycles, and each layer imports only what it may.

The graph is read from the source with ``ast``, imports inside functions included (a
lazy import is still a dependency; hiding a cycle in a function does not remove it).
Run this file to print the graph: ``python tests/test_architecture.py``.

Layers, from the top (a layer may import the ones its row names, and itself):

======== ====================================================== ==========================
layer    modules                                                may import
======== ====================================================== ==========================
entry    runway_mock, __main__, app, cli, options, serving,     everything in mockserver/
         testing, proxy, replay
http     http.*                                                 domain and everything below
domain   domain.*                                               config, store, catalog,
                                                                schema, media, foundation
config   config                                                 store, foundation
media    media.*                                                foundation
catalog  catalog.*                                              schema, foundation
schema   schema                                                 foundation
store    store.*                                                foundation
found.   clock, rand, errors, version, cassettes                nothing of ours
client   client.*                                               catalog, schema, foundation
contracts contracts.*                                           everything
======== ====================================================== ==========================

Only ``entry`` and ``http`` may import Flask or Werkzeug; the client never does (it must
import in a process without them). Nothing in mockserver/ imports the client or the kit.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Source folder -> the package it installs as (pyproject's package-dir).
FOLDERS = {"mockserver": "runway_mock", "client": "runway_mock.client",
           "contracts": "runway_mock.contracts"}
WEB = ("flask", "werkzeug", "waitress")

LAYERS: dict[str, tuple[str, ...]] = {
    # layer: module prefixes (after "runway_mock."; "" is the package itself)
    "entry": ("", "__main__", "app", "cli", "options", "serving", "testing", "proxy",
              "replay"),
    "http": ("http",),
    "domain": ("domain",),
    "config": ("config",),
    "media": ("media",),
    "catalog": ("catalog",),
    "schema": ("schema",),
    "store": ("store",),
    "foundation": ("clock", "rand", "errors", "version", "cassettes"),
    "client": ("client",),
    "contracts": ("contracts",),
}
_BELOW_DOMAIN = {"config", "store", "catalog", "schema", "media", "foundation"}
MAY_IMPORT: dict[str, set[str]] = {
    "entry": {"entry", "http", "domain", *_BELOW_DOMAIN},
    "http": {"http", "domain", *_BELOW_DOMAIN},
    "domain": {"domain", *_BELOW_DOMAIN},
    "config": {"config", "store", "foundation"},
    "media": {"media", "foundation"},
    "catalog": {"catalog", "schema", "foundation"},
    "schema": {"schema", "foundation"},
    "store": {"store", "foundation"},
    "foundation": {"foundation"},
    "client": {"client", "catalog", "schema", "foundation"},
    "contracts": set(LAYERS),
}
MAY_IMPORT_WEB = {"entry", "http", "contracts"}


def modules() -> dict[str, Path]:
    """Every module of ours: dotted name -> source file."""
    found = {}
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def _imported(tree: ast.AST, name: str, is_package: bool) -> Iterator[str]:
    """Every module name an import statement anywhere in ``tree`` names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                package = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}".rstrip(".")
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (``from a import b`` counts as ``a.b`` when
    ``a.b`` is a module, else as ``a``), plus the third-party web stacks it imports."""
    mods = modules()
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(), str(path))
        out: set[str] = set()
        for target in _imported(tree, name, path.name == "__init__.py"):
            if target in mods:
                out.add(target)
            elif target.split(".")[0] in WEB:
                out.add(target.split(".")[0])
        # "from a import b" also yielded "a": keep it only when no "a.x" module was named.
        for target in list(out):
            if (any(other.startswith(target + ".") for other in out if other in mods)
                    and not _names_non_module(tree, target, mods)):
                out.discard(target)
        out.discard(name)
        edges[name] = out
    return edges


def _names_non_module(tree: ast.AST, base: str, mods: dict[str, Path]) -> bool:
    """Whether some ``from base import x`` (or ``import base``) uses ``base`` itself."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == base for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == base and any(
                f"{base}.{a.name}" not in mods for a in node.names):
            return True
    return False


def layer(module: str) -> str:
    """The layer a module of ours belongs to ("unassigned" if LAYERS names none)."""
    rest = module.removeprefix("runway_mock").removeprefix(".")
    fits = [(len(prefix), name) for name, prefixes in LAYERS.items() for prefix in prefixes
            if rest == prefix or (prefix and rest.startswith(prefix + "."))]
    return max(fits)[1] if fits else "unassigned"


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: one member list per strongly connected component (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


def violations(edges: dict[str, set[str]]) -> list[str]:
    """Every import that crosses the layer table the wrong way."""
    bad = []
    for module, targets in sorted(edges.items()):
        mine = layer(module)
        if mine not in MAY_IMPORT:
            continue  # reported by test_every_module_has_a_layer
        for target in sorted(targets):
            if target in WEB:
                if mine not in MAY_IMPORT_WEB:
                    bad.append(f"{module} ({mine}) imports {target}")
            elif layer(target) not in MAY_IMPORT[mine] | {"unassigned"}:
                bad.append(f"{module} ({mine}) imports {target} ({layer(target)})")
    return bad


def test_the_graph_sees_lazy_imports():
    """A function-level import is an edge (here: the package's lazy ``create_app``)."""
    assert "runway_mock.app" in graph()["runway_mock"]


def test_the_cycle_finder_finds_loops_and_only_loops():
    """The cycle finder reports a real import loop once and nothing else."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_a_domain_module_importing_flask_is_a_violation():
    """A layer importing what it may not (domain to flask, catalog to domain) is a violation."""
    assert violations({"runway_mock.domain.x": {"flask"}}) == [
        "runway_mock.domain.x (domain) imports flask"]
    assert violations({"runway_mock.catalog.x": {"runway_mock.domain.tasks"}}) == [
        "runway_mock.catalog.x (catalog) imports runway_mock.domain.tasks (domain)"]


def test_no_import_cycles():
    """No two modules of runway_mock import each other, directly or round a loop."""
    assert cycles(graph()) == []


def test_each_layer_imports_only_what_it_may():
    """http -> domain -> store/catalog/schema/media; the domain never touches Flask."""
    assert violations(graph()) == []


def test_every_module_has_a_layer():
    """A new module must be placed in LAYERS (and so in the table above) to be checked."""
    assert [m for m in modules() if layer(m) not in MAY_IMPORT] == []


if __name__ == "__main__":
    for module, targets in sorted(graph().items()):
        print(f"{module} [{layer(module)}] -> {', '.join(sorted(targets)) or '-'}")
    for component in cycles(graph()):
        print("CYCLE:", " <-> ".join(component))
    for line in violations(graph()):
        print("LAYER:", line)


# ---------------------------------------------------------------------------
# One copy of each shared thing


def _sources() -> dict[str, str]:
    return {name: path.read_text() for name, path in modules().items()}


def test_the_api_version_is_written_once():
    """Only runway_mock.version spells the version; config, client and kit import it."""
    from runway_mock.version import API_VERSION

    assert [name for name, text in _sources().items() if f'"{API_VERSION}"' in text] == [
        "runway_mock.version"]


def test_one_wsgi_adapter_and_one_control_wrapper():
    """The client's WSGI adapter serves the kit too; both kit helpers share ControlAPI."""
    adapters = [name for name, text in _sources().items() if "(BaseAdapter)" in text
                or "adapters.BaseAdapter)" in text]
    assert adapters == ["runway_mock.client.testing"]
    from runway_mock.contracts.control import ControlAPI
    from runway_mock.contracts.fixtures import EmulatorServer
    from runway_mock.contracts.targets import Api

    named = {"advance", "freeze", "set_clock", "reset", "release", "set_policy",
             "clear_policy", "add_fault", "clear_faults", "journal"}
    assert named <= set(vars(ControlAPI))
    for helper in (Api, EmulatorServer):
        assert issubclass(helper, ControlAPI)
        # Only key defaults may be overridden; the calls themselves are written once.
        assert set(vars(helper)) & named <= {"reset", "release"}, helper


def test_the_clients_task_operations_are_the_catalogs():
    """client/operations.py reads the catalog's endpoints instead of listing them."""
    from runway_mock.catalog import ENDPOINTS
    from runway_mock.client.operations import OPERATIONS

    created = {op.path for op in OPERATIONS if op.method == "POST" and op.returns is not None
               and op.returns.__name__ == "NewTask"}
    assert created == {table.path for table in ENDPOINTS.values()}

"""Import rules, checked by parsing every module of publisher with ast.

- Layers: a module imports only modules of its own layer or of lower ones. LAYERS is the
  one table to edit when a module is added, moved or split: each layer lists name
  prefixes, so a package named there ("cli", "linkedin") takes every module under it,
  and the longest prefix decides.
- No import cycle at all among publisher's modules, counting imports at module level,
  inside functions, under TYPE_CHECKING, and the modules named to importlib.import_module.
- The LinkedIn client (publisher.linkedin) and the sandbox (publisher.sandbox) import
  nothing else of publisher but the leaves (modules that import nothing of publisher but
  each other, shared by the product and the sandbox); the sandbox is imported only by
  itself, the demo, the CLI's `sandbox` and `demo` commands, and the tests.
- Only the CLI imports click or prints; only gitops runs or imports git.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "publisher"

# Lowest first. Names are relative to `publisher`; "" is the package's own __init__.
LAYERS: dict[str, tuple[str, ...]] = {
    # One way to write a time, one atomic write, one pass's memo, one mask, LinkedIn's
    # little text format, the feed card templates, the file-format readers, the HTTP
    # session, the fork of a long read: they import nothing of publisher but each other,
    # so the client and the sandbox may use them too.
    "leaves": ("utc", "files", "onepass", "masking", "littletext", "cards", "formats",
               "httpsession", "fanout"),
    # Posts, rendering, configuration, the ledger, the plan: files and values, no git,
    # no network.
    "content": ("", "errors", "apiversion", "schedule", "frontmatter_yaml", "mediarules",
                "gitparse",
                "render_options", "weblinks", "render_walk", "render", "config", "tokens", "writeback",
                "postcheck_media",
                "postmodel", "postcheck", "post", "ledger", "identity", "plan", "planview",
                "newpost", "cron", "runs",
                "unrender", "queueconfig", "queue", "queueview", "calendar", "poll", "reshare"),
    "git": ("gitops", "sources", "init"),
    "linkedin client": ("linkedin",),
    # What runs against LinkedIn and git together, and what reads its results.
    "sync": ("auth", "accounts", "apply_steps", "apply_media", "apply_comments", "apply_record",
             "apply", "resolve", "sync", "analytics", "report",
             "preview", "importer"),
    "demo": ("api", "demo"),
    "cli": ("cli",),
}
STANDALONE = ("linkedin", "sandbox")  # reusable parts: they import only themselves ...
LEAVES = LAYERS["leaves"]                # ... and these
# Who may import the sandbox (fnmatch patterns over full module names). cli.main holds the
# `sandbox` and `demo` commands until they move into command modules of their own.
SANDBOX_USERS = ("publisher.sandbox", "publisher.sandbox.*", "publisher.demo",
                 "publisher.cli.main", "publisher.cli.*sandbox*", "publisher.cli.*demo*")


def module_name(path: Path) -> str:
    parts = ("publisher", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree_of(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"), str(MODULES[name]))


@cache
def nodes_of(name: str) -> tuple[ast.AST, ...]:
    """Every node of a module, walked once for all the checks below."""
    return tuple(ast.walk(tree_of(name)))


def owner(name: str) -> str | None:
    """The publisher module that importing `name` runs (an attribute's module for
    `from publisher.x import attribute`)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(nodes: Sequence[ast.AST]) -> Iterator[tuple[str, int]]:
    """Every dotted name a module imports, with its line, wherever the import statement is."""
    dynamic = any(isinstance(n, ast.Attribute | ast.Name)
                  and getattr(n, "attr", getattr(n, "id", "")) == "import_module"
                  for n in nodes)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield from ((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)
        elif (dynamic and isinstance(node, ast.Constant) and isinstance(node.value, str)
              and node.value in MODULES):
            yield node.value, node.lineno  # a module named to importlib.import_module


@cache
def imports_of(name: str) -> dict[str, int]:
    """The publisher modules `name` imports, each with the first line that imports it."""
    found: dict[str, int] = {}
    for imported, line in imported_names(nodes_of(name)):
        if imported.split(".")[0] != "publisher":
            continue
        target = owner(imported)
        if target and target != name:
            found.setdefault(target, min(line, found.get(target, line)))
    return found


def layer_of(name: str) -> int | None:
    relative = name.removeprefix("publisher").removeprefix(".")
    matches = [(len(prefix), rank) for rank, prefixes in enumerate(LAYERS.values())
               for prefix in prefixes
               if relative == prefix or (prefix and relative.startswith(prefix + "."))]
    return max(matches)[1] if matches else None


def part_of(name: str, package: str) -> bool:
    return name == f"publisher.{package}" or name.startswith(f"publisher.{package}.")


RANKED = sorted(n for n in MODULES if not any(part_of(n, s) for s in STANDALONE))


@pytest.mark.parametrize("name", RANKED)
def test_lower_layers_never_import_higher_ones(name: str) -> None:
    rank = layer_of(name)
    assert rank is not None, f"give {name} a layer in LAYERS of tests/test_layers.py"
    layers = list(LAYERS)
    higher = [f"{MODULES[name].name}:{line} imports {target} ({layers[target_rank]})"
              for target, line in sorted(imports_of(name).items())
              if (target_rank := layer_of(target)) is not None and target_rank > rank]
    assert higher == [], f"{name} ({layers[rank]}) imports a higher layer:\n" + "\n".join(higher)


@pytest.mark.parametrize(("name", "layer"), [
    ("publisher", "content"), ("publisher.post", "content"), ("publisher.gitops", "git"),
    ("publisher.linkedin.client", "linkedin client"), ("publisher.report.svg", "sync"),
    ("publisher.accounts.store", "sync"), ("publisher.cli.commands.sync", "cli"),
    ("publisher.postscript", None), ("publisher.newmodule", None),
])
def test_a_package_named_in_a_layer_takes_every_module_under_it(name: str,
                                                                layer: str | None) -> None:
    rank = layer_of(name)
    assert (None if rank is None else list(LAYERS)[rank]) == layer


@pytest.mark.parametrize("package", STANDALONE)
def test_the_client_and_the_sandbox_import_only_themselves(package: str) -> None:
    outside = [f"{name} imports {target}" for name in MODULES if part_of(name, package)
               for target in imports_of(name)
               if not part_of(target, package) and not any(part_of(target, leaf)
                                                           for leaf in LEAVES)]
    assert outside == []


def test_the_leaves_import_only_one_another() -> None:
    outside = [f"{name} imports {target}" for name in MODULES
               if any(part_of(name, leaf) for leaf in LEAVES)
               for target in imports_of(name)
               if not any(part_of(target, leaf) for leaf in LEAVES)]
    assert outside == []


def test_only_the_demo_and_its_commands_import_the_sandbox() -> None:
    users = [f"{MODULES[name].relative_to(PACKAGE.parent)}:{line} imports {target}"
             for name in MODULES for target, line in imports_of(name).items()
             if part_of(target, "sandbox")
             and not any(fnmatchcase(name, pattern) for pattern in SANDBOX_USERS)]
    assert users == []


Graph = Mapping[str, Iterable[str]]


def import_graph() -> dict[str, list[str]]:
    return {name: sorted(imports_of(name)) for name in MODULES}


def import_groups(graph: Graph) -> list[set[str]]:
    """The groups of modules that import one another, directly or not (Tarjan's strongly
    connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for target in graph.get(name, ()):
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            cut = stack.index(name)
            group = set(stack[cut:])
            del stack[cut:]
            if len(group) > 1:
                groups.append(group)

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return groups


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle through each group of modules that import one another."""
    return sorted(cycle_in(group, graph) for group in import_groups(graph))


def cycle_in(group: set[str], graph: Graph) -> list[str]:
    """The shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        name = queue.pop(0)
        for target in sorted(graph.get(name, ())):
            if target == start:
                return [*paths[name], start]
            if target in group and target not in paths:
                paths[target] = [*paths[name], target]
                queue.append(target)
    raise AssertionError(f"no cycle in {group}")


def test_no_import_cycle() -> None:
    graph = import_graph()
    found = [" -> ".join(cycle_in(group, graph)) + f" (the group: {', '.join(sorted(group))})"
             for group in import_groups(graph)]
    assert found == [], "import cycles:\n" + "\n".join(found)


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}, [["a", "b", "c", "a"]]),
    ({"a": ["b"], "b": [], "c": ["a", "b"]}, []),
    ({"a": ["b", "c"], "b": ["a"], "c": ["d"], "d": ["c"]}, [["a", "b", "a"], ["c", "d", "c"]]),
], ids=["three modules", "none", "two separate cycles"])
def test_the_cycle_finder(graph: dict[str, list[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected


def test_function_level_and_dynamic_imports_are_seen() -> None:
    tree = ast.parse("def f():\n    from publisher import render\n"
                     "import importlib\nimportlib.import_module('publisher.cli.main')\n")
    assert set(imported_names(list(ast.walk(tree)))) == {("publisher.render", 2), ("importlib", 3),
                                         ("publisher.cli.main", 4)}


def test_only_cli_imports_click_or_prints() -> None:
    offenders = []
    for name, path in MODULES.items():
        if part_of(name, "cli"):
            continue
        for node in nodes_of(name):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(n.split(".")[0] == "click" for n in names):
                    offenders.append(f"{path.name} imports click")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} calls print")
    assert offenders == []


def test_only_gitops_runs_git() -> None:
    """No `git` subprocess anywhere else (the sandbox runs no git): no argument list that
    starts with "git". (A "git" elsewhere, as publish.toml's [git] table, runs nothing.)"""
    for name, path in MODULES.items():
        if path.name == "gitops.py":
            continue
        argvs = [n for n in nodes_of(name) if isinstance(n, (ast.List, ast.Tuple))
                 and n.elts and isinstance(n.elts[0], ast.Constant) and n.elts[0].value == "git"]
        assert argvs == [], f"{path}:{argvs[0].lineno} runs git"


def test_only_gitops_imports_git() -> None:
    for name, path in MODULES.items():
        imports = [a.name for n in nodes_of(name) if isinstance(n, ast.Import)
                   for a in n.names]
        if "git" in imports:
            assert path.name == "gitops.py", path

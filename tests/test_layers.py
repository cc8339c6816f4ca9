"""Import rules of design.md section 2, checked by parsing every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "publisher"

# A module may import only modules of a lower or equal rank (never a higher one).
RANK = {
    "errors": 0, "apiversion": 0, "schedule": 1, "config": 1, "frontmatter_yaml": 1, "media": 1, "render": 1,
    "post": 2, "ledger": 3, "gitops": 3, "newpost": 3, "init": 3, "plan": 4, "sources": 5,
    "planview": 5, "writeback": 2, "tokens": 1, "apply": 6, "resolve": 6, "sync": 7, "auth": 6, "analytics": 6, "preview": 6, "report": 7, "demo": 8, "cli": 9,
    "identity": 3, "queueconfig": 1, "queue": 4, "queueview": 5, "calendar": 5,
}
STANDALONE = ("linkedin", "sandbox")  # reusable: import nothing else of publisher


def publisher_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("publisher"):
            parts = node.module.split(".")
            if len(parts) == 1:
                found.update(alias.name for alias in node.names)
            else:
                found.add(parts[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("publisher.") and "." in a.name)
    return found


def top_module(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_lower_modules_never_import_higher_ones(path: Path) -> None:
    module = top_module(path)
    imported = publisher_imports(path) - {module, "__version__"}
    if module in STANDALONE:
        assert imported == set(), f"{module} must stay independent of publisher: {imported}"
        return
    rank = RANK.get(module)
    assert rank is not None, f"give publisher/{module} a rank in tests/test_layers.py"
    higher = {m for m in imported if RANK.get(m, 99) > rank and m not in STANDALONE}
    assert not higher, f"{module} imports higher modules {higher}"


def test_only_cli_imports_click_or_prints() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
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
    for path in PACKAGE.rglob("*.py"):
        if path.name == "gitops.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        argvs = [n for n in ast.walk(tree) if isinstance(n, (ast.List, ast.Tuple)) and n.elts
                 and isinstance(n.elts[0], ast.Constant) and n.elts[0].value == "git"]
        assert argvs == [], f"{path}:{argvs[0].lineno} runs git"


def test_only_gitops_imports_git() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        if "git" in imports:
            assert path.name == "gitops.py", path

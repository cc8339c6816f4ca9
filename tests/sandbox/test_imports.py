"""The sandbox is the referee: it must not use any of the code it referees."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SANDBOX = Path(__file__).resolve().parents[2] / "publisher" / "sandbox"
THIRD_PARTY = {"werkzeug", "jinja2"}
# The control client speaks HTTP to the sandbox like any client: requests, through the one
# Session the package's clients use.
CONTROL_ONLY = {"requests", "publisher.httpsession"}
# Leaves that import nothing of publisher but each other (tests/test_layers.py): LinkedIn's
# little text format, the feed card templates, how a time is written, one atomic write.
SHARED_LEAVES = {"publisher.littletext", "publisher.cards", "publisher.utc", "publisher.files"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "publisher":
            names.update(f"publisher.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(SANDBOX.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(SANDBOX)))
def test_sandbox_imports_only_itself_stdlib_werkzeug_and_jinja(path: Path) -> None:
    allowed = THIRD_PARTY | (CONTROL_ONLY if path == SANDBOX / "control.py" else set())
    for name in imported_modules(path):
        top = name.split(".")[0]
        if top == "publisher":
            assert (name == "publisher.sandbox" or name.startswith("publisher.sandbox.")
                    or name in SHARED_LEAVES or name in allowed), name
        elif top not in ("_typeshed", "__future__"):
            assert top in sys.stdlib_module_names or top in allowed, f"{path.relative_to(SANDBOX)}: {name}"

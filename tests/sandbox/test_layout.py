"""The sandbox's layout: routes and handlers in step, a 404 for an endpoint without a
handler, backend parts that each make their own state, no import cycle inside the sandbox."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest
from werkzeug.routing import Map, Rule
from werkzeug.test import Client

from publisher.sandbox import backend as backend_package
from publisher.sandbox.backend import Backend
from publisher.sandbox.backend.analytics import Analytics
from publisher.sandbox.backend.core import Core
from publisher.sandbox.backend.identity import Identity
from publisher.sandbox.backend.oauth import OAuth
from publisher.sandbox.backend.persistence import Persistence
from publisher.sandbox.backend.posts import Posts
from publisher.sandbox.backend.social import Social
from publisher.sandbox.backend.uploads import Uploads
from publisher.sandbox.handlers import SandboxApp
from publisher.sandbox.handlers.dispatch import API, CONTROL
from publisher.sandbox.routes import URL_MAP

SANDBOX = Path(__file__).resolve().parents[2] / "publisher" / "sandbox"
ROUTED = {str(rule.endpoint) for rule in URL_MAP.iter_rules()}
PARTS = (Core, Identity, OAuth, Uploads, Posts, Social, Analytics, Persistence)


@pytest.mark.parametrize("endpoint", sorted(ROUTED))
def test_every_route_resolves_to_a_handler(endpoint: str) -> None:
    table = CONTROL if endpoint.startswith("control.") else API
    assert endpoint in table, f"routes.py names {endpoint} but the dispatch table has no handler"
    assert callable(table[endpoint])


@pytest.mark.parametrize("endpoint", sorted({*API, *CONTROL}))
def test_every_handler_has_a_route(endpoint: str) -> None:
    assert endpoint in ROUTED, f"the dispatch table serves {endpoint}, which no rule reaches"


def test_control_handlers_serve_control_routes_only() -> None:
    assert all(e.startswith("control.") for e in CONTROL)
    assert not any(e.startswith("control.") for e in API)


@pytest.mark.parametrize(("path", "endpoint"), [
    ("/rest/widgets", "rest.widgets"),            # an API family the gateway would check
    ("/_sandbox/nothing", "control.nothing"),     # a control route
    ("/v2/me", "v2.me"),
])
def test_an_endpoint_without_a_handler_is_a_404_from_the_router(path: str,
                                                                endpoint: str) -> None:
    backend = Backend(seed=1)
    app = SandboxApp(backend, Map([Rule(path, endpoint=endpoint, methods=["GET"])]))
    answer = Client(app).get(path)
    assert answer.status_code == 404
    assert json.loads(answer.get_data()) == {
        "status": 404, "code": "NOT_IMPLEMENTED",
        "message": f"not implemented in the sandbox: GET {path}"}
    assert backend.state_json()["requests"] == {"GET (not implemented)": 1}


def test_a_routed_endpoint_with_its_handler_answers() -> None:
    """The control for the test above: the same app serves a path that has a handler."""
    app = SandboxApp(Backend(seed=1), Map([Rule("/_sandbox/clock", endpoint="control.clock",
                                                methods=["GET"])]))
    answer = Client(app).get("/_sandbox/clock")
    assert answer.status_code == 200
    assert "epoch_ms" in json.loads(answer.get_data())


def _own_containers(part: type) -> set[str]:
    return set(inspect.get_annotations(part))


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.__name__)
def test_each_backend_part_makes_the_containers_it_declares(part: type) -> None:
    backend = Backend(seed=3)
    for name in _own_containers(part):
        before = getattr(backend, name)
        backend.reset()
        assert name in vars(backend), f"{part.__name__}.{name} is not made by reset()"
        assert getattr(backend, name) is not before, f"reset() kept the old {name}"


def test_no_two_backend_parts_declare_the_same_container() -> None:
    seen: dict[str, str] = {}
    for part in PARTS:
        for name in _own_containers(part):
            assert name not in seen, f"{name} is declared by {seen[name]} and {part.__name__}"
            seen[name] = part.__name__


def test_backend_is_composed_of_every_part() -> None:
    assert set(PARTS) <= set(Backend.__mro__)
    assert backend_package.Backend is Backend


def _module_name(path: Path) -> str:
    relative = path.relative_to(SANDBOX.parent.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SANDBOX.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in modules:
                targets = {f"{node.module}.{a.name}" for a in node.names}
                found = targets & modules.keys()    # `from package import module`
                graph[name] |= found or {node.module}
            elif isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node):], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph[node]):
            found = visit(target)
            if found:
                return found
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start)
        if found:
            return found
    return None


def test_no_import_cycle_inside_the_sandbox() -> None:
    graph = _import_graph()
    assert "publisher.sandbox.backend.core" in graph        # the walk sees the packages
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]

"""The tiers of tests/conftest.py: which markers a test gets from its folder and its calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import TESTS, marks_of_file, reachable


@pytest.mark.parametrize(("path", "marks"), [
    ("workflows/test_publish_workflow.py", {"act", "slow", "sandbox"}),
    ("browser/test_preview_in_browser.py", {"browser"}),
    ("sandbox/test_posts.py", {"sandbox"}),
    ("test_crash_matrix.py", {"slow"}),
    ("test_render.py", set()),
])
def test_a_folder_or_module_gives_its_marks(path: str, marks: set[str]) -> None:
    assert marks_of_file(TESTS / path) == marks


# Never run: only the names they refer to count.
def _kills() -> None:
    _world().publish()


def _world() -> Any:
    return None


def test_the_names_of_the_helpers_a_test_calls_count_as_its_own() -> None:
    def test_body() -> None:
        _kills()

    names = reachable(test_body)
    assert {"_kills", "_world", "publish"} <= names


def test_a_sandbox_fixture_marks_the_test(base_url: str, request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("sandbox") is not None
    assert request.node.get_closest_marker("slow") is None


def test_a_pure_test_has_no_tier(request: pytest.FixtureRequest) -> None:
    assert [m.name for m in request.node.iter_markers() if m.name in
            {"sandbox", "slow", "browser", "act"}] == []


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    from publisher.sandbox import running_sandbox

    with running_sandbox(seed=1) as url:
        yield url

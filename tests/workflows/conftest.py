"""Fixtures of the workflow rehearsals: the actions, the tool cache, the sandbox, a fake
GitHub and a content repository with its origin (harness.py says what each stands for)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.publishing import seed_sandbox
from tests.workflows.harness import FakeGitHub, Rehearsal, tool_cache, unpack_actions


@pytest.fixture(scope="session")
def actions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return unpack_actions(tmp_path_factory.mktemp("actions"))


@pytest.fixture(scope="session")
def toolcache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tool_cache(tmp_path_factory.mktemp("toolcache"))


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with running_sandbox(seed=21) as url:
        yield url


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub().start()
    yield fake
    fake.stop()


@pytest.fixture
def rehearsal(tmp_path: Path, actions: dict[str, Path], toolcache: Path, github: FakeGitHub,
              sandbox_url: str) -> Rehearsal:
    tokens = seed_sandbox(SandboxControl(sandbox_url))
    secrets = {f"LINKEDIN_ACCESS_TOKEN_{alias.upper()}": token for alias, token in tokens.items()}
    return Rehearsal(tmp_path, actions, toolcache, github, sandbox_url, secrets)

"""Fixtures of the workflow rehearsals: the actions, the tool cache, the sandbox, a fake
GitHub and a content repository with its origin (harness.py says what each stands for)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.publishing import PAGE_SCOPES, PERSON_SCOPES, seed_sandbox
from tests.workflows.harness import (
    FakeGitHub,
    Rehearsal,
    shared_actions,
    tool_cache,
    unpack_actions,
)


@pytest.fixture(scope="session")
def actions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # The action snapshots come with the project's CI (../shared/actions), not from a
    # package registry: CI must have them, a developer's fresh clone may not.
    try:
        shared_actions()
    except RuntimeError as missing:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"{missing} (CI, where CI=true, fails instead)")
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
    control = SandboxControl(sandbox_url)
    seed_sandbox(control)
    # The workflows run publish on the machine's clock (they pass no --now), so the
    # sandbox runs on it too, and the API version is last month's (harness.py): what is
    # due, the versions served and the tokens' lifetimes agree on any day.
    control.set_clock(datetime.now(UTC), running=True)
    tokens = {"jane": control.token("782bbtaQ", PERSON_SCOPES),
              "acme": control.token("782bbtaQ", PAGE_SCOPES)}
    secrets = {f"LINKEDIN_ACCESS_TOKEN_{alias.upper()}": token for alias, token in tokens.items()}
    return Rehearsal(tmp_path, actions, toolcache, github, sandbox_url, secrets)

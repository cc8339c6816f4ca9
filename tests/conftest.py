"""Shared fixtures: a repository of posts in a temp folder, with git.

Every sandbox the tests start, in this process or in another, runs its clock from one
fixed time (PUBLISH_SANDBOX_CLOCK), so the API versions it serves and what it counts per
day never depend on the day the tests run; tests that plan pass --now or set the clock.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import CONFIG, Files, commit_all, git, write_files

SANDBOX_CLOCK = "2026-12-01T09:00:00Z"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PUBLISH_SANDBOX_CLOCK", SANDBOX_CLOCK)


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """Build a git repository with publish.toml and the given files, all committed."""

    def build(files: Files | None = None, config: str = CONFIG, commit: bool = True) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.email", "test@example.com")
        git(root, "config", "user.name", "Test")
        write_files(root, {"publish.toml": config, **(files or {})})
        if commit:
            commit_all(root)
        return root

    return build

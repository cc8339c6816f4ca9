"""Shared fixtures: a repository of posts in a temp folder, with git."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import CONFIG, Files, commit_all, git, write_files


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

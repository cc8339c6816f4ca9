"""Where the harness finds the action snapshots, and what it says when they are missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workflows.harness import shared_actions


def test_the_snapshots_are_found_in_the_nearest_shared_folder_above(tmp_path: Path) -> None:
    (tmp_path / "shared" / "actions").mkdir(parents=True)
    for clone in (tmp_path / "clone", tmp_path / "wt" / "branch"):   # CI's layout, worktrees
        clone.mkdir(parents=True)
        assert shared_actions(clone, {}) == tmp_path / "shared" / "actions"


def test_the_environment_names_another_folder(tmp_path: Path) -> None:
    assert shared_actions(tmp_path / "x", {"PUBLISH_SHARED_ACTIONS": str(tmp_path)}) == tmp_path
    with pytest.raises(RuntimeError, match=r"PUBLISH_SHARED_ACTIONS=.*is not a folder"):
        shared_actions(tmp_path, {"PUBLISH_SHARED_ACTIONS": str(tmp_path / "none")})


def test_missing_snapshots_fail_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"no folder shared/actions above .*"
                                           r"put them in \.\./shared/actions or set "
                                           r"PUBLISH_SHARED_ACTIONS"):
        shared_actions(tmp_path / "clone", {})

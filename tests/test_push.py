"""`publish --push` when the remote moved on: rebase, merge the ledger, push again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.publishing import POSTS, World, build_world
from tests.support import commit_all, git, write_files

TEXT, IMAGE = "posts/a-text.md", "posts/b-image.md"


SANDBOX_SEED = 11  # the sandbox_url fixture (tests/conftest.py) starts it


@pytest.fixture
def origin_and_clones(tmp_path: Path, sandbox_url: str) -> tuple[Path, World, Path]:
    """A bare origin holding the posts, a checkout `world` of it, and a second clone."""
    first = build_world(tmp_path / "first", sandbox_url, posts={TEXT: POSTS[TEXT]})
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(first.root), str(origin))
    world = _clone(origin, tmp_path / "checkout", sandbox_url)
    world.tokens = first.tokens
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(origin), str(other))
    _identify(other)
    return origin, world, other


def _clone(origin: Path, target: Path, url: str) -> World:
    git(origin.parent, "clone", "-q", str(origin), str(target))
    _identify(target)
    from publisher.sandbox.control import SandboxControl

    return World(target, url, SandboxControl(url))


def _identify(root: Path) -> None:
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "Test")


def push_when_we_commit(root: Path, other: Path) -> None:
    """A post-commit hook in `root` that pushes `other` to origin (a no-op after once)."""
    hook = root / ".git" / "hooks" / "post-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    # The hook runs with our repository's GIT_* variables, which must not reach `other`.
    hook.write_text("#!/bin/sh\nunset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_PREFIX\n"
                    f"git -C '{other}' push -q origin main\n", encoding="utf-8")
    hook.chmod(0o755)


def _origin_ledger(origin: Path) -> dict[str, object]:
    text = git(origin, "show", "main:.publish/ledger.json")
    data: dict[str, object] = json.loads(text)
    return data


def test_push_publishes_and_pushes(origin_and_clones: tuple[Path, World, Path]) -> None:
    origin, world, _ = origin_and_clones
    run = world.publish("--push")
    assert run.code == 0, run.output
    assert "pushed to origin/main" in run.output
    assert git(origin, "log", "-1", "--format=%s", "main").strip() == "publish: 1 created"


def test_a_rejected_push_rebases_and_merges_the_ledger(
    origin_and_clones: tuple[Path, World, Path],
) -> None:
    origin, world, other = origin_and_clones
    # Meanwhile someone adopts a post made by hand in another clone and pushes: that
    # ledger commit conflicts with ours line by line, and git alone cannot merge them.
    write_files(other, {IMAGE: "---\nauthor: jane\n---\nMade by hand.\n"})
    commit_all(other, "a post made by hand")
    adopted = World(other, world.url, world.control, tokens=world.tokens)
    assert adopted.publish("adopt", IMAGE, "--urn", "urn:li:share:42", now=None).code == 0
    # The other clone pushes (adopt committed the ledger) while our sync runs: after it
    # checked that it was up to date, between its first commit and that commit's push.
    push_when_we_commit(world.root, other)

    run = world.publish("--push")
    assert run.code == 0, run.output
    assert "pushed to origin/main" in run.output
    posts = _origin_ledger(origin)["posts"]
    assert isinstance(posts, dict)
    assert {TEXT, IMAGE} <= set(posts)
    assert all(posts[p]["state"] == "published" for p in (TEXT, IMAGE))
    assert posts[IMAGE]["urn"] == "urn:li:share:42"
    assert world.count_of("Plain text from the page") == 1
    subjects = git(origin, "log", "--format=%s", "main").splitlines()
    # The intent was pushed before the post (rebased onto the adoption), then the result.
    assert subjects[:3] == ["publish: 1 created", "publish: about to post 1",
                            f"publish: {IMAGE} is urn:li:share:42"]
    assert git(world.root, "status", "--porcelain") == ""

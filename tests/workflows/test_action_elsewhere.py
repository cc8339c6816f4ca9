"""The composite action used from another repository: the complete content repository of
docs/github.md (and the README; what `publish init` writes, tests/test_init.py), with
`uses: your-org/linkedin-publish@v1` mapped to this project, runs check, the plan as a
sticky comment, and the sync."""

from __future__ import annotations

import pytest

from publisher.sandbox.control import SandboxControl
from tests.support import git
from tests.test_workflows import doc_blocks
from tests.workflows.harness import Rehearsal, copy_project

pytestmark = pytest.mark.slow

POST = "posts/2026/12/hello.md"
# The documented post names a date; this one is due whenever the test runs.
HELLO = "---\nauthor: acme\n---\nHello from our repository of posts. #launch\n"
NUMBER = 3


def documented_repository() -> dict[str, str]:
    plan, publish = [b for b in doc_blocks("yaml") if b.startswith("name:")]
    return {"publish.toml": doc_blocks("toml")[0], "posts/.keep": "",
            ".github/workflows/plan.yml": plan, ".github/workflows/publish.yml": publish}


def pull_request(sha: str) -> dict[str, object]:
    return {"number": NUMBER, "repository": {"default_branch": "main"},
            "pull_request": {"number": NUMBER, "head": {"sha": sha, "ref": "hello"},
                             "base": {"ref": "main"}}}


def test_the_documented_content_repository_plans_and_publishes(rehearsal: Rehearsal) -> None:
    rehearsal.actions = {**rehearsal.actions, "your-org/linkedin-publish@v1":
                         copy_project(rehearsal.base / "linkedin-publish")}
    rehearsal.create(documented_repository(), project=False)
    git(rehearsal.checkout, "checkout", "-q", "-b", "hello")
    (rehearsal.checkout / POST).parent.mkdir(parents=True)
    (rehearsal.checkout / POST).write_text(HELLO, encoding="utf-8")
    rehearsal.commit("Hello post")
    git(rehearsal.checkout, "push", "-q", "origin", "hello")
    sha = git(rehearsal.checkout, "rev-parse", "HEAD").strip()
    rehearsal.github.open_pull(NUMBER, sha)

    from_fork = rehearsal.act("pull_request", "plan.yml", pull_request(sha), fork=True)

    assert from_fork.code == 0, from_fork.output
    assert "read-only token (a pull request from a fork)" in from_fork.output
    assert rehearsal.github.comments_on(NUMBER) == []

    own = rehearsal.act("pull_request", "plan.yml", pull_request(sha))

    assert own.code == 0, own.output
    assert "1 post checked: 0 errors" in own.output
    [comment] = rehearsal.github.comments_on(NUMBER)
    assert "Hello from our repository of posts." in comment.body

    git(rehearsal.checkout, "checkout", "-q", "main")
    git(rehearsal.checkout, "merge", "-q", "--no-ff", "-m", "Merge hello", "hello")
    git(rehearsal.checkout, "push", "-q", "origin", "main")

    published = rehearsal.act("push", "publish.yml", {"ref": "refs/heads/main"})

    assert published.code == 0, published.output
    posts = [p for p in SandboxControl(rehearsal.sandbox_url).state()["posts"]
             if "Hello from our repository" in p.get("commentary", "") and not p["deleted"]]
    assert len(posts) == 1
    assert rehearsal.origin_log()[0].startswith("publish: 1 created")
    assert f"urn: {posts[0]['urn']}" in rehearsal.origin_file(POST)

"""plan.yml and plan-comment.yml under act: the plan of a pull request reaches one sticky
comment, which the next push edits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import CONFIG, git
from tests.workflows.harness import Rehearsal

pytestmark = pytest.mark.slow

POST = "posts/launch.md"
NUMBER = 7
MARKER = "<!-- publish-plan -->"


def post(text: str) -> str:
    return f"---\nauthor: acme\n---\n{text}\n"


def pull_request(sha: str) -> dict[str, Any]:
    return {"number": NUMBER, "repository": {"default_branch": "main"},
            "pull_request": {"number": NUMBER, "head": {"sha": sha, "ref": "launch"},
                             "base": {"ref": "main"}}}


def workflow_run(sha: str) -> dict[str, Any]:
    return {"repository": {"default_branch": "main"},
            "workflow_run": {"id": 1, "event": "pull_request", "conclusion": "success",
                             "head_sha": sha}}


def plan_and_comment(rehearsal: Rehearsal) -> str:
    """Push the branch, run Plan on the pull request, then Plan comment from main."""
    git(rehearsal.checkout, "push", "-q", "-f", "origin", "launch")
    sha = git(rehearsal.checkout, "rev-parse", "HEAD").strip()
    rehearsal.github.open_pull(NUMBER, sha)
    plan = rehearsal.act("pull_request", "plan.yml", pull_request(sha))
    assert plan.code == 0, plan.output
    git(rehearsal.checkout, "checkout", "-q", "main")
    comment = rehearsal.act("workflow_run", "plan-comment.yml", workflow_run(sha))
    assert comment.code == 0, comment.output
    git(rehearsal.checkout, "checkout", "-q", "launch")
    return sha


def test_the_plan_is_one_comment_edited_on_every_push(rehearsal: Rehearsal) -> None:
    rehearsal.create({"publish.toml": CONFIG, "posts/.keep": ""})
    git(rehearsal.checkout, "checkout", "-q", "-b", "launch")
    (rehearsal.checkout / POST).write_text(post("First draft of the launch."), encoding="utf-8")
    rehearsal.commit("Launch post")

    first_sha = plan_and_comment(rehearsal)

    [comment] = rehearsal.github.comments_on(NUMBER)
    assert comment.body.startswith(MARKER)
    assert "First draft of the launch." in comment.body
    assert first_sha[:10] in comment.body
    assert comment.edits == []

    (rehearsal.checkout / POST).write_text(post("Second draft of the launch."), encoding="utf-8")
    rehearsal.commit("Reword the launch")
    second_sha = plan_and_comment(rehearsal)

    [edited] = rehearsal.github.comments_on(NUMBER)
    assert edited.id == comment.id
    assert "Second draft of the launch." in edited.body
    assert second_sha[:10] in edited.body
    assert len(edited.edits) == 1 and "First draft" in edited.edits[0]
    assert rehearsal.origin_log() == ["content repository"]  # a plan writes nothing


def test_a_pull_request_from_a_fork_gets_its_plan_through_workflow_run(
    rehearsal: Rehearsal,
) -> None:
    rehearsal.create({"publish.toml": CONFIG, "posts/.keep": ""})
    fork = rehearsal.base / "fork"
    git(rehearsal.base, "clone", "-q", str(rehearsal.origin), str(fork))
    git(fork, "config", "user.email", "stranger@example.com")
    git(fork, "config", "user.name", "Stranger")
    (fork / POST).write_text(post("A post from a fork."), encoding="utf-8")
    git(fork, "add", "-A")
    git(fork, "commit", "-q", "-m", "Post from a fork")
    # GitHub keeps a fork's pull request in the base repository as refs/pull/N/head.
    git(fork, "push", "-q", str(rehearsal.origin), f"HEAD:refs/pull/{NUMBER}/head")
    git(rehearsal.checkout, "fetch", "-q", "origin", f"refs/pull/{NUMBER}/head")
    git(rehearsal.checkout, "checkout", "-q", "-b", f"pr-{NUMBER}", "FETCH_HEAD")
    sha = git(rehearsal.checkout, "rev-parse", "HEAD").strip()
    rehearsal.github.open_pull(NUMBER, sha)

    plan = rehearsal.act("pull_request", "plan.yml", pull_request(sha), fork=True)

    assert plan.code == 0, plan.output
    assert [r for r in rehearsal.github.requests if not r.startswith("GET")] == []
    assert rehearsal.github.comments_on(NUMBER) == []

    git(rehearsal.checkout, "checkout", "-q", "main")
    comment = rehearsal.act("workflow_run", "plan-comment.yml", workflow_run(sha))

    assert comment.code == 0, comment.output
    [posted] = rehearsal.github.comments_on(NUMBER)
    assert posted.body.startswith(MARKER)
    assert "A post from a fork." in posted.body
    assert git(rehearsal.origin, "branch", "--format=%(refname:short)").split() == ["main"]

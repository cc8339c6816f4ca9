"""Deleting a post from a pull request under act: the plan comment shows `delete`, and
after the merge the scheduled run deletes it on the sandbox, once."""

from __future__ import annotations

import pytest

from publisher.sandbox.control import SandboxControl
from tests.support import CONFIG, git
from tests.workflows.harness import Rehearsal
from tests.workflows.test_plan_workflow import NUMBER, plan_and_comment

pytestmark = pytest.mark.slow

POST = "posts/launch.md"
TEXT = "A post we will take down, rehearsed under act."
PUSH = {"ref": "refs/heads/main", "repository": {"default_branch": "main"}}
SCHEDULE = {"schedule": "*/15 * * * *", "repository": {"default_branch": "main"}}


def live_posts_with(rehearsal: Rehearsal, text: str) -> int:
    posts = SandboxControl(rehearsal.sandbox_url).state()["posts"]
    return sum(text in p.get("commentary", "") and not p["deleted"] for p in posts)


def deletes(rehearsal: Rehearsal) -> int:
    log = SandboxControl(rehearsal.sandbox_url).state()["request_log"]
    return sum(call["method"] == "DELETE" for call in log)


def test_a_post_marked_deleted_in_a_pull_request_is_deleted_after_the_merge(
    rehearsal: Rehearsal,
) -> None:
    rehearsal.create({"publish.toml": CONFIG, POST: f"---\nauthor: acme\n---\n{TEXT}\n"})
    published = rehearsal.act("push", "publish.yml", PUSH)
    assert published.code == 0, published.output
    assert live_posts_with(rehearsal, TEXT) == 1
    rehearsal.pull()
    urn = next(line.split(": ", 1)[1] for line in (rehearsal.checkout / POST).read_text()
               .splitlines() if line.startswith("urn: "))

    git(rehearsal.checkout, "checkout", "-q", "-b", "launch")
    target = rehearsal.checkout / POST
    target.write_text(target.read_text().replace("author: acme\n", "author: acme\nstatus: deleted\n"),
                      encoding="utf-8")
    rehearsal.commit("Take the launch post down")
    plan_and_comment(rehearsal)

    [comment] = rehearsal.github.comments_on(NUMBER)
    assert f"| - | **delete** | `{POST}` |" in comment.body, comment.body
    assert f"deletes `{urn}` from LinkedIn" in comment.body
    assert live_posts_with(rehearsal, TEXT) == 1 and deletes(rehearsal) == 0

    git(rehearsal.checkout, "checkout", "-q", "main")
    git(rehearsal.checkout, "merge", "-q", "--no-ff", "-m", "Merge the take-down", "launch")
    git(rehearsal.checkout, "push", "-q", "origin", "main")
    run = rehearsal.act("schedule", "publish.yml", SCHEDULE)

    assert run.code == 0, run.output
    assert live_posts_with(rehearsal, TEXT) == 0 and deletes(rehearsal) == 1
    assert rehearsal.origin_log()[0].startswith("publish: 1 deleted"), rehearsal.origin_log()
    assert f"# urn: {urn} (deleted from LinkedIn on " in rehearsal.origin_file(POST)
    assert '"state": "deleted"' in rehearsal.origin_file(".publish/ledger.json")
    assert rehearsal.github.alerts() == []

    rehearsal.pull()
    again = rehearsal.act("schedule", "publish.yml", SCHEDULE)
    assert again.code == 0, again.output
    assert deletes(rehearsal) == 1 and rehearsal.origin_log()[0].startswith("publish: 1 deleted")

"""Durable on throw-away checkouts: whatever stops a `publish --push` run, a later run on a
fresh clone of origin never posts again what LinkedIn was told.

Each test plays a CI runner: a bare origin, a fresh clone per run, `publish --push` as its
own process (so the sandbox can signal it), and the sandbox clock a day on before the next
run, so LinkedIn's 10-minute duplicate check cannot hide a second post. The oracle is the
sandbox: how many live posts carry each text.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from publisher.apply import EXIT_DEFERRED
from publisher.sandbox.control import SandboxControl
from publisher.sync import LISTED_OUTCOMES, commit_message
from tests.publishing import World, build_world
from tests.support import git

DAY_LATER = "2026-12-02T09:00:00Z"

# No schedule (so nothing expires a day later), people and the page in turn.
POSTS = {
    f"posts/{index:02d}.md": f"""\
        ---
        author: {"jane" if index % 2 else "acme"}
        ---
        Durable note {index:02d} for the record.
        """
    for index in range(1, 7)
}
TEXTS = {path: f"Durable note {path[6:8]} for the record." for path in POSTS}


SANDBOX_SEED = 31  # the sandbox_url fixture (tests/conftest.py) starts it


class Origin:
    """A bare origin and the sandbox; `checkout` makes the fresh clone of one run."""

    def __init__(self, tmp_path: Path, url: str, posts: dict[str, str]) -> None:
        self.tmp_path = tmp_path
        seed = build_world(tmp_path / "seed", url, posts=posts)
        self.control: SandboxControl = seed.control
        self.tokens = seed.tokens
        self.url = url
        self.bare = tmp_path / "origin.git"
        git(tmp_path, "clone", "-q", "--bare", str(seed.root), str(self.bare))
        self.runs = 0

    def checkout(self) -> World:
        self.runs += 1
        root = self.tmp_path / f"run-{self.runs}"
        git(self.tmp_path, "clone", "-q", str(self.bare), str(root))
        git(root, "config", "user.email", "ci@example.com")
        git(root, "config", "user.name", "CI")
        return World(root, self.url, self.control, dict(self.tokens))

    def ledger(self) -> dict[str, dict[str, str]]:
        posts: dict[str, dict[str, str]] = json.loads(
            git(self.bare, "show", "main:.publish/ledger.json"))["posts"]
        return posts

    def subjects(self) -> list[str]:
        return git(self.bare, "log", "--format=%s", "main").splitlines()


@pytest.fixture
def origin(tmp_path: Path, sandbox_url: str) -> Origin:
    return Origin(tmp_path, sandbox_url, POSTS)


def live_counts(world: World) -> dict[str, int]:
    return {path: world.count_of(text) for path, text in TEXTS.items()}


def settle_a_day_later(origin: Origin) -> list[str]:
    """Runs on fresh clones a day later until nothing is left to post; their outputs."""
    origin.control.set_clock(DAY_LATER)
    outputs = []
    for _ in range(3):
        world = origin.checkout()
        run = world.publish("--push", now=DAY_LATER)
        outputs.append(run.output)
        assert run.code in (0, 1), run.output
        if "to create" not in run.output:
            break
    return outputs


def assert_exactly_once_or_unknown(origin: Origin, outputs: list[str]) -> dict[str, int]:
    """Every post live once, or `unknown` on origin with a run saying how to resolve it;
    none twice. Returns how many posts ended in each of the two."""
    world = origin.checkout()
    counts, ledger = live_counts(world), origin.ledger()
    twice = {path: n for path, n in counts.items() if n > 1}
    assert twice == {}, f"posted more than once: {twice}"
    ended = {"once": 0, "unknown": 0}
    for path, count in counts.items():
        state = ledger.get(path, {}).get("state")
        if state == "unknown":
            assert any(f"publish resolve {path}" in o for o in outputs), (path, outputs)
            ended["unknown"] += 1
        else:
            assert count == 1, f"{path}: {count} live, ledger {state}"
            assert state == "published", (path, state)
            ended["once"] += 1
    return ended


def test_intents_are_pushed_before_the_first_post(origin: Origin) -> None:
    world = origin.checkout()
    run = world.publish("--push")
    assert run.code == 0, run.output
    # Batches of intents start at one post and double: never more intents unsent than
    # posts sent, for a run killed at any moment.
    assert origin.subjects()[:5] == [
        "publish: 6 created", "publish: about to post 2 (4 created so far)",
        "publish: about to post 2 (2 created so far)",
        "publish: about to post 1 (1 created so far)", "publish: about to post 1"]
    intents = json.loads(git(origin.bare, "show", "main~4:.publish/ledger.json"))["posts"]
    assert {path: e["state"] for path, e in intents.items()} == {"posts/01.md": "pending"}
    assert set(live_counts(world).values()) == {1}


def test_a_run_killed_after_posting_is_not_posted_again_on_a_fresh_clone(
        origin: Origin) -> None:
    world = origin.checkout()
    process = world.spawn("--push", gated=True)
    origin.control.add_fault("signal", method="POST", path="/rest/posts", after=3,
                             pid=process.pid)
    output, _ = process.communicate("go\n", timeout=120)
    assert process.returncode == -9, output
    assert sum(live_counts(world).values()) == 3  # posted, and the run never committed

    ended = assert_exactly_once_or_unknown(origin, [output, *settle_a_day_later(origin)])
    # Of the three posts sent, the page's is found by author and Jane's two, a day on,
    # can only be reported; no intent of an unsent post was pushed, so the rest is posted.
    assert ended == {"once": 4, "unknown": 2}


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_cancelled_run_commits_and_pushes_what_it_did(origin: Origin, name: str) -> None:
    world = origin.checkout()
    process = world.spawn("--push", gated=True)
    origin.control.add_fault("signal", method="POST", path="/rest/posts", after=2,
                             pid=process.pid, signal=name)
    output, _ = process.communicate("go\n", timeout=120)
    assert process.returncode == 75, output
    assert f"stopped by {name}" in output
    assert sum(live_counts(world).values()) == 2  # the post in flight finished, no new one
    assert origin.subjects()[0].startswith("publish: 2 created"), origin.subjects()
    # Intents written ahead but never sent were taken back: no post is left to reconcile.
    assert {e["state"] for e in origin.ledger().values()} == {"published"}

    outputs = [output, *settle_a_day_later(origin)]
    assert assert_exactly_once_or_unknown(origin, outputs) == {"once": 6, "unknown": 0}


def refuse_commits(root: Path, unless: str) -> None:
    """A commit-msg hook refusing every commit whose message does not start with `unless`."""
    hook = root / ".git" / "hooks" / "commit-msg"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(f'#!/bin/sh\nhead -1 "$1" | grep -q "^{unless}" || exit 1\n')
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)


def test_a_failing_commit_after_posting_posts_nothing_again(origin: Origin) -> None:
    world = origin.checkout()
    refuse_commits(world.root, unless="publish: about to post")
    run = world.publish("--push")
    assert run.code == 2, run.output
    assert "git commit failed" in run.output and "6 created" in run.output
    ended = assert_exactly_once_or_unknown(origin, [run.output, *settle_a_day_later(origin)])
    # Each intent commit carried the URNs of the batch before it: only the last batch
    # (05 by Jane, 06 by the page) was left pending; the page's is found by author.
    assert ended == {"once": 5, "unknown": 1}


def test_the_same_checkout_commits_what_an_earlier_run_left(origin: Origin) -> None:
    world = origin.checkout()
    refuse_commits(world.root, unless="publish: about to post")
    assert world.publish("--push").code == 2
    (world.root / ".git" / "hooks" / "commit-msg").unlink()

    run = world.publish("--push")
    assert run.code == 0, run.output
    assert origin.subjects()[0] == "publish: record what an interrupted run did"
    assert {e["state"] for e in origin.ledger().values()} == {"published"}
    assert git(world.root, "status", "--porcelain") == ""
    assert set(live_counts(world).values()) == {1}
    for path in POSTS:
        assert "urn: urn:li:" in git(origin.bare, "show", f"main:{path}")


def test_a_failing_write_ahead_posts_nothing(origin: Origin) -> None:
    world = origin.checkout()
    refuse_commits(world.root, unless="never")
    run = world.publish("--push")
    assert run.code == 1, run.output
    assert "could not be made durable before posting" in run.output
    assert sum(live_counts(world).values()) == 0
    assert git(world.root, "status", "--porcelain") == ""


def test_a_repeated_failure_makes_no_commit(tmp_path: Path, sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={"posts/01.md": POSTS["posts/01.md"]})
    world.control.add_fault("error", method="POST", path="/rest/posts", status=403, times=None)
    first = world.publish()
    assert first.code == 1, first.output
    assert world.commits()[0] == "publish: 1 failed"
    again = world.publish("--retry-failed")
    assert again.code == 1, again.output
    assert world.commits()[0] == "publish: 1 failed" and len(world.commits()) == 2
    assert git(world.root, "status", "--porcelain") == ""


def test_linkedin_down_makes_no_commit_and_posts_nothing(origin: Origin) -> None:
    # Every answer a 503, as in an outage: the run must not commit an intent it cannot
    # send and then a second commit taking it back, 96 times a day.
    origin.control.add_faults([{"kind": "error", "status": 503, "times": None, "path": path}
                               for path in ("/v2/userinfo", "/rest/posts")])
    before = origin.subjects()
    for _ in range(2):
        run = origin.checkout().publish("--push")
        assert run.code == EXIT_DEFERRED, run.output
        assert "LinkedIn did not answer" in run.output
        assert origin.subjects() == before
    origin.control.clear_faults()
    world = origin.checkout()
    assert world.publish("--push").code == 0
    assert set(live_counts(world).values()) == {1} and len(live_counts(world)) == len(POSTS)


def test_a_big_run_has_a_short_commit_message() -> None:
    from publisher.apply import Outcome, Report

    report = Report(outcomes=[Outcome(f"posts/{i:05d}-a-long-name-for-a-post.md", "create",
                                      "created", "published", f"urn:li:share:{i}")
                              for i in range(5000)])
    message = commit_message(report)
    assert message.startswith("publish: 5000 created\n")
    assert len(message.splitlines()) == LISTED_OUTCOMES + 3
    assert message.rstrip().endswith(f"and {5000 - LISTED_OUTCOMES} more (see the ledger)")


def test_a_commit_of_thousands_of_files_goes_through(tmp_path: Path) -> None:
    from publisher import gitops

    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.com")
    git(tmp_path, "config", "user.name", "T")
    names = [f"posts/{i:05d}-{'x' * 80}[*]?.md" for i in range(6000)]  # glob characters too
    (tmp_path / "posts").mkdir()
    for name in names:
        (tmp_path / name).write_text("text\n")
    made = gitops.commit(tmp_path, names, "publish: many\n\n" + "- created a post\n" * 6000)
    assert made is not None
    assert len(git(tmp_path, "ls-files").splitlines()) == 6000
    assert gitops.commit(tmp_path, names, "again") is None  # nothing changed


COMMENTED = {
    "posts/page.md": """\
        ---
        author: acme
        first_comment: The page's first comment.
        ---
        A page post with a first comment.
        """,
    "posts/jane.md": """\
        ---
        author: jane
        first_comment: Jane's first comment.
        ---
        A post by Jane with a first comment.
        """,
}


def comments_saying(world: World, text: str) -> int:
    comments = world.control.state()["comments"]
    return sum(text in str(c) for c in comments)


@pytest.mark.parametrize("fault", ["drop", "error"], ids=["landed", "did not land"])
def test_an_unknown_first_comment_fails_the_run_and_is_settled_by_reading(
        tmp_path: Path, sandbox_url: str, fault: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={"posts/page.md":
                                                               COMMENTED["posts/page.md"]})
    world.control.add_fault(fault, method="POST", path="/rest/socialActions/*/comments",
                            status=500)
    first = world.publish()
    assert first.code == 1, first.output
    assert "first comment may or may not have been posted" in first.output
    assert "publish resolve posts/page.md --urn COMMENT_URN" in first.output
    world.control.clear_faults()

    second = world.publish()  # the page's comments are readable: found, or posted now
    assert second.code == 0, second.output
    assert comments_saying(world, "The page's first comment.") == 1
    assert world.entry("posts/page.md")["first_comment"]["state"] == "posted"
    assert world.publish().code == 0
    assert comments_saying(world, "The page's first comment.") == 1


def test_an_unknown_first_comment_that_cannot_be_read_waits_for_resolve(
        tmp_path: Path, sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={"posts/jane.md":
                                                               COMMENTED["posts/jane.md"]})
    world.control.add_fault("error", method="POST", path="/rest/socialActions/*/comments",
                            status=500)
    assert world.publish().code == 1
    world.control.clear_faults()
    commits = len(world.commits())
    for _ in range(2):  # every run fails until a person settles it, and says so
        again = world.publish()
        assert again.code == 1, again.output
        assert "publish resolve posts/jane.md" in again.output
    assert len(world.commits()) == commits  # nothing new to commit
    assert comments_saying(world, "Jane's first comment.") == 0

    settled = world.publish("resolve", "posts/jane.md", "--not-published", now=None)
    assert settled.code == 0, settled.output
    assert "first comment recorded as not posted" in settled.output
    assert world.publish().code == 0
    assert comments_saying(world, "Jane's first comment.") == 1
    assert world.publish().code == 0


def test_resolve_records_a_first_comment_found_by_hand(tmp_path: Path, sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={"posts/jane.md":
                                                               COMMENTED["posts/jane.md"]})
    world.control.add_fault("drop", method="POST", path="/rest/socialActions/*/comments")
    assert world.publish().code == 1
    world.control.clear_faults()
    comment = world.control.state()["comments"][0]
    urn = comment.get("urn") or f"urn:li:comment:({comment['object']},{comment['id']})"
    wrong = world.publish("resolve", "posts/jane.md", "--urn", "urn:li:share:1", now=None)
    assert wrong.code == 2 and "is not a comment URN" in wrong.output
    settled = world.publish("resolve", "posts/jane.md", "--urn", urn, now=None)
    assert settled.code == 0, settled.output
    assert world.publish().code == 0
    assert comments_saying(world, "Jane's first comment.") == 1

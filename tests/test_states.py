"""Posts that will not go out, and posts LinkedIn no longer has, on the real sandbox.

The sandbox's live posts are the oracle; each test also checks what a person reads (the
one line saying why and what to do) and the exit code the workflow's alert follows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.linkedin.client import LinkedInClient, build_post_payload
from publisher.sync import Clients
from tests.publishing import PAGE_SCOPES, POSTS, World, build_world
from tests.support import commit_all, git

EXIT_FAILED, EXIT_CONFIG = 1, 2
PAGE = "urn:li:organization:2414183"
JANE = "urn:li:person:782bbtaQ"
TEXT = "posts/a-text.md"  # a page post: the page token may read it back
IMAGE = "posts/b-image.md"  # Jane's post: her token may not read posts




@pytest.fixture
def world(tmp_path: Path, sandbox_url: str) -> World:
    return build_world(tmp_path / "repo", sandbox_url, posts={TEXT: POSTS[TEXT]})


def client(world: World, author: str = PAGE, alias: str = "acme") -> LinkedInClient:
    """Our client with the author's token: what a person would use LinkedIn with."""
    return Clients(load_config(world.root, environ=world.environ), environ=world.environ)(
        author, alias)


def edit(world: World, path: str, old: str, new: str, message: str = "edit") -> None:
    target = world.root / path
    target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    commit_all(world.root, message)


def front(world: World, path: str) -> str:
    return (world.root / path).read_text(encoding="utf-8").split("---")[1]


def test_a_post_deleted_on_linkedin_is_gone_once_then_posted_again(world: World) -> None:
    assert world.publish().code == 0
    urn = world.entry(TEXT)["urn"]
    client(world).delete_post(urn)
    edit(world, TEXT, "Plain text", "Edited text")

    run = world.publish()
    assert run.code == EXIT_FAILED, run.output
    assert f"gone: LinkedIn has no post {urn} (404 when updating it)" in run.output
    assert f"gone: {TEXT} (why: above)" in run.output
    assert f"`publish resolve {TEXT} --gone`" in run.output and "status: deleted" in run.output
    assert world.entry(TEXT)["state"] == "gone"
    assert world.count_of("from the page") == 0

    calls = len(world.calls())
    again = world.publish()
    assert again.code == EXIT_FAILED, "held until a person settles it"
    assert len(world.calls()) == calls, "LinkedIn is not asked again"
    assert f"blocked: {TEXT}: LinkedIn no longer has {urn} (404 since 2026-12-01)" in again.output

    wrong = world.publish("resolve", TEXT, "--urn", urn, now=None)
    assert wrong.code == EXIT_CONFIG and f"LinkedIn has no post {urn} (404)" in wrong.output
    assert world.entry(TEXT)["state"] == "gone", "nothing recorded from a URN LinkedIn lacks"

    resolved = world.publish("resolve", TEXT, "--gone", now=None)
    assert resolved.code == 0, resolved.output
    assert TEXT not in world.ledger()["posts"]
    assert f"# urn: {urn} (LinkedIn no longer had it on 2026-12-01)" in front(world, TEXT)
    assert "\nurn:" not in front(world, TEXT)
    assert git(world.root, "status", "--porcelain") == ""

    back = world.publish()
    assert back.code == 0, back.output
    assert world.count_of("Edited text from the page") == 1
    assert world.entry(TEXT)["urn"] not in (None, urn)
    assert world.publish().code == 0


def test_a_gone_post_marked_deleted_is_settled(world: World) -> None:
    assert world.publish().code == 0
    urn = world.entry(TEXT)["urn"]
    client(world).delete_post(urn)
    edit(world, TEXT, "Plain text", "Edited text")
    assert world.publish().code == EXIT_FAILED
    edit(world, TEXT, "author: acme\n", "author: acme\nstatus: deleted\n")
    run = world.publish("--verbose")
    assert run.code == 0, run.output
    assert "LinkedIn no longer had it (404 on 2026-12-01)" in run.output
    assert world.count_of("from the page") == 0


def test_read_back_of_a_post_linkedin_lost_makes_it_gone(world: World) -> None:
    """A page post whose read-back answers 404 (the page's admin deleted it meanwhile)."""
    world.control.add_fault("error", method="GET", path="/rest/posts/*", status=404)
    run = world.publish()
    assert run.code == EXIT_FAILED, run.output
    assert f"gone: {TEXT} (why: above)" in run.output
    assert "404 when reading it back" in run.output
    assert world.entry(TEXT)["state"] == "gone"


def test_adopt_looks_the_urn_up_first(tmp_path: Path, sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={TEXT: POSTS[TEXT],
                                                               IMAGE: POSTS[IMAGE]})
    missing = world.publish("adopt", TEXT, "--urn", "urn:li:share:999", now=None)
    assert missing.code == EXIT_CONFIG
    assert "LinkedIn has no post urn:li:share:999 (404)" in missing.output
    assert not (world.root / ".publish/ledger.json").exists()
    assert "urn:" not in front(world, TEXT)

    by_hand = client(world).create_post(
        build_post_payload(PAGE, "Plain text from the page, posted by hand.", "PUBLIC"))
    adopted = world.publish("adopt", TEXT, "--urn", by_hand, now=None)
    assert adopted.code == 0 and "could not check" not in adopted.output, adopted.output
    assert world.entry(TEXT)["urn"] == by_hand

    other = client(world).create_post(build_post_payload(PAGE, "Another page post.", "PUBLIC"))
    reader = world.tokens["jane"]
    world.tokens["jane"] = world.control.token("782bbtaQ", [*PAGE_SCOPES, "r_member_social"])
    mismatch = world.publish("adopt", IMAGE, "--urn", other, now=None)
    assert mismatch.code == EXIT_CONFIG, mismatch.output
    assert f"{other} is a post by {PAGE}, not by {JANE}" in mismatch.output
    assert IMAGE not in world.ledger()["posts"]

    world.tokens["jane"] = reader  # w_member_social only: it cannot read posts
    unchecked = world.publish("adopt", IMAGE, "--urn", other, now=None)
    assert unchecked.code == 0, unchecked.output
    assert "could not check that LinkedIn has it" in unchecked.output
    assert world.entry(IMAGE)["urn"] == other
    assert world.publish().code == 0
    assert world.count_of("Plain text from the page") == 1, "the adopted post is not posted again"


def test_an_expired_post_fails_every_run_until_its_schedule_moves(tmp_path: Path,
                                                                   sandbox_url: str) -> None:
    late = "---\nauthor: acme\nschedule: 2026-11-30 09:00\n---\nToo late for this one.\n"
    world = build_world(tmp_path / "repo", sandbox_url, posts={"posts/late.md": late})
    check = world.publish("check")
    assert "posts/late.md:3: warning: schedule 2026-11-30T08:00:00Z and not_after" in check.output
    assert "will expire, not be posted" in check.output and check.code == 0

    run = world.publish()
    assert run.code == EXIT_FAILED, run.output
    assert "expired: posts/late.md: not posted by its not_after" in run.output
    assert world.entry("posts/late.md")["state"] == "expired"
    assert world.commits()[0] == "publish: 1 expired"
    again = world.publish()
    assert again.code == EXIT_FAILED and "expired: posts/late.md" in again.output
    assert world.commits()[0] == "publish: 1 expired", "recorded once, not on every run"

    edit(world, "posts/late.md", "2026-11-30 09:00", "2026-12-01 09:30", "new schedule")
    moved = world.publish(now="2026-12-01T08:30:00Z")
    assert moved.code == 0, moved.output
    assert world.count_of("Too late for this one.") == 1


def test_a_failed_post_is_tried_again_only_with_retry_failed(tmp_path: Path,
                                                             sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={TEXT: POSTS[TEXT]},
                        page_scopes=["w_member_social"])
    assert world.publish().code == EXIT_FAILED
    assert world.entry(TEXT)["state"] == "failed"
    world.tokens["acme"] = world.control.token("782bbtaQ", PAGE_SCOPES)
    calls = len(world.calls())
    held = world.publish()
    assert held.code == EXIT_FAILED and len(world.calls()) == calls
    assert f"blocked: {TEXT}: failed before" in held.output and "--retry-failed" in held.output
    retried = world.publish("--retry-failed")
    assert retried.code == 0, retried.output
    assert world.count_of("Plain text from the page") == 1


def test_a_pruned_post_reads_as_deleted_and_its_file_as_history(world: World) -> None:
    assert world.publish().code == 0
    urn = world.entry(TEXT)["urn"]
    edit(world, TEXT, "author: acme\n", "author: acme\nstatus: deleted\n")
    pruned = world.publish("--prune")
    assert pruned.code == 0, pruned.output
    assert world.count_of("Plain text from the page") == 0
    head = front(world, TEXT)
    assert f"# urn: {urn} (deleted from LinkedIn on 2026-12-01)" in head
    assert "\n# published_at: " in head and not re.search(r"^(urn|published_at):", head, re.M)
    assert git(world.root, "status", "--porcelain") == "", "the file is committed"
    assert world.publish("check").output.endswith("1 post checked: 0 errors, 0 warnings\n")

    plan = world.publish("--dry-run", "--verbose")
    assert "deleted from LinkedIn on 2026-12-01" in plan.output
    assert "never published" not in plan.output
    assert plan.output.rstrip().endswith("1 unchanged")
    quiet = world.publish("--dry-run")
    assert "= 1 unchanged post" in quiet.output
    assert world.publish().code == 0


def test_a_removed_and_pruned_post_reads_as_deleted(world: World) -> None:
    assert world.publish().code == 0
    git(world.root, "rm", "-q", TEXT)
    git(world.root, "commit", "-q", "-m", "remove")
    assert world.publish("--prune").code == 0
    plan = world.publish("--dry-run", "--verbose")
    assert "deleted from LinkedIn on 2026-12-01" in plan.output, plan.output
    assert "never published" not in plan.output


def test_an_unknown_post_whose_file_is_removed_stays_held(world: World) -> None:
    # A page token that cannot read, and a create whose answer is lost: `unknown`.
    world.tokens["acme"] = world.control.token("782bbtaQ", ["w_organization_social"])
    world.control.add_fault("drop", method="POST", path="/rest/posts")
    world.control.add_fault("error", method="POST", path="/rest/posts", status=500, skip=1)
    assert world.publish().code == EXIT_FAILED
    world.control.clear_faults()
    assert world.entry(TEXT)["state"] == "unknown"
    git(world.root, "rm", "-q", TEXT)
    git(world.root, "commit", "-q", "-m", "remove")
    run = world.publish()
    assert run.code == EXIT_FAILED, "it may be live on LinkedIn: not 'never published'"
    assert f"blocked: {TEXT}: file removed, but an earlier attempt may" in run.output
    assert world.count_of("Plain text from the page") == 1
    settled = world.publish("resolve", TEXT, "--not-published", now=None)
    assert settled.code == 0, settled.output
    assert world.publish().code == 0


def test_a_prune_that_linkedin_answers_404_is_gone_not_deleted(tmp_path: Path,
                                                               sandbox_url: str) -> None:
    """LinkedIn answers 204 to a delete of a deleted post: a 404 means the URN was wrong
    (here, given to adopt with a token that could not check it), so the post may be up."""
    world = build_world(tmp_path / "repo", sandbox_url, posts={IMAGE: POSTS[IMAGE]})
    adopted = world.publish("adopt", IMAGE, "--urn", "urn:li:share:999", now=None)
    assert "could not check" in adopted.output
    git(world.root, "rm", "-q", IMAGE)
    git(world.root, "commit", "-q", "-m", "remove")
    run = world.publish("--prune")
    assert run.code == EXIT_FAILED, run.output
    assert "gone: LinkedIn has no post urn:li:share:999 (404 when deleting it)" in run.output
    assert f"gone: {IMAGE} (why: above)" in run.output and "may still be up" in run.output
    assert world.entry(IMAGE)["state"] == "gone"
    again = world.publish("--prune")
    assert again.code == EXIT_FAILED and f"blocked: {IMAGE}: file removed;" in again.output
    assert world.publish("resolve", IMAGE, "--gone", now=None).code == 0
    assert world.publish("--prune").code == 0
    assert IMAGE not in world.ledger()["posts"]


def test_a_post_deleted_on_linkedin_is_pruned_quietly(world: World) -> None:
    assert world.publish().code == 0
    client(world).delete_post(world.entry(TEXT)["urn"])
    git(world.root, "rm", "-q", TEXT)
    git(world.root, "commit", "-q", "-m", "remove")
    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert world.entry(TEXT)["state"] == "deleted"
    assert world.publish().code == 0

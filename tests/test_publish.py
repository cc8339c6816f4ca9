"""`publish` end to end: the real CLI and client against the real sandbox over 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from publisher import ledger
from publisher.apply import Applier
from publisher.config import load_config
from publisher.plan import PlanOptions, build_plan
from publisher.sources import collect
from publisher.sync import Clients
from tests.builders import SRT
from tests.publishing import NOW, POSTS, TEXTS, World, build_world
from tests.support import commit_all, git, write_files

EXIT_FAILED, EXIT_CONFIG, EXIT_AUTH, EXIT_DEFERRED = 1, 2, 3, 75




@pytest.fixture
def world(tmp_path: Path, sandbox_url: str) -> World:
    return build_world(tmp_path / "repo", sandbox_url)


def assert_each_post_once(world: World, posts: dict[str, str] = TEXTS) -> None:
    """Every post is on the sandbox exactly once, and the ledger and the file name it."""
    for path, text in posts.items():
        assert world.count_of(text) == 1, f"{path} is on LinkedIn {world.count_of(text)} times"
        entry = world.entry(path)
        assert entry["state"] == "published", (path, entry)
        live = [p["urn"] for p in world.sandbox_posts() if text in p["commentary"]]
        assert entry["urn"] == live[0]
        front = (world.root / path).read_text(encoding="utf-8").split("---")[1]
        assert f"urn: {live[0]}" in front


def test_every_kind_of_post_is_published_once_then_nothing_happens(world: World) -> None:
    run = world.publish()
    assert run.code == 0, run.output
    assert_each_post_once(world)
    kinds = {p["content_kind"] for p in world.sandbox_posts()}
    assert kinds == {"text", "image", "multiImage", "video", "document", "article"}
    assert "Done: 7 created" in run.output
    assert "https://www.linkedin.com/feed/update/urn:li:" in run.output
    assert world.commits()[0] == "publish: 7 created"
    assert git(world.root, "status", "--porcelain") == ""
    comments = world.control.state()["comments"]
    assert [c["text"] for c in comments] == ["The full story is on our blog."]
    assert world.entry("posts/g-comment.md")["first_comment"]["state"] == "posted"

    calls = len(world.calls())
    again = world.publish()
    assert again.code == 0, again.output
    assert len(world.calls()) == calls, "a sync with nothing to do makes no API call"
    assert world.commits()[0] == "publish: 7 created", "and makes no commit"


def test_media_is_uploaded_once_per_owner(world: World) -> None:
    assert world.publish().code == 0
    images = [c for c in world.calls() if c["route"] == "/rest/images"]
    # one.png for Jane, then one, two and three for the page: one.png is uploaded for each
    # owner because LinkedIn ties an image to the owner that uploaded it.
    assert len(images) == 4
    cache = world.ledger()["uploads"]
    assert sum(len(files) for files in cache.values()) == 6  # 4 images, video, document


def test_an_edited_post_is_updated_in_place(world: World) -> None:
    assert world.publish().code == 0
    path = world.root / "posts/a-text.md"
    urn = world.entry("posts/a-text.md")["urn"]
    path.write_text(path.read_text(encoding="utf-8").replace("Plain text", "Edited text"),
                    encoding="utf-8")
    commit_all(world.root, "edit")
    plan = world.publish("--dry-run")
    assert "~ update" in plan.output
    run = world.publish()
    assert run.code == 0, run.output
    live = next(p for p in world.sandbox_posts() if p["urn"] == urn)
    assert live["commentary"].startswith("Edited text from the page") and live["edited"]
    assert world.count_of("Plain text from the page") == 0
    assert world.commits()[0] == "publish: 1 updated"


def test_changed_media_needs_allow_replace(world: World) -> None:
    assert world.publish().code == 0
    path = world.root / "posts/b-image.md"
    path.write_text(path.read_text(encoding="utf-8").replace("one.png", "two.png"),
                    encoding="utf-8")
    commit_all(world.root, "new image")
    held = world.publish()
    assert "--allow-replace" in held.output
    old = world.entry("posts/b-image.md")["urn"]
    run = world.publish("--allow-replace")
    assert run.code == 0, run.output
    assert world.count_of("One image from Jane.") == 1
    new = world.entry("posts/b-image.md")["urn"]
    assert new != old and old not in {p["urn"] for p in world.sandbox_posts()}
    # The summary and the commit say the same thing: replaced, not created.
    assert "Done: 1 replaced" in run.output and "created" not in run.output.split("Done:")[1]
    assert git(world.root, "log", "-1", "--format=%s").strip() == "publish: 1 replaced"


def test_a_removed_post_is_deleted_only_with_prune(world: World) -> None:
    assert world.publish().code == 0
    urn = world.entry("posts/f-article.md")["urn"]
    git(world.root, "rm", "-q", "posts/f-article.md")
    git(world.root, "commit", "-q", "-m", "remove")
    kept = world.publish()
    assert kept.code == 0 and "--prune" in kept.output
    assert urn in {p["urn"] for p in world.sandbox_posts()}
    pruned = world.publish("--prune")
    assert pruned.code == 0, pruned.output
    assert urn not in {p["urn"] for p in world.sandbox_posts()}
    assert world.entry("posts/f-article.md")["state"] == "deleted"


def test_uncommitted_posts_wait_for_a_commit(world: World) -> None:
    write_files(world.root, {"posts/h-new.md": "---\nauthor: jane\n---\nNot committed yet.\n"})
    run = world.publish()
    assert "posts/h-new.md: is not committed yet: add and commit it" in run.output
    assert world.count_of("Not committed yet.") == 0
    run = world.publish("--allow-dirty")
    assert world.count_of("Not committed yet.") == 1, run.output


def test_a_second_sync_on_the_same_checkout_is_refused(world: World) -> None:
    lock = world.root / ".git" / "publish.lock"
    holder = subprocess.Popen(  # another sync holding the checkout
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from publisher import ledger\nwith ledger.locked(Path(sys.argv[1])):\n"
         "    print('held', flush=True)\n    sys.stdin.readline()\n", str(lock)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        run = world.publish()
    finally:
        holder.communicate("done\n", timeout=30)
    assert run.code == EXIT_CONFIG, run.output
    assert f"another publish (process {holder.pid}) is running" in run.output
    assert world.sandbox_posts() == []


def test_rate_limit_defers_the_rest_and_loses_nothing(world: World) -> None:
    world.control.add_fault("error", method="POST", path="/rest/posts", status=429, skip=2,
                            times=None)
    run = world.publish()
    assert run.code == EXIT_DEFERRED, run.output
    assert "rate limited" in run.output and "run again later" in run.output
    published = {p: e["state"] for p, e in world.ledger()["posts"].items()}
    assert list(published.values()).count("published") == 2
    world.control.clear_faults()
    assert world.publish().code == 0
    assert_each_post_once(world)


def test_a_token_that_expires_mid_run_stops_cleanly(world: World) -> None:
    world.control.expire_token_after(world.tokens["acme"], 3)
    run = world.publish()
    assert run.code == EXIT_AUTH, run.output
    assert "expired" in run.output.lower() and "LINKEDIN_ACCESS_TOKEN_ACME" in run.output
    world.ledger()  # still loads
    assert world.tokens["acme"] not in run.output
    world.tokens["acme"] = world.control.token("782bbtaQ", ["w_member_social",
                                                            "w_organization_social",
                                                            "r_organization_social"])
    assert world.publish().code == 0
    assert_each_post_once(world)


def test_a_retired_version_names_the_setting(world: World) -> None:
    world.control.configure(active_versions=["202612", "202701"])
    run = world.publish()
    assert run.code == EXIT_CONFIG, run.output
    assert "[linkedin].version" in run.output and "202611" in run.output
    assert world.sandbox_posts() == []


def test_a_page_post_without_the_role_names_scope_and_role(tmp_path: Path,
                                                           sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={"posts/a-text.md":
                                                                POSTS["posts/a-text.md"]},
                        jane_admin=False)
    run = world.publish()
    assert run.code == EXIT_FAILED, run.output
    assert "w_organization_social" in run.output
    assert re.search(r"(ADMINISTRATOR|CONTENT_ADMIN|role)", run.output), run.output
    assert world.entry("posts/a-text.md")["state"] == "failed"
    # The progress line says why, once; the summary names the post again, not the reason.
    assert "  failed: posts/a-text.md (why: above)" in run.output
    message = next(line for line in run.output.splitlines() if line.startswith("  failed: ")
                   and "(why: above)" not in line).removeprefix("  failed: ")
    assert len(message) > 20 and run.output.count(message) == 1, run.output


def test_a_page_token_without_the_scope_names_it(tmp_path: Path, sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url,
                        posts={"posts/a-text.md": POSTS["posts/a-text.md"]},
                        page_scopes=["w_member_social"])
    run = world.publish()
    assert run.code == EXIT_FAILED, run.output
    assert "w_organization_social" in run.output


@pytest.mark.parametrize("post", ["posts/a-text.md", "posts/b-image.md"],
                         ids=["page (found by the finder)", "person (LinkedIn's 422 names it)"])
def test_a_dropped_answer_to_a_create_is_settled_exactly_once(world: World, post: str) -> None:
    others = {p: t for p, t in TEXTS.items() if p != post}
    for path in others:
        (world.root / path).unlink()
    commit_all(world.root, "one post")
    world.control.add_fault("drop", method="POST", path="/rest/posts")
    run = world.publish()
    assert run.code == 0, run.output
    assert_each_post_once(world, {post: TEXTS[post]})


def test_an_unknown_outcome_is_resolved_by_hand(world: World) -> None:
    for path in list(TEXTS)[1:]:
        (world.root / path).unlink()
    commit_all(world.root, "one post")
    # A page token that cannot read: the finder cannot tell, and the re-post window is over.
    world.tokens["acme"] = world.control.token("782bbtaQ", ["w_organization_social"])
    # The create lands but its answer is lost; the re-post that would settle it fails too.
    world.control.add_fault("drop", method="POST", path="/rest/posts")
    world.control.add_fault("error", method="POST", path="/rest/posts", status=500, skip=1)
    run = world.publish()
    assert "unknown" in run.output and "publish resolve posts/a-text.md" in run.output
    world.control.clear_faults()
    assert world.entry("posts/a-text.md")["state"] == "unknown"
    again = world.publish()
    assert world.count_of("Plain text from the page") == 1, again.output
    assert again.code == EXIT_FAILED, "every run fails until a person settles it"
    assert "blocked: posts/a-text.md: an earlier attempt may or may not have posted" in again.output
    urn = next(p["urn"] for p in world.sandbox_posts())
    resolved = world.publish("resolve", "posts/a-text.md", "--urn", urn, now=None)
    assert resolved.code == 0, resolved.output
    assert "could not check that LinkedIn has it" in resolved.output, "this token cannot read"
    assert world.entry("posts/a-text.md")["state"] == "published"
    assert world.publish().code == 0
    assert world.count_of("Plain text from the page") == 1


def test_a_text_linkedin_cut_is_reported_on_read_back(world: World) -> None:
    """A text the renderer failed to escape: LinkedIn cuts it, and the read-back says so.

    Whether LinkedIn's GET returns the text as shown or as received is not documented;
    the check can only see a cut when it returns it as shown.
    """
    world.control.configure(commentary_on_read="shown")
    config = load_config(world.root, environ=world.environ)
    book = ledger.load(config.ledger_path)
    plan = build_plan(collect(config, book), book, NOW, config.defaults.timezone, PlanOptions())
    change = next(c for c in plan.changes if c.post == "posts/a-text.md")
    assert change.source is not None
    raw = replace(change.source.rendered, commentary="Plain text from the page (cut here) end")
    broken = replace(change, source=replace(change.source, rendered=raw))
    clients = Clients(config, environ=world.environ)
    report = Applier(config, book, clients).run(replace(plan, changes=(broken,)))
    outcome = report.outcomes[0]
    assert outcome.result == "failed", outcome
    assert "LinkedIn shows a different text" in outcome.message
    assert book.posts["posts/a-text.md"].urn is not None  # it is on LinkedIn: never re-posted


def test_a_failed_first_comment_is_retried_not_reposted(world: World) -> None:
    world.control.add_fault("error", method="POST", path="/rest/socialActions/*", status=403)
    run = world.publish()
    assert world.count_of("A post with a first comment.") == 1, run.output
    assert world.entry("posts/g-comment.md")["first_comment"]["state"] == "failed"
    assert world.control.state()["comments"] == []
    # The run says what became of the comment, on the line of its post.
    assert re.search(r"created: \S+ \(published; first comment failed \(", run.output), run.output
    again = world.publish()
    assert again.code == 0, again.output
    assert world.count_of("A post with a first comment.") == 1
    assert [c["text"] for c in world.control.state()["comments"]] == [
        "The full story is on our blog."
    ]
    assert world.entry("posts/g-comment.md")["first_comment"]["state"] == "posted"


def test_publish_when_waits_for_the_page_to_be_live(tmp_path: Path, sandbox_url: str) -> None:
    page = f"{sandbox_url}/_sandbox/state"
    post = f"---\nauthor: acme\npublish_when: {{url_ok: '{page}'}}\n---\nThe page is live.\n"
    gone = post.replace("/_sandbox/state", "/not-live-yet")
    world = build_world(tmp_path / "repo", sandbox_url,
                        posts={"posts/live.md": post, "posts/later.md": gone.replace(
                            "The page is live.", "Not live yet.")})
    run = world.publish()
    assert run.code == 0, run.output
    assert world.count_of("The page is live.") == 1
    assert world.count_of("Not live yet.") == 0
    assert "waiting for" in run.output and "/not-live-yet" in run.output
    assert "posts/later.md" not in world.ledger()["posts"]


def test_a_run_without_the_ledger_posts_nothing_twice(tmp_path: Path, sandbox_url: str) -> None:
    """Another checkout (or a lost publish commit) runs again: LinkedIn's 422 names each
    post, and the first comment that is already there is not added again."""
    posts = {p: POSTS[p] for p in ("posts/a-text.md", "posts/g-comment.md")}
    world = build_world(tmp_path / "repo", sandbox_url, posts=posts)
    assert world.publish().code == 0
    git(world.root, "reset", "-q", "--hard", "HEAD~1")  # the publish commit is gone
    run = world.publish()
    assert run.code == 0, run.output
    assert "LinkedIn already had this post" in run.output
    assert_each_post_once(world, {p: TEXTS[p] for p in posts})
    assert len(world.control.state()["comments"]) == 1
    assert world.entry("posts/g-comment.md")["first_comment"]["state"] == "posted"


VIDEO_POST = {"posts/v.md": """\
    ---
    author: acme
    schedule: 2026-12-01 09:00
    video:
      path: ../media/clip.mp4
      title: A short clip
      thumbnail: ../media/one.png
      captions: ../media/clip.srt
    ---
    A video with a poster and captions.
    """}


def video_world(tmp_path: Path, sandbox_url: str) -> World:
    world = build_world(tmp_path / "repo", sandbox_url, posts=VIDEO_POST)
    write_files(world.root, {"media/clip.srt": SRT})
    commit_all(world.root, "captions")
    return world


def test_a_video_goes_with_its_thumbnail_and_captions(tmp_path: Path, sandbox_url: str) -> None:
    world = video_world(tmp_path, sandbox_url)
    run = world.publish()
    assert run.code == 0, run.output
    assert world.count_of("A video with a poster and captions.") == 1
    video = next(m for m in world.control.state()["media"] if m["urn"].startswith("urn:li:video:"))
    thumbnail = (world.root / "media/one.png").read_bytes()
    assert video["thumbnail"]["sha256"] == hashlib.sha256(thumbnail).hexdigest()
    assert video["captions"]["sha256"] == hashlib.sha256(SRT.encode()).hexdigest()
    assert video["captions"]["cues"] == 2
    routes = [c["route"] for c in world.calls()]
    # initialize, 2 parts, thumbnail, captions, finalize, status poll, create, read-back
    assert len(routes) == 9, routes
    assert world.publish().code == 0 and len(world.calls()) == len(routes), "then a no-op"


def test_new_captions_are_a_change_linkedin_cannot_edit(tmp_path: Path, sandbox_url: str) -> None:
    world = video_world(tmp_path, sandbox_url)
    assert world.publish().code == 0
    first = world.entry("posts/v.md")["urn"]
    post = world.root / "posts/v.md"
    write_files(world.root, {"media/clip-v2.srt": SRT.replace("Bye.", "Goodbye."),
                             "posts/v.md": post.read_text().replace("clip.srt", "clip-v2.srt")})
    commit_all(world.root, "better captions")
    held = world.publish()
    assert "--allow-replace" in held.output and world.entry("posts/v.md")["urn"] == first
    run = world.publish("--allow-replace")
    assert run.code == 0, run.output
    assert world.entry("posts/v.md")["urn"] != first
    videos = [m for m in world.control.state()["media"] if m["urn"].startswith("urn:li:video:")]
    assert len(videos) == 2, "the same video with other captions is uploaded again"
    assert world.count_of("A video with a poster and captions.") == 1


@pytest.mark.parametrize("kind", ["uploadedThumbnail", "uploadedCaptions"])
def test_a_lost_answer_to_a_thumbnail_or_captions_upload_is_sent_again(
    tmp_path: Path, sandbox_url: str, kind: str
) -> None:
    world = video_world(tmp_path, sandbox_url)
    world.control.add_fault("drop", method="PUT", path=f"/dms-uploads/*/{kind}")
    run = world.publish()
    assert run.code == 0, run.output
    assert world.count_of("A video with a poster and captions.") == 1
    puts = [c for c in world.calls() if c["route"].endswith(kind)]
    assert len(puts) == 2, "the PUT is sent again after its answer was lost"


def test_an_image_overwritten_in_place_is_a_change(world: World) -> None:
    """Same file name, new picture: the post's file is unchanged, its image is not."""
    assert world.publish().code == 0
    entry = world.entry("posts/b-image.md")
    assert entry["media_blobs"] == {"media/one.png": git(world.root, "rev-parse",
                                                         "HEAD:media/one.png").strip()}
    old = entry["urn"]
    (world.root / "media/one.png").write_bytes((world.root / "media/two.png").read_bytes())
    dirty = world.publish("--dry-run")
    assert ("has uncommitted changes in media/one.png: commit them first (media or "
            "settings changed)") in dirty.output, dirty.output
    commit_all(world.root, "new picture, same name")
    held = world.publish()
    assert held.code == EXIT_FAILED and "--allow-replace" in held.output, held.output
    assert "blocked: posts/b-image.md: media, article" in held.output, "one line: why, what to do"
    assert world.entry("posts/b-image.md")["urn"] == old
    run = world.publish("--allow-replace")
    assert run.code == 0, run.output
    assert world.entry("posts/b-image.md")["urn"] != old
    assert world.count_of("One image from Jane.") == 1
    calls = len(world.calls())
    assert world.publish().code == 0 and len(world.calls()) == calls, "then nothing to do"


def test_a_new_post_with_an_uncommitted_image_waits_for_the_commit(world: World) -> None:
    (world.root / "media/one.png").write_bytes((world.root / "media/two.png").read_bytes())
    plan = world.publish("--dry-run")
    assert "has uncommitted changes in media/one.png: commit them first (only what is in " \
        "git is published)" in plan.output, plan.output
    run = world.publish()
    assert world.count_of("One image from Jane.") == 0, run.output
    commit_all(world.root, "the image")
    assert world.publish().code == 0
    assert world.count_of("One image from Jane.") == 1


def test_entries_from_before_media_blobs_are_not_read_again(world: World) -> None:
    assert world.publish().code == 0
    book = world.ledger()
    for entry in book["posts"].values():
        entry.pop("media_blobs", None)
    (world.root / ".publish/ledger.json").write_text(json.dumps(book, indent=2))
    commit_all(world.root, "an older ledger")
    plan = world.publish("--dry-run", "--format", "json")
    changes = json.loads(plan.output)["changes"]
    assert {c["action"] for c in changes} == {"noop"}
    assert all(c["commentary"] is None for c in changes), "not parsed: nothing to compare"


def test_an_adopted_post_keeps_its_media_blobs_too(world: World) -> None:
    adopted = world.publish("adopt", "posts/b-image.md", "--urn", "urn:li:share:123", now=None)
    assert adopted.code == 0, adopted.output
    assert set(world.entry("posts/b-image.md")["media_blobs"]) == {"media/one.png"}
    (world.root / "media/one.png").write_bytes((world.root / "media/two.png").read_bytes())
    commit_all(world.root, "new picture, same name")
    plan = world.publish("--dry-run")
    assert re.search(r"! blocked\s+posts/b-image.md", plan.output), plan.output

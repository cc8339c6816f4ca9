"""Where LinkedIn is stricter than a kind emulator: little-text templates, ghost duplicates,
media readiness. The real CLI and client against the real sandbox over 127.0.0.1; the
oracle is the sandbox's state (its live posts and what a reader sees of them)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from publisher import ledger
from publisher.apply import Applier
from publisher.config import load_config
from publisher.linkedin.client import LinkedInClient
from publisher.linkedin.transport import Transport
from publisher.plan import PlanOptions, build_plan
from publisher.sources import collect
from publisher.sync import Clients
from tests.builders import png
from tests.publishing import NOW, World, build_world
from tests.support import commit_all

MEMBER_SUB = "GR_0y0zfGl"  # an OpenID `sub` with an underscore, as real member ids have

TEMPLATE_POST = {
    "posts/notes.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:00
        mentions:
          gina: {urn: "urn:li:person:GR_0y0zfGl", name: Gina Rossi}
        ---
        Ship it #release_notes with @gina and more text after.
        """,
}




def world_of(tmp_path: Path, url: str, posts: dict[str, str]) -> World:
    return build_world(tmp_path / "repo", url, posts)


# ----------------------------------------------------------------------------- little text


def test_an_underscore_hashtag_and_member_id_are_published_whole(
    tmp_path: Path, sandbox_url: str
) -> None:
    world = world_of(tmp_path, sandbox_url, TEMPLATE_POST)
    world.control.add_member(MEMBER_SUB, "Gina Rossi")
    run = world.publish()
    assert run.code == 0, run.output
    [post] = world.sandbox_posts()
    assert post["cut_at"] is None, post
    assert post["text"] == "Ship it #release_notes with Gina Rossi and more text after."
    assert world.entry("posts/notes.md")["state"] == "published"


def test_the_read_back_fails_a_post_the_sandbox_cut_at_a_template(
    tmp_path: Path, sandbox_url: str
) -> None:
    """The wire form the renderer used to write: a bare "_" in the template's value."""
    world = world_of(tmp_path, sandbox_url, TEMPLATE_POST)
    config = load_config(world.root, environ=world.environ)
    book = ledger.load(config.ledger_path)
    plan = build_plan(collect(config, book), book, NOW, config.defaults.timezone, PlanOptions())
    [change] = [c for c in plan.changes if c.post == "posts/notes.md"]
    assert change.source is not None
    bare = "Ship it {hashtag|\\#|release_notes} and more text after."
    raw = replace(change.source.rendered, commentary=bare)
    broken = replace(change, source=replace(change.source, rendered=raw))
    report = Applier(config, book, Clients(config, environ=world.environ)).run(
        replace(plan, changes=(broken,))
    )
    [outcome] = report.outcomes
    [post] = world.sandbox_posts()
    assert post["text"] == "Ship it "  # the sandbox cut it at the "{"
    assert outcome.result == "failed", outcome
    assert "LinkedIn shows a different text" in outcome.message


# ----------------------------------------------------------------------------- ghost duplicates

IMAGE_POST = {
    "posts/pic.md": """\
        ---
        author: {author}
        schedule: 2026-12-01 09:00
        images:
          - {{path: ../media/one.png, alt: A square}}
        ---
        The same words, a new picture.
        """,
}
WORDS = "The same words, a new picture."


def image_world(tmp_path: Path, url: str, author: str) -> World:
    posts = {path: text.format(author=author) for path, text in IMAGE_POST.items()}
    world = world_of(tmp_path, url, posts)
    assert world.publish().code == 0
    return world


def swap_the_picture(world: World) -> None:
    png(world.root / "media" / "one.png", color="orange")
    commit_all(world.root, "a new picture")


def live_urns(world: World, text: str) -> list[str]:
    return [p["urn"] for p in world.sandbox_posts() if text in p["commentary"]]


def test_a_replace_posts_again_when_linkedin_compares_content(
    tmp_path: Path, sandbox_url: str
) -> None:
    world = image_world(tmp_path, sandbox_url, "acme")
    world.control.configure(duplicate_match="content")
    old = world.entry("posts/pic.md")["urn"]
    swap_the_picture(world)
    run = world.publish("--allow-replace")
    assert run.code == 0, run.output
    [live] = live_urns(world, WORDS)
    assert live != old
    assert world.entry("posts/pic.md")["urn"] == live


@pytest.mark.parametrize("author", ["acme", "jane"])  # a page token reads posts; Jane's cannot
def test_a_replace_that_meets_a_ghost_fails_and_never_records_the_dead_urn(
    tmp_path: Path, sandbox_url: str, author: str
) -> None:
    world = image_world(tmp_path, sandbox_url, author)
    world.control.configure(duplicate_match="text")
    old = world.entry("posts/pic.md")["urn"]
    swap_the_picture(world)

    run = world.publish("--allow-replace")
    assert run.code == 1, run.output
    assert live_urns(world, WORDS) == []  # deleted, and LinkedIn refused the new one
    entry = world.entry("posts/pic.md")
    assert entry["state"] == "failed"
    assert "urn" not in entry
    assert entry["retired_urns"] == [old]
    assert f"duplicate of {old}" in run.output
    assert "publish --retry-failed" in run.output

    world.control.advance_clock(86_400)  # a day on: LinkedIn's duplicate window has passed
    again = world.publish("--retry-failed", now="2026-12-02T09:00:00Z")  # past its not_after
    assert again.code == 0, again.output
    [live] = live_urns(world, WORDS)
    assert live != old
    assert world.entry("posts/pic.md")["urn"] == live
    assert world.entry("posts/pic.md")["state"] == "published"


def test_a_ghost_met_while_settling_a_lost_answer_leaves_the_post_unknown(
    tmp_path: Path, sandbox_url: str
) -> None:
    """The create after the delete answers 500 (nothing made); the re-check within the
    window meets the ghost. Whether the first attempt landed cannot be told from that, so
    the post is `unknown` for a person to settle, and the dead URN is not recorded."""
    world = image_world(tmp_path, sandbox_url, "jane")
    world.control.configure(duplicate_match="text")
    old = world.entry("posts/pic.md")["urn"]
    swap_the_picture(world)
    world.control.add_fault("error", status=500, method="POST", path="/rest/posts", times=1)
    run = world.publish("--allow-replace")
    assert run.code == 1, run.output
    assert live_urns(world, WORDS) == []
    entry = world.entry("posts/pic.md")
    assert entry["state"] == "unknown" and "urn" not in entry, entry
    assert f"duplicate of {old}, a post that publish deleted" in run.output


def forget(world: World, path: str, *, keep_as: str | None = None) -> None:
    """Drop the post's URN from its file and its entry from the ledger (or move the entry
    under `keep_as`), as a lost ledger or a hand-made copy would leave them."""
    ledger_file = world.root / ".publish" / "ledger.json"
    data = json.loads(ledger_file.read_text(encoding="utf-8"))
    entry = data["posts"].pop(path)
    if keep_as is not None:
        data["posts"][keep_as] = entry
    ledger_file.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    post = world.root / path
    lines = post.read_text(encoding="utf-8").splitlines(keepends=True)
    post.write_text("".join(line for line in lines
                            if not line.startswith(("urn:", "published_at:"))), encoding="utf-8")
    commit_all(world.root, "forget")


def test_a_422_naming_another_files_post_fails_this_post(
    tmp_path: Path, sandbox_url: str
) -> None:
    world = world_of(tmp_path, sandbox_url, TEMPLATE_POST)
    assert world.publish().code == 0
    [urn] = [p["urn"] for p in world.sandbox_posts()]
    forget(world, "posts/notes.md", keep_as="posts/announcement.md")

    # The plan knows the file by its text first: the post of the removed
    # posts/announcement.md, moved (README, "A post and its file"); nothing is sent.
    run = world.publish()
    assert run.code == 0, run.output
    assert [p["urn"] for p in world.sandbox_posts()] == [urn]
    assert world.entry("posts/notes.md")["urn"] == urn
    assert "posts/announcement.md" not in world.ledger()["posts"]


def test_a_422_naming_a_post_linkedin_no_longer_has_is_a_ghost(
    tmp_path: Path, sandbox_url: str
) -> None:
    world = world_of(tmp_path, sandbox_url, TEMPLATE_POST)
    assert world.publish().code == 0
    [urn] = [p["urn"] for p in world.sandbox_posts()]
    page = LinkedInClient(Transport(sandbox_url, f"{sandbox_url}/oauth/v2", "202611"),
                          world.tokens["acme"])
    page.delete_post(urn)  # deleted by hand on LinkedIn
    forget(world, "posts/notes.md")

    # The file's history shows the URN the ledger lost: blocked before anything is sent
    # (README, "A post and its file"), so LinkedIn's 422 naming the ghost is not reached.
    run = world.publish()
    assert run.code == 1, run.output
    assert world.sandbox_posts() == []
    assert f"publish adopt posts/notes.md --urn {urn}" in run.output


# ----------------------------------------------------------------------------- media readiness

MEDIA_POSTS = {
    "image": "images:\n  - {path: ../media/one.png, alt: A square}",
    "document": "document: {path: ../media/deck.pdf, title: The deck}",
    "video": "video: {path: ../media/clip.mp4, title: A clip}",
}


def media_world(tmp_path: Path, url: str, kind: str, author: str) -> World:
    post = (f"---\nauthor: {author}\nschedule: 2026-12-01 09:00\n{MEDIA_POSTS[kind]}\n---\n"
            f"A {kind} that takes a while.\n")
    return world_of(tmp_path, url, {"posts/media.md": post})


def post_answers(world: World) -> list[int]:
    return [c["status"] for c in world.calls()
            if c["method"] == "POST" and c["path"] == "/rest/posts"]


@pytest.mark.parametrize("kind", ["image", "document", "video"])
def test_media_is_confirmed_available_before_the_post_is_created(
    tmp_path: Path, sandbox_url: str, kind: str
) -> None:
    world = media_world(tmp_path, sandbox_url, kind, "acme")
    world.control.configure(media_processing_polls=1)  # the first status read says PROCESSING
    run = world.publish()
    assert run.code == 0, run.output
    assert [p["content_kind"] for p in world.sandbox_posts()] == [kind]
    assert post_answers(world) == [201], "the post was created once, when the media was ready"
    reads = [c for c in world.calls() if c["method"] == "GET" and f"/rest/{kind}s/" in c["path"]]
    assert len(reads) >= 2, reads  # PROCESSING, then AVAILABLE


def test_a_token_that_cannot_read_media_retries_the_create_until_it_is_ready(
    tmp_path: Path, sandbox_url: str
) -> None:
    """Jane's token has w_member_social only: GET /rest/images answers 403, so the create
    is the only way to learn the image is ready, and it is retried while LinkedIn answers
    MEDIA_ASSET_WAITING_UPLOAD."""
    world = media_world(tmp_path, sandbox_url, "image", "jane")
    world.control.configure(media_processing_seconds=3.0)
    world.control.set_clock(NOW, running=True)
    run = world.publish()
    assert run.code == 0, run.output
    assert [p["content_kind"] for p in world.sandbox_posts()] == ["image"]
    answers = post_answers(world)
    assert answers[0] == 400 and answers[-1] == 201 and answers.count(201) == 1, answers
    assert any(c["status"] == 403 and "/rest/images/" in c["path"] for c in world.calls())


@pytest.mark.parametrize("kind", ["image", "document", "video"])
def test_the_sandbox_processes_every_media_kind_for_media_processing_seconds(
    tmp_path: Path, sandbox_url: str, kind: str
) -> None:
    world = media_world(tmp_path, sandbox_url, kind, "acme")
    world.control.configure(media_processing_seconds=30.0)
    page = LinkedInClient(Transport(sandbox_url, f"{sandbox_url}/oauth/v2", "202611"),
                          world.tokens["acme"])
    media = world.root / "media"
    owner = "urn:li:organization:2414183"
    if kind == "image":
        urn = page.upload_image(owner, media / "one.png")
    elif kind == "document":
        urn = page.upload_document(owner, media / "deck.pdf")
    else:
        urn = page.upload_video(owner, media / "clip.mp4", wait=False)
    assert page.media_status(urn)["status"] == "PROCESSING"
    world.control.advance_clock(30)
    assert page.media_status(urn)["status"] == "AVAILABLE"

"""Polls: `poll:` in front matter, checked key by key; sent as content.poll; a changed poll
is a replace; published to the real sandbox, shown in its feed, in the preview and in the
report like any other post."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.linkedin.client import build_post_payload
from publisher.post import load_post
from publisher.preview import build_preview
from publisher.sandbox.metrics import post_metrics
from tests.publishing import NOW, PAGE_SCOPES, World, build_world
from tests.support import commit_all, write_files

POST = "posts/p.md"
POLL = """\
    ---
    author: acme
    schedule: 2026-12-01 09:00
    poll:
      question: Which day suits the launch?
      options:
        - Monday
        - Friday
        - Yes
      duration: THREE_DAYS
    ---
    Help us pick the day.
    """


def loaded(make_repo: Callable[..., Path], text: str, extra: dict[str, str | bytes] | None = None
           ) -> tuple[list[str], object]:
    root = make_repo({POST: text, **(extra or {})})
    result = load_post(load_config(root, environ={}), POST)
    return [str(d) for d in result.diagnostics], result.post


def test_a_poll_is_read_as_written(make_repo: Callable[..., Path]) -> None:
    found, post = loaded(make_repo, POLL)
    assert found == []
    assert post.kind == "poll"  # type: ignore[attr-defined]
    poll = post.poll  # type: ignore[attr-defined]
    # "Yes" is the word, not YAML's true.
    assert poll.question == "Which day suits the launch?"
    assert poll.options == ("Monday", "Friday", "Yes") and poll.duration == "THREE_DAYS"
    assert poll.payload() == {
        "question": "Which day suits the launch?",
        "options": [{"text": "Monday"}, {"text": "Friday"}, {"text": "Yes"}],
        "settings": {"duration": "THREE_DAYS"}}


def test_the_duration_defaults_to_seven_days(make_repo: Callable[..., Path]) -> None:
    found, post = loaded(make_repo, "---\npoll: {question: Tea?, options: [Yes, No]}\n---\nVote\n")
    assert found == [] and post.poll.duration == "SEVEN_DAYS"  # type: ignore[attr-defined]


def test_check_reports_every_limit_on_its_line(make_repo: Callable[..., Path]) -> None:
    text = (
        "---\n"
        "poll:\n"
        f"  question: {'Q' * 141}\n"
        "  options:\n"
        f"    - {'a' * 31}\n"
        "    - ''\n"
        "    - c\n"
        "    - d\n"
        "    - e\n"
        "  duration: TWO_DAYS\n"
        "  multiple: true\n"
        "---\n"
        "Vote\n")
    found, post = loaded(make_repo, text)
    assert post is None
    assert found == [
        "posts/p.md:3: error: poll question is 141 characters; LinkedIn allows 140: "
        "shorten it by 1",
        "posts/p.md:4: error: poll has 5 options; LinkedIn takes 2 to 4: remove 1",
        "posts/p.md:5: error: poll option 1 is 31 characters; LinkedIn allows 30: "
        "shorten it by 1",
        "posts/p.md:6: error: poll option 2 is empty: write the answer or remove it",
        "posts/p.md:10: error: poll duration 'TWO_DAYS' is not one of ONE_DAY, THREE_DAYS, "
        "SEVEN_DAYS, FOURTEEN_DAYS (did you mean 'THREE_DAYS'?) (default SEVEN_DAYS)",
        "posts/p.md:11: error: unknown key 'multiple' in poll",
    ]


@pytest.mark.parametrize(("front", "expected"), [
    ("poll: Which day?", "posts/p.md:2: error: poll must be {question: …, options:"),
    ("poll: {options: [a, b]}", "posts/p.md:2: error: poll needs a question"),
    ("poll: {question: Q?}", "posts/p.md:2: error: poll needs options: a list of 2 to 4"),
    ("poll: {question: Q?, options: [a]}",
     "posts/p.md:2: error: poll has 1 option; LinkedIn takes 2 to 4: add one"),
    ("poll: {question: Q?, options: [a, a]}",
     "posts/p.md:2: error: poll options must differ from each other"),
    ("poll: {question: Q?, options: [a, '😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀']}",
     "posts/p.md:2: error: poll option 2 is 32 characters; LinkedIn allows 30"),
    ("poll: {question: Q?, options: [a, b]}\narticle: {url: 'https://example.com', title: T}",
     "error: a post has at most one of images, video, document, article, poll; found article "
     "and poll: a poll carries no media, make it two posts"),
])
def test_a_bad_poll_is_an_error_that_says_what_to_do(make_repo: Callable[..., Path], front: str,
                                                     expected: str) -> None:
    found, post = loaded(make_repo, f"---\n{front}\n---\nVote\n")
    assert post is None
    assert any(expected in line for line in found), found


def test_the_payload_carries_the_poll_as_content() -> None:
    poll = {"question": "Q?", "options": [{"text": "a"}, {"text": "b"}],
            "settings": {"duration": "ONE_DAY"}}
    payload = build_post_payload("urn:li:organization:1", "Vote", "PUBLIC", poll=poll)
    assert payload["content"] == {"poll": poll}
    with pytest.raises(ValueError, match="a poll carries no other content"):
        build_post_payload("urn:li:organization:1", "Vote", "PUBLIC", poll=poll,
                           article={"source": "https://example.com", "title": "T"})


def test_a_changed_poll_changes_what_linkedin_cannot_edit(make_repo: Callable[..., Path]) -> None:
    _, before = loaded(make_repo, POLL)
    _, after = loaded(make_repo, POLL.replace("THREE_DAYS", "ONE_DAY"))
    _, edited = loaded(make_repo, POLL.replace("Help us pick", "Please help us pick"))
    assert before.content_hash != after.content_hash  # type: ignore[attr-defined]
    assert before.content_hash == edited.content_hash  # type: ignore[attr-defined]


def test_posts_without_a_poll_keep_their_content_hash(make_repo: Callable[..., Path]) -> None:
    """Posts published before polls existed must not all turn into replaces."""
    _, post = loaded(make_repo, "---\nauthor: acme\n---\nHello\n")
    assert set(post.content_fingerprint()) == {  # type: ignore[attr-defined]
        "author", "visibility", "reshare", "kind", "media", "article"}


# ------------------------------------------------------------------ against the sandbox

SEED = SANDBOX_SEED = 5  # the module's sandbox (tests/conftest.py) and tests.publishing's



@pytest.fixture
def world(tmp_path: Path, sandbox_url: str) -> World:
    return build_world(tmp_path / "repo", sandbox_url, posts={"posts/poll.md": POLL},
                       page_scopes=[*PAGE_SCOPES, "rw_organization_admin"])


def live_polls(world: World) -> list[dict[str, object]]:
    return [p["content"]["poll"] for p in world.sandbox_posts()
            if p["content"] and "poll" in p["content"]]


def test_a_poll_is_published_once_and_shown_in_the_feed(world: World) -> None:
    run = world.publish()
    assert run.code == 0, run.output
    assert live_polls(world) == [{
        "question": "Which day suits the launch?",
        "options": [{"text": "Monday"}, {"text": "Friday"}, {"text": "Yes"}],
        "settings": {"duration": "THREE_DAYS"}}]
    assert world.entry("posts/poll.md")["urn"].startswith("urn:li:ugcPost:")
    feed = world.control.feed_html()
    assert "Which day suits the launch?" in feed and "open for 3 days" in feed
    assert world.publish().code == 0 and len(world.sandbox_posts()) == 1


def test_a_changed_poll_is_posted_again_only_with_allow_replace(world: World) -> None:
    assert world.publish().code == 0
    old = world.entry("posts/poll.md")["urn"]
    path = world.root / "posts/poll.md"
    path.write_text(path.read_text(encoding="utf-8").replace("- Yes", "- Sunday"),
                    encoding="utf-8")
    commit_all(world.root, "another answer")
    held = world.publish("--dry-run")
    assert "blocked" in held.output and "poll" in held.output and "--allow-replace" in held.output
    assert world.publish("--allow-replace").code == 0
    [poll] = live_polls(world)
    assert [o["text"] for o in poll["options"]] == ["Monday", "Friday", "Sunday"]  # type: ignore[index]
    assert world.entry("posts/poll.md")["urn"] != old


def test_the_preview_draws_the_poll(world: World) -> None:
    preview = build_preview(load_config(world.root, None), NOW, world.root.parent / "preview")
    [entry] = preview.entries
    assert entry.kind == "poll"
    html = (preview.out / str(entry.page)).read_text(encoding="utf-8")
    assert 'aria-label="Poll: Which day suits the launch?"' in html
    assert html.count('class="poll-option"') == 3 and "open for 3 days" in html


def test_the_report_shows_the_polls_figures(world: World) -> None:
    assert world.publish().code == 0
    later = "2026-12-03T09:00:00Z"
    world.control.set_clock(later)
    run = world.publish("stats", now=later)
    assert run.code == 0, run.output
    urn = world.entry("posts/poll.md")["urn"]
    state = next(p for p in world.control.posts() if p["urn"] == urn)
    at_ms = int(datetime(2026, 12, 3, 9, tzinfo=UTC).timestamp() * 1000)
    figures = post_metrics(SEED, urn, state["createdAt"], at_ms, 0)
    table = world.publish("report", "--format", "csv", now=None).output
    [row] = list(csv.DictReader(io.StringIO(table)))
    assert row["post"] == "posts/poll.md"
    assert int(row["impressions"]) == figures.impressions > 0
    assert int(row["clicks"]) == figures.clicks


def test_check_names_the_poll_line_in_the_cli(world: World) -> None:
    write_files(world.root, {"posts/poll.md": POLL.replace("Friday", "F" * 31)})
    run = world.publish("check")
    assert run.code == 1
    assert "posts/poll.md:8: error: poll option 2 is 31 characters; LinkedIn allows 30: " \
           "shorten it by 1" in run.output


def test_the_pull_request_plan_shows_the_poll(world: World) -> None:
    run = world.publish("--dry-run", "--format", "markdown")
    assert "- 📊 poll: `Which day suits the launch?` — `Monday` / `Friday` / `Yes` (3 days)" \
        in run.output, run.output


def test_the_json_plan_names_the_kind(world: World) -> None:
    run = world.publish("--dry-run", "--format", "json")
    [change] = json.loads(run.output)["changes"]
    assert (change["post"], change["kind"], change["action"]) == ("posts/poll.md", "poll", "create")

"""Every plan action, from files, ledger and a fixed clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher import ledger, planview
from publisher.config import load_config
from publisher.ledger import Entry, Ledger
from publisher.plan import UNCHANGED, Change, Plan, PlanOptions, build_plan
from publisher.post import load_post
from publisher.sources import collect
from tests.builders import png_bytes
from tests.support import commit_all, git, write_files

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TEXT = "---\n{front}\n---\n{body}\n"


def post(front: str = "author: acme", body: str = "Hello") -> str:
    return TEXT.format(front=front, body=body)


def plan_for(root: Path, book: Ledger | None = None, now: datetime = NOW, **options: bool) -> Plan:
    config = load_config(root, environ={})
    book = book or ledger.load(config.ledger_path)
    return build_plan(collect(config, book), book, now, config.defaults.timezone,
                      PlanOptions(per_author_per_day=config.per_author_per_day, **options))


def action(plan: Plan, path: str) -> tuple[str, str]:
    change = next(c for c in plan.changes if c.post == path)
    return change.action, change.reason


def published(root: Path, path: str, **fields: str) -> Entry:
    """The ledger entry publishing `path` as it is now would have written."""
    config = load_config(root, environ={})
    loaded = load_post(config, path)
    assert loaded.post is not None
    from publisher.gitops import file_states

    entry = Entry(author=loaded.post.author, state="published", urn="urn:li:share:1",
                  content_hash=loaded.post.content_hash,
                  commentary_hash=loaded.post.commentary_hash,
                  source_blob=file_states(root, [path])[path].blob,
                  published_at="2026-11-30T10:00:00Z", attempts=1)
    for key, value in fields.items():
        setattr(entry, key, value)
    return entry


@pytest.mark.parametrize(
    ("front", "expected", "reason"),
    [
        ("author: acme", "create", "new post, no schedule: publish now"),
        ("schedule: 2026-12-01 12:30", "create", "due since 2026-12-01T11:30:00Z"),
        ("schedule: 2026-12-02 09:00", "wait", "scheduled for 2026-12-02T08:00:00Z"),
        ("schedule: 2026-11-30 09:00", "expired", "not posted by its not_after (2026-11-30T14:00:00Z)"),
        ("schedule: 2026-11-30 09:00\nnot_after: 2026-12-02 00:00", "create", "due since"),
        ("status: draft", "skip", "draft"),
        ("status: deleted", "skip", "never published"),
        ("author: nobody", "blocked", "1 error in the post"),
        ("urn: urn:li:share:99", "noop", "publish adopt posts/p.md --urn urn:li:share:99"),
        ("publish_when: {url_ok: 'https://example.com/live'}", "create", "posts once https://example.com/live answers 2xx"),
    ],
)
def test_new_posts(make_repo: Callable[..., Path], front: str, expected: str, reason: str) -> None:
    root = make_repo({"posts/p.md": post(front)})
    got = action(plan_for(root), "posts/p.md")
    assert got[0] == expected and reason in got[1], got


def test_blocked_carries_every_diagnostic(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/p.md": post("author: nobody\nvisibility: ALL")})
    change = plan_for(root).changes[0]
    assert change.action == "blocked"
    assert [d.line for d in change.diagnostics] == [2, 3]


def test_uncommitted_post_is_blocked_unless_allowed(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    write_files(root, {"posts/p.md": post()})
    assert action(plan_for(root), "posts/p.md")[0] == "blocked"
    assert "is not committed yet" in action(plan_for(root), "posts/p.md")[1]  # untracked
    assert action(plan_for(root, allow_dirty=True), "posts/p.md")[0] == "create"
    commit_all(root, "the post")
    write_files(root, {"posts/p.md": post(body="Hello, edited")})
    assert "has uncommitted changes" in action(plan_for(root), "posts/p.md")[1]


def test_published_and_unchanged_is_noop_without_parsing(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/p.md": post()})
    book = Ledger(posts={"posts/p.md": published(root, "posts/p.md")})
    # Break the file's meaning without changing the blob the ledger knows: impossible, so
    # instead check that an unchanged file yields a noop with no parse result attached.
    change = plan_for(root, book).changes[0]
    assert (change.action, change.source) == ("noop", None)
    assert change.reason == "published; no change LinkedIn would show"


def test_edited_text_is_an_update(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/p.md": post()})
    book = Ledger(posts={"posts/p.md": published(root, "posts/p.md")})
    write_files(root, {"posts/p.md": post(body="Hello, edited")})
    commit_all(root)
    change = plan_for(root, book).changes[0]
    assert change.action == "update" and change.commentary == "Hello, edited"


def test_changed_image_needs_allow_replace(make_repo: Callable[..., Path]) -> None:
    front = "images:\n  - path: media/a.png\n    alt: x"
    root = make_repo({"posts/p.md": post(front), "posts/media/a.png": png_bytes()})
    book = Ledger(posts={"posts/p.md": published(root, "posts/p.md")})
    write_files(root, {"posts/media/a.png": png_bytes(color="#ff0000"), "posts/p.md": post(front, "Hi")})
    commit_all(root)
    assert action(plan_for(root, book), "posts/p.md")[0] == "blocked"
    assert "--allow-replace" in action(plan_for(root, book), "posts/p.md")[1]
    assert action(plan_for(root, book, allow_replace=True), "posts/p.md")[0] == "replace"


def test_a_change_that_linkedin_does_not_show_is_noop(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/p.md": post()})
    book = Ledger(posts={"posts/p.md": published(root, "posts/p.md")})
    write_files(root, {"posts/p.md": post("author: acme\nfirst_comment: hi")})
    commit_all(root)
    assert action(plan_for(root, book), "posts/p.md") == ("noop", "published; no change LinkedIn would show")


def test_removed_file_is_deleted_only_with_prune(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/p.md": post()})
    book = Ledger(posts={"posts/p.md": published(root, "posts/p.md")})
    git(root, "rm", "-q", "posts/p.md")
    commit_all(root)
    assert action(plan_for(root, book), "posts/p.md")[0] == "noop"
    assert "--prune" in action(plan_for(root, book), "posts/p.md")[1]
    assert action(plan_for(root, book, prune=True), "posts/p.md")[0] == "delete"


def test_status_deleted_on_a_published_post(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/p.md": post()})
    book = Ledger(posts={"posts/p.md": published(root, "posts/p.md")})
    write_files(root, {"posts/p.md": post("author: acme\nstatus: deleted")})
    assert action(plan_for(root, book), "posts/p.md")[0] == "blocked", "not committed yet"
    commit_all(root)
    # An explicit, reviewed statement about one post: no --prune needed (unlike a removal).
    assert action(plan_for(root, book), "posts/p.md") == (
        "delete", "status: deleted: delete the LinkedIn post")
    assert action(plan_for(root, book, prune=True), "posts/p.md")[0] == "delete"


@pytest.mark.parametrize(
    ("state", "options", "expected", "reason"),
    [
        ("unknown", {}, "blocked", "publish resolve"),
        ("failed", {}, "blocked", "failed before (HTTP 400); edit the post or run with --retry-failed"),
        ("failed", {"retry_failed": True}, "create", "new post"),
        ("expired", {}, "expired", "not_after passed"),
        ("pending", {}, "create", "reconcile with LinkedIn before posting"),
    ],
)
def test_ledger_states(make_repo: Callable[..., Path], state: str, options: dict[str, bool],
                       expected: str, reason: str) -> None:
    root = make_repo({"posts/p.md": post()})
    entry = published(root, "posts/p.md", state=state, last_error="HTTP 400")
    entry.urn = None
    got = action(plan_for(root, Ledger(posts={"posts/p.md": entry}), **options), "posts/p.md")
    assert got[0] == expected and reason in got[1], got


def test_daily_limit_holds_back_the_rest(make_repo: Callable[..., Path]) -> None:
    from tests.support import CONFIG

    config = CONFIG.replace("[links]", "[limits]\nper_author_per_day = 2\n\n[links]")
    files = {f"posts/p{i}.md": post(body=f"Post {i}") for i in range(4)}
    root = make_repo(files, config=config)
    plan = plan_for(root)
    assert [c.action for c in plan.changes] == ["create", "create", "wait", "wait"]
    assert "per_author_per_day" in plan.changes[2].reason


def test_a_change_held_back_keeps_every_other_field() -> None:
    from dataclasses import fields

    from publisher.plan import _with

    values = {f.name: f"value of {f.name}" for f in fields(Change)}
    held = _with(Change(**values), "wait", "held")  # type: ignore[arg-type]
    assert {f.name: getattr(held, f.name) for f in fields(Change)} == {
        **values, "action": "wait", "reason": "held"}


def test_the_fields_made_by_position_keep_their_order() -> None:
    # plan._settled and sources.collect make one Change and one Source per unchanged post
    # by position, for speed: a field moved or added before these breaks them.
    from dataclasses import fields

    from publisher.plan import Source

    assert [f.name for f in fields(Change)][:10] == [
        "post", "action", "reason", "author", "scheduled_for", "not_after", "urn",
        "diagnostics", "source", "blob"]
    assert [f.name for f in fields(Source)][:7] == [
        "path", "blob", "dirty", "loaded", "media_blobs", "uncommitted_media", "settled"]


def test_changes_run_in_schedule_order(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "posts/a.md": post("schedule: 2026-12-01 11:00"),
        "posts/b.md": post("schedule: 2026-12-01 09:00"),
        "posts/c.md": post("schedule: 2026-12-01 10:00"),
    })
    assert [c.post for c in plan_for(root).changes] == ["posts/b.md", "posts/c.md", "posts/a.md"]


def _dumped(plan: Plan) -> str:
    return json.dumps(plan.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"


def test_json_of_a_mixed_plan_is_exactly_json_dumps(make_repo: Callable[..., Path]) -> None:
    """as_json writes unchanged posts from a template: byte for byte what json.dumps writes."""
    odd = 'posts/"quoted" \\ back – ünï 🎉.md'
    root = make_repo({
        "posts/new.md": post(),
        "posts/later.md": post("schedule: 2026-12-02 09:00"),
        "posts/draft.md": post("status: draft"),
        "posts/bad.md": post("author: nobody"),
        "posts/same.md": post(),
        "posts/gone.md": post(),
        odd: post(),
    })
    book = Ledger(posts={p: published(root, p) for p in ("posts/same.md", "posts/gone.md", odd)})
    book.posts["posts/never.md"] = Entry(author="urn:li:person:x", state="failed")
    git(root, "rm", "-q", "posts/gone.md")
    commit_all(root)
    plan = plan_for(root, book)
    unread = [c.post for c in plan.changes if c.source is None and c.reason == UNCHANGED]
    assert unread == sorted([odd, "posts/same.md"])  # written from the template
    assert planview.as_json(plan) == _dumped(plan)


@given(
    post_path=st.text(min_size=1), author=st.none() | st.text(), urn=st.none() | st.text(),
)
def test_json_of_any_unchanged_post_is_exactly_json_dumps(
    post_path: str, author: str | None, urn: str | None
) -> None:
    change = Change(post_path, "noop", UNCHANGED, author=author, urn=urn, blob="b")
    plan = Plan(now=NOW, timezone="Europe/Berlin", changes=(change,))
    assert planview.as_json(plan) == _dumped(plan)


def test_a_post_whose_image_git_does_not_have_names_it(make_repo: Callable[..., Path]) -> None:
    front = "images:\n  - path: media/a.png\n    alt: x"
    root = make_repo({"posts/p.md": post(front), ".gitignore": "posts/media/\n",
                      "posts/media/a.png": png_bytes()})
    got = action(plan_for(root), "posts/p.md")
    assert got == ("blocked", "has uncommitted changes in posts/media/a.png: commit them "
                   "first (only what is in git is published) or pass --allow-dirty")
    assert action(plan_for(root, allow_dirty=True), "posts/p.md")[0] == "create"

"""Which file is which post, in the plan: moves, copies, twins (README "A post and its file").

Pure plans from files and a hand-made ledger; tests/test_file_scenarios.py runs the same
stories against the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.gitops import file_states
from publisher.identity import Candidate, identify
from publisher.ledger import Entry, Ledger
from publisher.plan import Change, Plan
from publisher.post import Post, load_post
from tests.support import commit_all
from tests.test_plan import plan_for, post

URN = "urn:li:share:7001"
PAGE = "urn:li:organization:2414183"


def entry(root: Path, path: str, state: str = "published", **fields: str | None) -> Entry:
    """The ledger entry of `path` as it is now, as a sync in `state` would have left it."""
    loaded = load_post(load_config(root, environ={}), path)
    assert loaded.post is not None
    made = Entry(author=loaded.post.author, state=state,  # type: ignore[arg-type]
                 urn=URN if state == "published" else None,
                 content_hash=loaded.post.content_hash,
                 commentary_hash=loaded.post.commentary_hash,
                 source_blob=file_states(root, [path])[path].blob)
    for key, value in fields.items():
        setattr(made, key, value)
    return made


def change(plan: Plan, path: str) -> Change:
    return next(c for c in plan.changes if c.post == path)


def moved_repo(make_repo: Callable[..., Path], files: dict[str, str], old: str,
               state: str = "published") -> tuple[Path, Ledger]:
    """A repository with `files`, whose ledger has the first file's entry under `old`."""
    root = make_repo(files)
    first = next(iter(files))
    return root, Ledger(posts={old: entry(root, first, state)})


def test_a_published_post_whose_file_moved_is_a_move(make_repo: Callable[..., Path]) -> None:
    root, book = moved_repo(make_repo, {"posts/new.md": post(f"urn: {URN}")}, "posts/old.md")
    plan = plan_for(root, book, prune=True)
    moved = change(plan, "posts/new.md")
    assert (moved.action, moved.moved_from, moved.urn) == ("move", "posts/old.md", URN)
    assert [c.post for c in plan.changes] == ["posts/new.md"]  # nothing for the old path
    assert plan.summary["delete"] == 0 and not plan.has_errors


def test_a_moved_and_edited_post_is_an_update_of_the_same_post(
    make_repo: Callable[..., Path],
) -> None:
    root = make_repo({"posts/new.md": post(f"urn: {URN}", body="Hello there")})
    book = Ledger(posts={"posts/old.md": entry(root, "posts/new.md")})
    (root / "posts/new.md").write_text(post(f"urn: {URN}", body="Hello again"), encoding="utf-8")
    commit_all(root, "edit")
    moved = change(plan_for(root, book), "posts/new.md")
    assert (moved.action, moved.moved_from) == ("update", "posts/old.md")
    assert moved.reason.startswith("moved from posts/old.md; text edited")


def test_a_copy_with_the_urn_of_a_file_that_exists_is_blocked(
    make_repo: Callable[..., Path],
) -> None:
    root = make_repo({"posts/a.md": post(f"urn: {URN}"),
                      "posts/copy.md": post(f"urn: {URN}", body="A new post")})
    book = Ledger(posts={"posts/a.md": entry(root, "posts/a.md")})
    plan = plan_for(root, book, allow_replace=True, prune=True)
    copy = change(plan, "posts/copy.md")
    assert copy.action == "blocked" and copy.moved_from is None
    assert "has the urn: of posts/a.md" in copy.reason
    assert "delete its urn: and published_at: lines" in copy.reason
    assert [d.severity for d in copy.diagnostics] == ["error"]
    assert change(plan, "posts/a.md").action == "noop"


@pytest.mark.parametrize(
    ("files", "blocked"),
    [
        ({"posts/a.md": post(), "posts/b.md": post()}, {"posts/a.md", "posts/b.md"}),
        ({"posts/a.md": post(), "posts/b.md": post(body="Other")}, set()),
        ({"posts/a.md": post(), "posts/b.md": post("author: jane")}, set()),
        ({"posts/a.md": post(), "posts/b.md": post("status: draft")}, set()),
        ({"posts/a.md": post(), "posts/b.md": post("author: acme\nvisibility: LOGGED_IN")},
         {"posts/a.md", "posts/b.md"}),
    ],
    ids=["one text", "two texts", "two authors", "a draft", "same text, other settings"],
)
def test_twins_are_blocked_before_either_is_sent(
    make_repo: Callable[..., Path], files: dict[str, str], blocked: set[str]
) -> None:
    plan = plan_for(make_repo(files))
    assert {c.post for c in plan.changes if c.action == "blocked"} == blocked
    for path in blocked:
        other = next(p for p in files if p != path)
        assert f"has the same text as {other}" in change(plan, path).reason


def test_a_new_post_with_the_text_of_a_published_one_is_blocked(
    make_repo: Callable[..., Path],
) -> None:
    root = make_repo({"posts/a.md": post(f"urn: {URN}"), "posts/b.md": post()})
    book = Ledger(posts={"posts/a.md": entry(root, "posts/a.md")})
    plan = plan_for(root, book)
    assert change(plan, "posts/a.md").action == "noop"
    assert change(plan, "posts/b.md").action == "blocked"
    assert "has the same text as posts/a.md" in change(plan, "posts/b.md").reason


def test_two_published_posts_with_one_text_are_history_not_an_error(
    make_repo: Callable[..., Path],
) -> None:
    root = make_repo({"posts/a.md": post(f"urn: {URN}"), "posts/b.md": post("urn: urn:li:share:2")})
    book = Ledger(posts={"posts/a.md": entry(root, "posts/a.md"),
                         "posts/b.md": entry(root, "posts/b.md", urn="urn:li:share:2")})
    assert not plan_for(root, book).has_errors


@pytest.mark.parametrize(("state", "action"), [("pending", "create"), ("unknown", "blocked")])
def test_an_unsettled_post_whose_file_moved_carries_its_intent(
    make_repo: Callable[..., Path], state: str, action: str
) -> None:
    root, book = moved_repo(make_repo, {"posts/new.md": post()}, "posts/old.md", state)
    plan = plan_for(root, book, prune=True)
    moved = change(plan, "posts/new.md")
    assert (moved.action, moved.moved_from) == (action, "posts/old.md")
    assert [c.post for c in plan.changes] == ["posts/new.md"]


def test_two_files_that_match_one_intent_are_both_blocked_and_it_is_held(
    make_repo: Callable[..., Path],
) -> None:
    root, book = moved_repo(make_repo, {"posts/one.md": post(), "posts/two.md": post()},
                            "posts/old.md", "unknown")
    plan = plan_for(root, book, prune=True)
    assert change(plan, "posts/one.md").action == "blocked"
    assert "publish resolve posts/old.md" in change(plan, "posts/two.md").reason
    assert change(plan, "posts/old.md").action == "noop"


def test_two_files_with_the_urn_of_a_removed_one_keep_its_post(
    make_repo: Callable[..., Path],
) -> None:
    root, book = moved_repo(make_repo, {"posts/one.md": post(f"urn: {URN}"),
                                        "posts/two.md": post(f"urn: {URN}", body="B"),
                                        "posts/three.md": post(f"urn: {URN}", body="C")},
                            "posts/old.md")
    plan = plan_for(root, book, prune=True)
    assert {c.post for c in plan.changes if c.action == "blocked"} == {
        "posts/one.md", "posts/two.md", "posts/three.md"}
    held = change(plan, "posts/old.md")
    assert held.action == "noop" and "claim to be its post" in held.reason


def test_a_urn_the_git_history_removed_blocks_a_new_post(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/p.md": post()})
    candidate = Candidate(_post(root, "posts/p.md"), removed_urns=(URN,))
    found = identify({"posts/p.md": candidate}, {"posts/p.md"}, Ledger())
    assert f"publish adopt posts/p.md --urn {URN}" in found.problems["posts/p.md"].message
    known = Ledger(posts={"posts/q.md": Entry(author=PAGE, state="published", urn=URN)})
    assert identify({"posts/p.md": candidate}, {"posts/p.md", "posts/q.md"}, known).problems == {}


def _post(root: Path, path: str) -> Post:
    loaded = load_post(load_config(root, environ={}), path)
    assert loaded.post is not None
    return loaded.post


def test_a_removed_file_whose_post_another_file_tracks_is_never_pruned(
    make_repo: Callable[..., Path],
) -> None:
    root = make_repo({"posts/new.md": post(f"urn: {URN}")})
    book = Ledger(posts={"posts/new.md": entry(root, "posts/new.md"),
                         "posts/old.md": entry(root, "posts/new.md")})
    plan = plan_for(root, book, prune=True)
    assert plan.summary["delete"] == 0
    assert "posts/new.md claims to be its post" in change(plan, "posts/old.md").reason


@pytest.mark.parametrize(("body", "action"), [("Hello", "move"), ("Hello again", "create")],
                         ids=["same text: the post, moved", "other text: a new post"])
def test_a_published_post_moved_without_its_urn_line(
    make_repo: Callable[..., Path], body: str, action: str
) -> None:
    root = make_repo({"posts/old.md": post(), "posts/new.md": post(body=body)})
    book = Ledger(posts={"posts/old.md": entry(root, "posts/old.md")})
    (root / "posts/old.md").unlink()
    commit_all(root, "moved, the urn: line lost")
    moved = change(plan_for(root, book, prune=True), "posts/new.md")
    assert moved.action == action
    assert moved.moved_from == ("posts/old.md" if action == "move" else None)

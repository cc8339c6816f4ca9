"""What people do to post files: rename, copy, delete and restore, revert, twins.

Each scenario runs the real `publish` against the real sandbox, and ends with every post on
LinkedIn exactly once with the text of its file (the sandbox's live posts are the oracle,
not the ledger), or with a failing exit that names the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher import ledger
from tests.publishing import NOW_TEXT, World, build_world
from tests.support import commit_all, git, write_files

EXIT_FAILED = 1
LAUNCH = "posts/launch.md"
HIRING = "posts/hiring.md"
POSTS = {
    LAUNCH: """\
        ---
        author: acme
        ---
        Launch day: the new dashboard is live.
        """,
    HIRING: """\
        ---
        author: jane
        ---
        We are hiring two engineers in Berlin.
        """,
}
# The next run after an interrupted one; intents are dated by the run's clock.
A_MINUTE_LATER = "2026-12-01T09:01:00Z"
TEXTS = {LAUNCH: "Launch day: the new dashboard is live.",
         HIRING: "We are hiring two engineers in Berlin."}


SANDBOX_SEED = 11  # the sandbox_url fixture (tests/conftest.py) starts it


@pytest.fixture
def world(tmp_path: Path, sandbox_url: str) -> World:
    """Both posts published once, committed, nothing left to do."""
    world = build_world(tmp_path / "repo", sandbox_url, posts=POSTS)
    run = world.publish()
    assert run.code == 0, run.output
    assert_on_linkedin(world, TEXTS)
    return world


def live_texts(world: World) -> list[str]:
    return sorted(p["commentary"].strip() for p in world.sandbox_posts())


def assert_on_linkedin(world: World, texts: dict[str, str]) -> None:
    """LinkedIn has exactly these posts, each once, each with the text of its file, and
    each file's urn: line names its post."""
    live = world.sandbox_posts()
    assert live_texts(world) == sorted(texts.values())
    for path, text in texts.items():
        urn = next(p["urn"] for p in live if p["commentary"].strip() == text)
        assert f"urn: {urn}" in (world.root / path).read_text(encoding="utf-8"), path


def post_calls(world: World) -> list[str]:
    """The calls that change posts on LinkedIn (create, update, delete)."""
    return [f"{c['method']} {c['path']}" for c in world.calls()
            if "/rest/posts" in c["path"] and c["method"] != "GET"]


def plan_json(world: World, *args: str) -> dict[str, dict[str, object]]:
    run = world.publish("--dry-run", "--format", "json", *args)
    changes = json.loads(run.output)["changes"]
    return {change["post"]: change for change in changes}


def edit(world: World, path: str, old: str, new: str) -> None:
    file = world.root / path
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


# --- rename ----------------------------------------------------------------------------


def test_a_renamed_post_is_moved_not_posted_again(world: World) -> None:
    urn = world.entry(LAUNCH)["urn"]
    (world.root / "posts/2026").mkdir()
    git(world.root, "mv", LAUNCH, "posts/2026/launch.md")
    commit_all(world.root, "file the launch post by year")
    before = post_calls(world)
    adopt = world.publish("adopt", "posts/2026/launch.md", "--urn", urn, now=None)
    assert adopt.code != 0 and "records the move" in adopt.output, adopt.output

    plan = plan_json(world, "--prune")
    assert LAUNCH not in plan
    assert plan["posts/2026/launch.md"]["action"] == "move"
    assert plan["posts/2026/launch.md"]["moved_from"] == LAUNCH
    text = world.publish("--dry-run", "--prune").output
    assert "move" in text and f"moved from {LAUNCH}" in text
    markdown = world.publish("--dry-run", "--format", "markdown").output
    assert f"**move** | `posts/2026/launch.md` (from `{LAUNCH}`)" in markdown

    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert "1 moved" in run.output
    assert post_calls(world) == before  # no call to LinkedIn at all
    assert LAUNCH not in world.ledger()["posts"]
    assert world.entry("posts/2026/launch.md")["urn"] == urn
    assert world.commits()[0] == "publish: 1 moved"

    edit(world, "posts/2026/launch.md", "is live.", "is live for everyone.")
    commit_all(world.root, "edit")
    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert world.entry("posts/2026/launch.md")["urn"] == urn
    assert_on_linkedin(world, {"posts/2026/launch.md": "Launch day: the new dashboard is "
                               "live for everyone.", HIRING: TEXTS[HIRING]})


def test_a_post_renamed_and_edited_in_one_commit_updates_its_post(world: World) -> None:
    urn = world.entry(HIRING)["urn"]
    git(world.root, "mv", HIRING, "posts/jobs.md")
    edit(world, "posts/jobs.md", "two engineers", "three engineers")
    commit_all(world.root, "rename and edit")

    change = plan_json(world)["posts/jobs.md"]
    assert (change["action"], change["moved_from"]) == ("update", HIRING)

    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert world.entry("posts/jobs.md")["urn"] == urn
    assert HIRING not in world.ledger()["posts"]
    assert_on_linkedin(world, {LAUNCH: TEXTS[LAUNCH],
                               "posts/jobs.md": "We are hiring three engineers in Berlin."})


def test_an_uncommitted_rename_waits_for_its_commit(world: World) -> None:
    git(world.root, "mv", LAUNCH, "posts/moved.md")
    change = plan_json(world)["posts/moved.md"]
    assert change["action"] == "blocked"
    assert "commit" in str(change["reason"]) and LAUNCH in str(change["reason"])
    held = world.publish()     # a blocked post fails the run until it is settled
    assert held.code == 1 and "posts/moved.md: has uncommitted changes" in held.output
    assert_on_linkedin(world, {"posts/moved.md": TEXTS[LAUNCH], HIRING: TEXTS[HIRING]})
    assert LAUNCH in world.ledger()["posts"]  # the ledger follows once git has the move
    commit_all(world.root, "the move")
    assert plan_json(world)["posts/moved.md"]["action"] == "move"


def test_a_post_moved_and_broken_on_the_way_is_never_pruned(world: World) -> None:
    git(world.root, "mv", LAUNCH, "posts/broken.md")
    edit(world, "posts/broken.md", "author: acme", "author: acme\nshedule: tomorrow")
    commit_all(world.root, "move, with a typo")
    run = world.publish("--prune")
    assert run.code == EXIT_FAILED and "posts/broken.md" in run.output, run.output
    assert "posts/broken.md claims to be its post" in run.output
    assert live_texts(world) == sorted(TEXTS.values())

    edit(world, "posts/broken.md", "\nshedule: tomorrow", "")
    commit_all(world.root, "fix the typo")
    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert_on_linkedin(world, {"posts/broken.md": TEXTS[LAUNCH], HIRING: TEXTS[HIRING]})


# --- copies ------------------------------------------------------------------------------


def test_a_copy_with_the_urn_line_is_refused_and_never_touches_the_original(
    world: World,
) -> None:
    original = (world.root / LAUNCH).read_text(encoding="utf-8")
    copy = "posts/launch-follow-up.md"
    write_files(world.root, {copy: original.replace("is live.", "is live: a follow-up.")})
    commit_all(world.root, "a follow-up, started from a copy")
    urn = world.entry(LAUNCH)["urn"]

    check = world.publish("check", now=None)
    assert check.code == EXIT_FAILED, check.output
    assert f"{copy}: error: has the urn: of {LAUNCH}" in check.output
    assert "delete its urn: and published_at: lines" in check.output
    assert plan_json(world)[copy]["action"] == "blocked"

    adopt = world.publish("adopt", copy, "--urn", urn, now=None)
    assert adopt.code != 0 and LAUNCH in adopt.output, adopt.output

    run = world.publish("--prune", "--allow-replace")
    assert run.code == EXIT_FAILED and copy in run.output, run.output
    assert_on_linkedin(world, TEXTS)  # the original still shows its own text

    # The fix the message gives: the copy becomes a new post of its own.
    lines = (world.root / copy).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(("urn:", "published_at:"))]
    (world.root / copy).write_text("".join(kept), encoding="utf-8")
    commit_all(world.root, "make the copy a new post")
    run = world.publish()
    assert run.code == 0, run.output
    assert_on_linkedin(world, {**TEXTS, copy: "Launch day: the new dashboard is live: a "
                               "follow-up."})


def test_a_copy_without_the_urn_line_but_the_same_text_is_a_twin(world: World) -> None:
    copy = "posts/launch-again.md"
    write_files(world.root, {copy: POSTS[LAUNCH]})
    commit_all(world.root, "a copy")

    check = world.publish("check", now=None)
    assert check.code == EXIT_FAILED, check.output
    assert f"{copy}: error: has the same text as {LAUNCH}" in check.output
    run = world.publish()
    assert run.code == EXIT_FAILED and copy in run.output, run.output
    assert_on_linkedin(world, TEXTS)

    edit(world, copy, "is live.", "is live, and here is how it works.")
    commit_all(world.root, "its own text")
    run = world.publish()
    assert run.code == 0, run.output
    assert_on_linkedin(world, {**TEXTS, copy: "Launch day: the new dashboard is live, "
                               "and here is how it works."})


def test_a_copy_with_the_urn_of_a_removed_file_is_that_post(world: World) -> None:
    """Copy, then delete the original: the copy carries the post on (a move in two steps)."""
    urn = world.entry(LAUNCH)["urn"]
    write_files(world.root, {"posts/launch-copy.md": (world.root / LAUNCH).read_text()})
    git(world.root, "rm", "-q", LAUNCH)
    commit_all(world.root, "copy, then remove the original")
    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert world.entry("posts/launch-copy.md")["urn"] == urn
    assert_on_linkedin(world, {"posts/launch-copy.md": TEXTS[LAUNCH], HIRING: TEXTS[HIRING]})


def test_two_copies_of_a_removed_file_are_both_refused(world: World) -> None:
    text = (world.root / LAUNCH).read_text(encoding="utf-8")
    write_files(world.root, {"posts/one.md": text,
                             "posts/two.md": text.replace("is live.", "is live!")})
    git(world.root, "rm", "-q", LAUNCH)
    commit_all(world.root, "two copies")
    run = world.publish("--prune")
    assert run.code == EXIT_FAILED, run.output
    assert "posts/one.md" in run.output and "posts/two.md" in run.output
    assert live_texts(world) == sorted(TEXTS.values())  # not pruned: they claim it

    git(world.root, "rm", "-q", "posts/two.md")
    commit_all(world.root, "keep one")
    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert_on_linkedin(world, {"posts/one.md": TEXTS[LAUNCH], HIRING: TEXTS[HIRING]})


# --- delete, restore, revert -------------------------------------------------------------


def test_a_deleted_then_restored_post_is_the_same_post(world: World) -> None:
    git(world.root, "rm", "-q", LAUNCH)
    commit_all(world.root, "remove")
    assert world.publish().code == 0
    assert live_texts(world) == sorted(TEXTS.values())  # without --prune the post stays

    git(world.root, "checkout", "HEAD~1", "--", LAUNCH)
    commit_all(world.root, "restore")
    before = post_calls(world)
    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert post_calls(world) == before
    assert_on_linkedin(world, TEXTS)


def test_a_post_restored_under_another_name_is_moved(world: World) -> None:
    git(world.root, "rm", "-q", LAUNCH)
    commit_all(world.root, "remove")
    assert world.publish().code == 0
    restored = git(world.root, "show", f"HEAD~1:{LAUNCH}")
    write_files(world.root, {"posts/restored.md": restored})
    commit_all(world.root, "restore under a new name")
    run = world.publish("--prune")
    assert run.code == 0, run.output
    assert_on_linkedin(world, {"posts/restored.md": TEXTS[LAUNCH], HIRING: TEXTS[HIRING]})


def test_a_reverted_publish_commit_never_posts_again(world: World) -> None:
    publish_commit = git(world.root, "rev-parse", "HEAD").strip()
    urn = world.entry(HIRING)["urn"]
    git(world.root, "revert", "--no-edit", publish_commit)

    check = world.publish("check", now=None)
    assert check.code == EXIT_FAILED and f"publish adopt {HIRING} --urn {urn}" in check.output
    run = world.publish()
    assert run.code == EXIT_FAILED, run.output
    assert HIRING in run.output and f"publish adopt {HIRING} --urn {urn}" in run.output
    assert live_texts(world) == sorted(TEXTS.values())

    adopted = world.publish("adopt", HIRING, "--urn", urn, now=None)
    assert adopted.code == 0, adopted.output
    adopted = world.publish("adopt", LAUNCH, "--urn", _live_urn(world, TEXTS[LAUNCH]), now=None)
    assert adopted.code == 0, adopted.output
    run = world.publish()
    assert run.code == 0, run.output
    assert_on_linkedin(world, TEXTS)


def _live_urn(world: World, text: str) -> str:
    return str(next(p["urn"] for p in world.sandbox_posts() if p["commentary"].strip() == text))


# --- twins -------------------------------------------------------------------------------


def test_two_new_posts_with_one_text_are_both_refused(tmp_path: Path, sandbox_url: str) -> None:
    twin = POSTS[HIRING]
    world = build_world(tmp_path / "repo", sandbox_url,
                        posts={"posts/a.md": twin, "posts/b.md": twin, LAUNCH: POSTS[LAUNCH]})
    check = world.publish("check", now=None)
    assert check.code == EXIT_FAILED
    assert "posts/a.md: error: has the same text as posts/b.md" in check.output
    assert "posts/b.md: error: has the same text as posts/a.md" in check.output

    run = world.publish()
    assert run.code == EXIT_FAILED, run.output
    assert "posts/a.md" in run.output and "posts/b.md" in run.output
    assert [p["commentary"].strip() for p in world.sandbox_posts()] == [TEXTS[LAUNCH]]

    git(world.root, "rm", "-q", "posts/b.md")
    commit_all(world.root, "one of them")
    assert world.publish().code == 0
    assert_on_linkedin(world, {"posts/a.md": TEXTS[HIRING], LAUNCH: TEXTS[LAUNCH]})


def test_one_text_by_two_authors_is_two_posts(tmp_path: Path, sandbox_url: str) -> None:
    text = "Season's greetings from all of us."
    posts = {"posts/page.md": f"---\nauthor: acme\n---\n{text}\n",
             "posts/jane.md": f"---\nauthor: jane\n---\n{text}\n"}
    world = build_world(tmp_path / "repo", sandbox_url, posts=posts)
    assert world.publish("check", now=None).code == 0
    run = world.publish()
    assert run.code == 0, run.output
    assert [p["commentary"].strip() for p in world.sandbox_posts()] == [text, text]


# --- unsettled posts that move -------------------------------------------------------------


def unknown_world(tmp_path: Path, sandbox_url: str) -> World:
    """The page post's create landed, but its answer was lost and nothing could tell."""
    world = build_world(tmp_path / "repo", sandbox_url, posts={LAUNCH: POSTS[LAUNCH]})
    # A page token that cannot read: the finder cannot tell, and the re-post fails too.
    world.tokens["acme"] = world.control.token("782bbtaQ", ["w_organization_social"])
    world.control.add_fault("drop", method="POST", path="/rest/posts")
    world.control.add_fault("error", method="POST", path="/rest/posts", status=500, skip=1)
    run = world.publish()
    world.control.clear_faults()
    assert world.entry(LAUNCH)["state"] == "unknown", run.output
    git(world.root, "add", "-A")
    git(world.root, "commit", "-q", "-m", "the unknown state", "--allow-empty")
    return world


@pytest.mark.parametrize("edited", [False, True], ids=["renamed", "renamed and edited"])
def test_an_unknown_post_that_is_renamed_stays_unknown(
    tmp_path: Path, sandbox_url: str, edited: bool
) -> None:
    world = unknown_world(tmp_path, sandbox_url)
    git(world.root, "mv", LAUNCH, "posts/renamed.md")
    if edited:
        edit(world, "posts/renamed.md", "is live.", "is live now.")
    commit_all(world.root, "rename")

    change = plan_json(world)["posts/renamed.md"]
    assert (change["action"], change["moved_from"]) == ("blocked", LAUNCH)
    run = world.publish()
    assert "posts/renamed.md" in run.output and "0 created" not in run.output, run.output
    assert world.entry("posts/renamed.md")["state"] == "unknown"
    assert [p["commentary"].strip() for p in world.sandbox_posts()] == [TEXTS[LAUNCH]]

    urn = _live_urn(world, TEXTS[LAUNCH])
    resolved = world.publish("resolve", "posts/renamed.md", "--urn", urn, now=None)
    assert resolved.code == 0, resolved.output
    run = world.publish()
    assert run.code == 0, run.output
    text = "Launch day: the new dashboard is live now." if edited else TEXTS[LAUNCH]
    assert_on_linkedin(world, {"posts/renamed.md": text})


def pending_world(tmp_path: Path, sandbox_url: str, now: str = NOW_TEXT) -> World:
    """The process dies right after LinkedIn answered the create of the person's post.

    The kill races the process recording the answer, which it wins about one time in
    six on a quiet machine, more often on a busy one: then the setup is made again (the
    oracle is unchanged), up to ten times.
    """
    for attempt in range(10):
        world = build_world(tmp_path / f"try-{attempt}" / "repo", sandbox_url,
                            posts={HIRING: POSTS[HIRING]})
        process = world.spawn(gated=True, now=now)
        world.control.add_fault("signal", pid=process.pid, method="POST", path="/rest/posts")
        output, _ = process.communicate("go\n", timeout=120)
        assert process.returncode == -9, output
        assert len(world.sandbox_posts()) == 1
        # The killed run's steps are in the ledger's journal; the next run folds it in.
        ledger.recover(world.root / ".publish/ledger.json")
        if world.entry(HIRING)["state"] == "pending":
            git(world.root, "add", "-A")
            git(world.root, "commit", "-q", "-m", "the pending intent")
            return world
    raise AssertionError("the process recorded the post before it was killed, ten times")


@pytest.mark.parametrize("edited", [False, True], ids=["renamed", "renamed and edited"])
def test_a_pending_post_that_is_renamed_is_never_created_again(
    tmp_path: Path, sandbox_url: str, edited: bool
) -> None:
    """The process dies right after LinkedIn created the post: the intent stays pending.
    Renamed (and edited) before the next run, it is reconciled, not posted again."""
    world = pending_world(tmp_path, sandbox_url)

    git(world.root, "mv", HIRING, "posts/jobs.md")
    if edited:
        edit(world, "posts/jobs.md", "two engineers", "three engineers")
    commit_all(world.root, "rename")
    change = plan_json(world)["posts/jobs.md"]
    assert change["moved_from"] == HIRING

    run = world.publish(now=A_MINUTE_LATER)
    assert len(world.sandbox_posts()) == 1, run.output
    if not edited:
        # Inside LinkedIn's duplicate window the re-post is answered by 422 naming it.
        assert run.code == 0, run.output
        assert_on_linkedin(world, {"posts/jobs.md": TEXTS[HIRING]})
        return
    # Edited: a re-post would be a new post; only a person can settle it.
    assert run.code == EXIT_FAILED and "publish resolve posts/jobs.md" in run.output
    assert world.entry("posts/jobs.md")["state"] == "unknown"
    urn = _live_urn(world, TEXTS[HIRING])
    assert world.publish("resolve", "posts/jobs.md", "--urn", urn, now=None).code == 0
    run = world.publish(now=A_MINUTE_LATER)
    assert run.code == 0, run.output
    assert_on_linkedin(world, {"posts/jobs.md": "We are hiring three engineers in Berlin."})


def test_an_intent_from_the_future_is_not_reposted(tmp_path: Path, sandbox_url: str) -> None:
    """An intent written by a clock that was ahead has no known age: no re-post probe."""
    world = pending_world(tmp_path, sandbox_url, now="2026-12-01T10:00:00Z")
    world.control.set_clock("2026-12-01T10:20:00Z")  # LinkedIn's duplicate window is over

    run = world.publish()  # an hour before the intent's time
    assert run.code == EXIT_FAILED, run.output
    assert "publish resolve posts/hiring.md" in run.output
    assert len(world.sandbox_posts()) == 1

"""Every sync option works before `sync` and after it, on the sandbox.

`publish OPTION sync` and `publish sync OPTION` are one command. Each case below prepares a
repository where the option changes what happens, runs it in one position, and checks the
outcome on the sandbox (or in the plan, for the options that only shape the plan). The
options of the other commands are not sync's: typed before them, they are a usage error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builders import png
from tests.publishing import NOW_TEXT, POSTS, Run, World, build_world
from tests.support import commit_all, git, write_files

TEXT, IMAGE = "posts/a-text.md", "posts/b-image.md"
TEXT_PIECE, IMAGE_PIECE = "Plain text from the page", "One image from Jane."
ONE_TEXT = {TEXT: POSTS[TEXT]}
ONE_IMAGE = {IMAGE: POSTS[IMAGE]}
NOW = ("--now", NOW_TEXT)
LATE = {  # due long after today: only a --now moves the plan there
    "posts/late.md": """\
        ---
        author: acme
        schedule: 2099-01-01 09:00
        ---
        A post for the next century.
        """,
}


SANDBOX_SEED = 31  # the sandbox_url fixture (tests/conftest.py) starts it


@dataclass(frozen=True)
class Case:
    """An option, what it needs to show its effect, and how to see that effect."""

    option: tuple[str, ...]
    rest: tuple[str, ...]  # typed after `sync` in both positions
    posts: dict[str, str]
    prepare: Callable[[World], None]
    check: Callable[[World, Run], None]


def nothing(world: World) -> None:
    """The repository as built: committed posts, due at NOW."""


def published_then(change: Callable[[World], None]) -> Callable[[World], None]:
    """Publish everything first (options after `sync`, which always worked), then `change`."""

    def prepare(world: World) -> None:
        run = world.publish("sync", "--now", NOW_TEXT, now=None)
        assert run.code == 0, run.output
        change(world)

    return prepare


def image_replaced(world: World) -> None:
    png(world.root / "media/one.png", color="gold")
    commit_all(world.root, "a new picture")


def text_removed(world: World) -> None:
    git(world.root, "rm", "-q", TEXT)
    commit_all(world.root, "withdrawn")


def first_create_refused(world: World) -> None:
    """LinkedIn refused the post once; its file has not changed since."""
    world.control.add_fault("error", status=400, times=1, method="POST", path="/rest/posts")
    run = world.publish("sync", "--now", NOW_TEXT, now=None)
    assert run.code == 1 and world.entry(TEXT)["state"] == "failed", run.output
    # The entry names the file it failed with, so only --retry-failed tries it again.
    assert world.entry(TEXT)["source_blob"] == git(world.root, "hash-object", TEXT).strip()
    assert "run with --retry-failed" in world.publish("--dry-run", *NOW, now=None).output


def uncommitted_post(world: World) -> None:
    write_files(world.root, {"posts/new.md": POSTS[TEXT].replace("Plain text", "Fresh text")})


def detached_head(world: World) -> None:
    git(world.root, "checkout", "-q", "--detach")


def with_origin(world: World) -> None:
    origin = world.root.parent / "origin.git"
    git(world.root.parent, "init", "-q", "--bare", "-b", "main", str(origin))
    git(world.root, "remote", "add", "origin", str(origin))
    git(world.root, "push", "-q", "-u", "origin", "main")


def token_only_on_the_command_line(world: World) -> None:
    world.tokens = {}


def expect_posted(piece: str, count: int = 1) -> Callable[[World, Run], None]:
    def check(world: World, run: Run) -> None:
        assert run.code == 0, run.output
        assert world.count_of(piece) == count, world.sandbox_posts()

    return check


def expect_dry_run(world: World, run: Run) -> None:
    assert run.code == 0, run.output
    assert "create" in run.output
    assert world.sandbox_posts() == []
    assert not (world.root / ".publish/ledger.json").exists()


def expect_json_plan(world: World, run: Run) -> None:
    assert run.code == 0, run.output
    assert json.loads(run.output)["summary"]["create"] == 1


def expect_replaced(world: World, run: Run) -> None:
    assert run.code == 0, run.output
    made = [p for p in world.control.state()["posts"] if IMAGE_PIECE in p["commentary"]]
    live = [p["urn"] for p in made if not p["deleted"]]
    assert len(made) == 2 and live == [world.entry(IMAGE)["urn"]], made


def expect_pruned(world: World, run: Run) -> None:
    assert run.code == 0, run.output
    assert world.count_of(TEXT_PIECE) == 0


def expect_unchanged_listed(world: World, run: Run) -> None:
    assert run.code == 0, run.output
    assert TEXT in run.output  # without --verbose: "= 1 unchanged post"


def expect_pushed(world: World, run: Run) -> None:
    assert run.code == 0, run.output
    origin = world.root.parent / "origin.git"
    assert git(origin, "log", "-1", "--format=%s", "main").startswith("publish: 1 created")


CASES = {
    "--dry-run": Case(("--dry-run",), NOW, ONE_TEXT, nothing, expect_dry_run),
    "--format": Case(("--format", "json"), ("--dry-run", *NOW), ONE_TEXT, nothing,
                     expect_json_plan),
    "--now": Case(("--now", "2099-01-01T08:01:00Z"), (), LATE, nothing,
                  expect_posted("next century")),
    "--allow-replace": Case(("--allow-replace",), NOW, ONE_IMAGE,
                            published_then(image_replaced), expect_replaced),
    "--prune": Case(("--prune",), NOW, ONE_TEXT, published_then(text_removed), expect_pruned),
    "--retry-failed": Case(("--retry-failed",), NOW, ONE_TEXT, first_create_refused,
                           expect_posted(TEXT_PIECE)),
    "--allow-dirty": Case(("--allow-dirty",), NOW, ONE_TEXT, uncommitted_post,
                          expect_posted("Fresh text")),
    "--allow-stale": Case(("--allow-stale",), NOW, ONE_TEXT, detached_head,
                          expect_posted(TEXT_PIECE)),
    "--verbose": Case(("--verbose",), ("--dry-run", *NOW), ONE_TEXT, published_then(nothing),
                      expect_unchanged_listed),
    "--push": Case(("--push",), NOW, ONE_TEXT, with_origin, expect_pushed),
    "--token": Case(("--token", "TOKEN"), NOW, ONE_TEXT, token_only_on_the_command_line,
                    expect_posted(TEXT_PIECE)),
}


def test_every_sync_option_has_a_case() -> None:
    from publisher.cli.sync import sync_command

    options = {max(p.opts, key=len) for p in sync_command.params if p.opts}
    assert options == set(CASES)


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_sync_option_works_before_and_after_sync(
    tmp_path: Path, sandbox_url: str, name: str, position: str
) -> None:
    case = CASES[name]
    world = build_world(tmp_path / "repo", sandbox_url, posts=case.posts)
    option = list(case.option)
    if name == "--token":
        option[1] = world.tokens["acme"]
    case.prepare(world)
    args = [*option, "sync"] if position == "before" else ["sync", *option]

    run = world.publish(*args, *case.rest, now=None)

    case.check(world, run)


@pytest.mark.parametrize(
    ("args", "named", "command"),
    [
        (["--dry-run", "check"], "--dry-run", "check"),
        (["--format", "json", "new", "A title"], "--format", "new"),
        (["--now", NOW_TEXT, "--prune", "resolve", TEXT, "--not-published"], "--now, --prune",
         "resolve"),
    ],
)
def test_a_sync_option_before_another_command_is_a_usage_error(
    tmp_path: Path, sandbox_url: str, args: list[str], named: str, command: str
) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts=ONE_TEXT)

    run = world.publish(*args, now=None)

    assert run.code == 2, run.output
    what = "are options" if "," in named else "is an option"
    assert f"{named} before `{command}` {what} of sync, not of {command}" in run.output
    assert f"`publish sync {named.replace(',', '')} ...`" in run.output
    assert git(world.root, "status", "--porcelain") == ""


def test_one_option_given_twice_with_two_values_is_a_usage_error(
    tmp_path: Path, sandbox_url: str
) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts=ONE_TEXT)

    run = world.publish("--format", "json", "sync", "--format", "text", "--dry-run", now=None)

    assert run.code == 2, run.output
    assert "--format is given both before and after `sync`" in run.output


def test_a_flag_given_in_both_places_is_fine(tmp_path: Path, sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts=ONE_TEXT)

    run = world.publish("--dry-run", "sync", "--dry-run", *NOW, now=None)

    assert run.code == 0, run.output
    assert world.sandbox_posts() == []

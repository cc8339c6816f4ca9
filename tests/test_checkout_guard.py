"""A sync acts on the newest state, or posts nothing; --now never reaches LinkedIn.

Real git: a bare repository as origin, the scheduled job's clone (`runner`) and a
person's clone (`laptop`), publishing to one sandbox. The oracle is the sandbox: how many
live posts carry each text, and which API calls it served.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from publisher.linkedin.transport import is_sandbox
from tests.publishing import NOW, NOW_TEXT, POSTS, World, build_world
from tests.support import CONFIG, commit_all, git, write_files

TEXT, IMAGE = "posts/a-text.md", "posts/b-image.md"
TEXT_PIECE, IMAGE_PIECE = "Plain text from the page", "One image from Jane."
NEXT_DAY = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


SANDBOX_SEED = 37  # the sandbox_url fixture (tests/conftest.py) starts it


@dataclass
class Team:
    origin: Path
    runner: World  # the scheduled job's checkout
    laptop: World  # a person's checkout, cloned at the same time

    def api_calls(self) -> list[str]:
        return [c["path"] for c in self.runner.calls() if c["path"].startswith("/rest/")]


def clone(origin: Path, target: Path, seed: World) -> World:
    git(origin.parent, "clone", "-q", str(origin), str(target))
    git(target, "config", "user.email", f"{target.name}@example.com")
    git(target, "config", "user.name", target.name)
    return World(target, seed.url, seed.control, tokens=seed.tokens)


@pytest.fixture
def team(tmp_path: Path, sandbox_url: str) -> Team:
    seed = build_world(tmp_path / "seed", sandbox_url, posts={TEXT: POSTS[TEXT]})
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed.root), str(origin))
    return Team(origin, clone(origin, tmp_path / "runner", seed),
                clone(origin, tmp_path / "laptop", seed))


def published_by_the_runner(team: Team) -> None:
    run = team.runner.publish("--push")
    assert run.code == 0, run.output
    assert team.runner.count_of(TEXT_PIECE) == 1


def test_a_clone_behind_origin_after_a_day_posts_nothing(team: Team) -> None:
    published_by_the_runner(team)
    team.runner.control.set_clock(NOW + timedelta(days=1))

    run = team.laptop.publish(now=NEXT_DAY)

    assert run.code == 2, run.output
    assert "Error: nothing was posted" in run.output
    # Two commits with --push: the intent written ahead, then the URN (docs/exactly-once.md).
    assert "'main' is 2 commits behind origin/main: run `git pull`" in run.output
    assert team.laptop.count_of(TEXT_PIECE) == 1
    assert git(team.laptop.root, "status", "--porcelain") == ""
    git(team.laptop.root, "pull", "-q")
    again = team.laptop.publish(now=NEXT_DAY)
    assert again.code == 0, again.output
    assert team.laptop.count_of(TEXT_PIECE) == 1


def test_a_clone_ahead_of_origin_publishes_and_one_also_behind_does_not(team: Team) -> None:
    write_files(team.laptop.root, {IMAGE: POSTS[IMAGE]})
    commit_all(team.laptop.root, "a post not pushed yet")  # ahead of origin: newest state

    ahead = team.laptop.publish()

    assert ahead.code == 0, ahead.output
    assert team.laptop.count_of(TEXT_PIECE) == 1 and team.laptop.count_of(IMAGE_PIECE) == 1
    write_files(team.runner.root, {"posts/c.md": POSTS[TEXT].replace("Plain", "Other")})
    commit_all(team.runner.root, "a post from elsewhere")
    git(team.runner.root, "push", "-q")
    diverged = team.laptop.publish()
    assert diverged.code == 2, diverged.output
    assert "'main' is 1 commit behind origin/main" in diverged.output
    assert team.laptop.count_of("Other text from the page") == 0


def test_a_dry_run_on_a_stale_clone_warns_and_plans(team: Team) -> None:
    published_by_the_runner(team)

    run = team.laptop.publish("--dry-run")

    assert run.code == 0, run.output
    assert "Warning: a sync would refuse this checkout: 'main' is 2 commits behind" in run.output
    assert "create" in run.output  # the plan as this checkout sees it
    assert team.laptop.count_of(TEXT_PIECE) == 1


def test_a_detached_head_on_an_older_commit_posts_nothing(team: Team) -> None:
    published_by_the_runner(team)
    git(team.laptop.root, "pull", "-q")
    git(team.laptop.root, "checkout", "-q", "HEAD~1")  # before the publish commit

    run = team.laptop.publish()

    assert run.code == 2, run.output
    assert "HEAD is detached (not on a branch): run `git switch main`" in run.output
    assert team.laptop.count_of(TEXT_PIECE) == 1


def test_another_branch_posts_nothing(team: Team) -> None:
    git(team.laptop.root, "switch", "-q", "-c", "draft")
    write_files(team.laptop.root, {IMAGE: POSTS[IMAGE]})
    commit_all(team.laptop.root, "a draft")

    run = team.laptop.publish()

    assert run.code == 2, run.output
    assert "on branch 'draft', not the publish branch 'main'" in run.output
    assert '[git] branch = "draft"' in run.output
    assert team.laptop.sandbox_posts() == []


def test_the_publish_branch_is_configurable(tmp_path: Path, sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={TEXT: POSTS[TEXT]})
    git(world.root, "branch", "-q", "-m", "master")
    assert world.publish().code == 2
    write_files(world.root, {"publish.toml": CONFIG + '\n[git]\nbranch = "master"\n'})
    commit_all(world.root, "we publish from master")

    run = world.publish()

    assert run.code == 0, run.output
    assert world.count_of(TEXT_PIECE) == 1


def test_allow_stale_publishes_from_the_checkout_as_it_is(team: Team) -> None:
    write_files(team.runner.root, {IMAGE: POSTS[IMAGE]})
    commit_all(team.runner.root, "another post")
    git(team.runner.root, "push", "-q")

    run = team.laptop.publish("--allow-stale")

    assert run.code == 0, run.output
    assert team.laptop.count_of(TEXT_PIECE) == 1
    assert team.laptop.count_of(IMAGE_PIECE) == 0  # not in this checkout


def test_push_needs_a_branch_before_any_api_call(team: Team) -> None:
    git(team.laptop.root, "checkout", "-q", "--detach")

    run = team.laptop.publish("--push", "--allow-stale")

    assert run.code == 2, run.output
    assert "--push needs a branch to push, and HEAD is detached" in run.output
    assert team.api_calls() == []


def test_push_needs_a_remote_before_any_api_call(tmp_path: Path, sandbox_url: str) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={TEXT: POSTS[TEXT]})

    run = world.publish("--push")

    assert run.code == 2, run.output
    assert "--push needs a git remote to push to" in run.output
    assert world.sandbox_posts() == [] and world.calls() == []


def test_a_commit_needs_a_git_identity_before_any_api_call(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("user.name", "user.email"):
        git(team.laptop.root, "config", "--unset", key)
    git(team.laptop.root, "config", "user.useConfigOnly", "true")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "EMAIL",
                 "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")

    run = team.laptop.publish()

    assert run.code == 2, run.output
    assert "git does not know who commits the ledger: run `git config user.name" in run.output
    assert team.api_calls() == []


def test_a_remote_that_cannot_be_fetched_posts_nothing(team: Team) -> None:
    team.origin.rename(team.origin.with_name("moved.git"))

    run = team.laptop.publish()

    assert run.code == 2, run.output
    assert "could not fetch origin to see whether 'main' is up to date" in run.output
    assert "--allow-stale" in run.output
    assert team.api_calls() == []


# --- --now -------------------------------------------------------------------------------


class NotASandbox(BaseHTTPRequestHandler):
    """A loopback server that is not the sandbox: it answers everything 200, in HTML."""

    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        NotASandbox.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>hello</html>")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def not_a_sandbox() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotASandbox)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    NotASandbox.paths = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_is_sandbox_needs_loopback_and_the_control_route(
    sandbox_url: str, not_a_sandbox: str
) -> None:
    assert is_sandbox(sandbox_url)
    assert not is_sandbox(not_a_sandbox)
    assert not is_sandbox("http://127.0.0.1:9")  # nothing listens
    # LinkedIn is never loopback: refused before any request could be made.
    assert not is_sandbox("https://api.linkedin.com")


@pytest.mark.parametrize("where", ["linkedin", "loopback"])
def test_now_is_refused_on_a_real_sync(
    tmp_path: Path, sandbox_url: str, not_a_sandbox: str, where: str
) -> None:
    world = build_world(tmp_path / "repo", sandbox_url, posts={TEXT: POSTS[TEXT]})
    base = "https://api.linkedin.com" if where == "linkedin" else not_a_sandbox
    elsewhere = World(world.root, base, world.control, tokens=world.tokens)

    run = elsewhere.publish(now="2026-12-05 10:05")

    assert run.code == 2, run.output
    assert f"--now only rehearses against the sandbox, and {base} is not one" in run.output
    assert NotASandbox.paths == ([] if where == "linkedin" else ["/_sandbox/clock"])
    assert git(world.root, "status", "--porcelain") == ""
    assert elsewhere.publish("--dry-run", now="2026-12-05 10:05").code == 0  # a plan may


def test_published_at_is_linkedins_time_not_now(tmp_path: Path, sandbox_url: str) -> None:
    # The case: a 5 December post rehearsed with --now on 5 December, while the
    # sandbox (standing for LinkedIn) says it is 1 December, 09:00.
    later = POSTS[TEXT].replace("2026-12-01 09:00", "2026-12-05 10:00")
    world = build_world(tmp_path / "repo", sandbox_url, posts={TEXT: later})

    run = world.publish(now="2026-12-05 10:05")

    assert run.code == 0, run.output
    [post] = world.sandbox_posts()
    assert post["created_at"].startswith(NOW_TEXT[:16])  # the sandbox's clock: NOW
    stamp = NOW_TEXT
    assert f'published_at: "{stamp}"' in (world.root / TEXT).read_text(encoding="utf-8")
    assert world.entry(TEXT)["published_at"] == stamp


@pytest.mark.parametrize(
    ("table", "branch", "error"),
    [
        ("", "main", None),
        ('[git]\nbranch = "trunk"\n', "trunk", None),
        ('[git]\nbranch = "release/2026"\n', "release/2026", None),
        ('[git]\nbranch = "refs/heads/main"\n', None, "names a ref, not a branch"),
        ('[git]\nbranch = "origin/main"\n', None, "names a ref, not a branch"),
        ('[git]\nbranch = "two words"\n', None, "is not a branch name"),
        ("[git]\nbranch = 1\n", None, "must be a string"),
        ('[git]\nbrnach = "main"\n', None, "unknown key (did you mean 'branch'?)"),
    ],
)
def test_the_publish_branch_in_publish_toml(
    tmp_path: Path, table: str, branch: str | None, error: str | None
) -> None:
    from publisher.config import load_config
    from publisher.errors import ConfigError

    write_files(tmp_path, {"publish.toml": CONFIG + "\n" + table})
    if error is None:
        assert load_config(tmp_path, environ={}).publish_branch == branch
        return
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path, environ={})
    line = CONFIG.count("\n") + 3  # the key's line, after the [git] header
    assert f"publish.toml:{line}: error: git." in str(raised.value)
    assert error in str(raised.value)

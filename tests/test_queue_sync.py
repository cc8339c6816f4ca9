"""Queued posts go out at their slots: real syncs against the sandbox, its clock moved from
slot to slot, and the sandbox's live posts as the oracle."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

from tests.publishing import World, build_world
from tests.support import CONFIG, write_files

QUEUE = '\n[queue]\nslots = ["Tue 11:00", "Thu 14:00"]\n'  # 10:00 and 13:00 UTC in winter
TEXTS = {name: f"Queued post {name.upper()} for the page." for name in "abcd"}


def post(name: str) -> str:
    return f"---\nauthor: acme\nschedule: queue\n---\n{TEXTS[name]}\n"


def commit_at(root: Path, at: str, message: str, *, amend: bool = False) -> None:
    environ = {**os.environ, "GIT_COMMITTER_DATE": at, "GIT_AUTHOR_DATE": at}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    extra = ["--amend", "--no-edit", "--reset-author"] if amend else ["-m", message]
    subprocess.run(["git", "commit", "-q", *extra], cwd=root, check=True, env=environ)


def live_texts(world: World) -> list[str]:
    """The texts of the sandbox's live posts, oldest first, as LinkedIn has them."""
    return [text for p in world.sandbox_posts() for text in TEXTS.values()
            if text in p["commentary"]]


def sync_at(world: World, when: str) -> str:
    world.control.set_clock(datetime.fromisoformat(when))
    run = world.publish(now=when)
    assert run.code == 0, run.output
    return run.output


def test_queued_posts_go_out_at_their_slots(tmp_path: Path, sandbox_url: str) -> None:
    files = {"publish.toml": CONFIG + QUEUE, **{f"posts/{n}.md": post(n) for n in "abc"}}
    world = build_world(tmp_path / "repo", sandbox_url, posts=files)
    commit_at(world.root, "2026-11-30T10:00:00Z", "posts", amend=True)  # Monday

    output = sync_at(world, "2026-12-01T09:00:00Z")  # Tuesday, before the 11:00 slot
    assert "Done: 3 waiting" in output
    assert live_texts(world) == []

    sync_at(world, "2026-12-01T10:05:00Z")  # the run after the slot
    assert live_texts(world) == [TEXTS["a"]]

    # A post merged later queues behind the others; it pushes none of them back.
    write_files(world.root, {"posts/d.md": post("d")})
    commit_at(world.root, "2026-12-01T12:00:00Z", "one more")

    # No run at Thursday's slot (the schedule missed it): B goes out on the next run,
    # on Friday, rather than waiting for a later slot; C keeps next Tuesday.
    output = sync_at(world, "2026-12-04T09:00:00Z")
    assert live_texts(world) == [TEXTS["a"], TEXTS["b"]]
    assert "posts/c.md  2026-12-08 10:00 UTC" in output

    sync_at(world, "2026-12-08T09:59:00Z")
    assert live_texts(world) == [TEXTS["a"], TEXTS["b"]]
    sync_at(world, "2026-12-08T10:01:00Z")
    assert live_texts(world) == [TEXTS["a"], TEXTS["b"], TEXTS["c"]]
    sync_at(world, "2026-12-10T13:01:00Z")
    assert live_texts(world) == [TEXTS[n] for n in "abcd"]

    output = sync_at(world, "2026-12-15T10:05:00Z")
    assert "nothing to do" in output
    assert len(world.sandbox_posts()) == 4, "each post once"

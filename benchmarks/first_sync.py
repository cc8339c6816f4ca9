"""The first sync of a repository of N new posts: time per post, for two sizes of N.

Starts the sandbox as its own process; for each size, makes a repository of N text
posts, runs one real `publish` (its own process) that creates them all, checks that the
sandbox then has N live posts, and prints the time per post. The ledger is kept by a
journal during the run (one record per step), so the time per post must not grow with N:
target, the larger size within 1.5x of the smaller.

With --push, each run pushes to a bare origin on the same disk: the write-ahead commits
(one per 25 posts) are in the figures.

Usage: python benchmarks/first_sync.py [--sizes 1000 5000] [--push]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.api_calls import start_sandbox
from tests.publishing import NOW_TEXT, World, build_world
from tests.support import commit_all, git


def posts(count: int) -> dict[str, str]:
    return {
        f"posts/{index:05d}.md": f"---\nauthor: jane\n---\nFirst sync note number {index}.\n"
        for index in range(count)
    }


def first_sync(url: str, folder: Path, count: int, push: bool) -> float:
    """Seconds per post of one `publish` that creates `count` posts."""
    world = build_world(folder / f"repo-{count}", url, posts=posts(count))
    with (world.root / "publish.toml").open("a", encoding="utf-8") as config:
        config.write(f"\n[limits]\nper_author_per_day = {count + 1}\n")
    commit_all(world.root, "a higher daily limit for the benchmark")
    if push:  # a bare origin on the same disk: the write-ahead commits and pushes
        origin = folder / f"origin-{count}.git"
        git(folder, "clone", "-q", "--bare", str(world.root), str(origin))
        git(world.root, "remote", "add", "origin", str(origin))
        git(world.root, "fetch", "-q", "origin")
        git(world.root, "branch", "-q", "--set-upstream-to=origin/main")
    started = time.perf_counter()
    run = subprocess.run(
        [str(Path(sys.executable).with_name("publish")), "--repo", str(world.root),
         "--now", NOW_TEXT, *(["--push"] if push else [])],
        env={**os.environ, **_environ(world)}, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    live = len(world.sandbox_posts())
    if run.returncode != 0 or live != count:
        raise SystemExit(f"{count} posts: exit {run.returncode}, {live} live\n{run.stderr[-2000:]}")
    return seconds / count


def _environ(world: World) -> dict[str, str]:
    environ = dict(world.environ)
    environ.pop("LINKEDIN_ACCESS_TOKEN", None)
    return environ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 5000])
    parser.add_argument("--push", action="store_true",
                        help="run with --push to a local bare origin (write-ahead included)")
    arguments = parser.parse_args()
    sizes = arguments.sizes
    sandbox, url = start_sandbox()
    try:
        # ignore_cleanup_errors: git may still be packing objects in the background.
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
            per_post = {count: first_sync(url, Path(folder), count, arguments.push)
                        for count in sizes}
    finally:
        sandbox.kill()
    for count, seconds in per_post.items():
        print(f"{count:>6} posts: {seconds * 1000:7.2f} ms per post "
              f"({seconds * count:6.1f} s in publish)")
    small, large = per_post[sizes[0]], per_post[sizes[1]]
    ratio = large / small
    verdict = "ok" if ratio <= 1.5 else "over the 1.5x target"
    print(f"ratio {sizes[1]}/{sizes[0]}: {ratio:.2f}x per post ({verdict})")


if __name__ == "__main__":
    main()

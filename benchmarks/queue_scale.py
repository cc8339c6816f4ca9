"""Cost of the posting queue over a large repository of queued posts.

Builds a temporary git repository with N `schedule: queue` posts for two authors, added
in N/10 commits (a team merging ten posts at a time), with half of them published in the
ledger, then prints:

- git: `queue_entries`, the two git calls that say when each file joined the queue;
- place: `build_queue`, placing every queued post in its slot (the posts already read);
- plan: `publish --dry-run --format json` as a process, whole, with the queue in it;
- plan without queue: the same repository with every `schedule: queue` replaced by an
  exact time, for the difference the queue makes.

Each figure is the best of --runs.

Usage: python benchmarks/queue_scale.py [--posts 1000] [--runs 3] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from publisher import ledger as ledgers
from publisher.config import load_config
from publisher.gitops import queue_entries
from publisher.post import discover, load_post
from publisher.queue import build_queue

CONFIG = """\
posts_dir = "posts"
[defaults]
author = "acme"
timezone = "Europe/Berlin"
[authors]
acme = "urn:li:organization:2414183"
jane = "urn:li:person:782bbtaQ"
[queue]
slots = ["Mon 09:00", "Tue 09:00", "Wed 12:00", "Thu 14:00", "Fri 10:00"]
min_spacing = "20h"
daily_max = 1
"""
START = datetime(2026, 1, 5, 10, tzinfo=UTC)


def git(root: Path, *args: str, at: datetime | None = None) -> None:
    environ = dict(os.environ)
    if at is not None:
        environ["GIT_COMMITTER_DATE"] = environ["GIT_AUTHOR_DATE"] = at.isoformat()
    subprocess.run(["git", *args], cwd=root, check=True, env=environ, capture_output=True)


def build(root: Path, posts: int) -> None:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "Bench")
    (root / "publish.toml").write_text(CONFIG)
    (root / "posts").mkdir()
    for batch in range(0, posts, 10):
        for n in range(batch, min(batch + 10, posts)):
            author = "jane" if n % 3 == 0 else "acme"
            (root / f"posts/p{n:05d}.md").write_text(
                f"---\nauthor: {author}\nschedule: queue\n---\nPost number {n}, queued.\n")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"batch {batch}", at=START + timedelta(hours=batch))
    entries = {}
    for n in range(0, posts, 2):  # half of them out already, at their own time
        author = "urn:li:person:782bbtaQ" if n % 3 == 0 else "urn:li:organization:2414183"
        out = START + timedelta(days=n // 2, hours=1)
        entries[f"posts/p{n:05d}.md"] = {"author": author, "state": "published",
                                         "urn": f"urn:li:share:{7000000000000000000 + n}",
                                         "published_at": out.strftime("%Y-%m-%dT%H:%M:%SZ")}
    ledger = root / ".publish/ledger.json"
    ledger.parent.mkdir()
    ledger.write_text(json.dumps({"version": 1, "serial": 1, "posts": entries}, indent=2))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "ledger", at=START + timedelta(days=posts))


def best(runs: int, work: object) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def dry_run(root: Path, now: datetime) -> None:
    publish = Path(sys.executable).parent / "publish"
    done = subprocess.run([str(publish), "--repo", str(root), "--dry-run", "--format", "json",
                           "--now", now.isoformat()], check=False, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="queue-scale-"))
    root = folder / "repo"
    build(root, args.posts)
    now = START + timedelta(days=args.posts // 2 + 1)
    config = load_config(root)
    posts = [p for path in discover(config) if (p := load_post(config, path).post)]
    book = ledgers.load(config.ledger_path)
    joined = queue_entries(root, "posts")
    figures = {
        "git (queue_entries)": best(args.runs, lambda: queue_entries(root, "posts")),
        "place (build_queue)": best(args.runs, lambda: build_queue(config, posts, book,
                                                                   joined, now)),
        "plan, whole process": best(args.runs, lambda: dry_run(root, now)),
    }
    for path in (root / "posts").iterdir():
        path.write_text(path.read_text().replace("schedule: queue", "schedule: 2030-01-01 09:00"))
    git(root, "commit", "-q", "-am", "exact times")
    figures["plan without queue"] = best(args.runs, lambda: dry_run(root, now))
    print(f"{args.posts} posts ({args.posts // 2} queued, {args.posts // 2} published), "
          f"two authors, five slots a week, best of {args.runs}:")
    for name, seconds in figures.items():
        print(f"  {name:<22} {seconds * 1000:8.1f} ms")
    if args.keep:
        print(f"kept: {root}")
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()

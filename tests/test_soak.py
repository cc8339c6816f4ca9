"""The soak: scheduled runs on fresh clones of one origin, disturbed at random.

A writer pushes new posts to a bare origin between runs; each run is `publish --push` on
a fresh clone (as a CI runner has), as its own process, with one disturbance drawn from a
seeded generator: SIGKILL or SIGTERM after some API call, an answer dropped after the
sandbox acted, a 500, or 500s at random; the sandbox clock moves on by hours between
runs, so LinkedIn's 10-minute duplicate check never hides a second post. At the end,
after undisturbed runs, every post is on the sandbox exactly once or reported `unknown`
on origin, and none is on it twice.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from publisher.sandbox import running_sandbox
from tests.publishing import World, build_world
from tests.support import commit_all, git, write_files

RUNS = 14
NEW_PER_RUN = 3
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DISTURBANCES = ("none", "sigkill", "sigterm", "drop", "error", "error_rate")


def post(number: int) -> str:
    author = "jane" if number % 2 else "acme"
    comment = "first_comment: A word in the comments.\n" if number % 5 == 0 else ""
    return f"---\nauthor: {author}\n{comment}---\nSoak post number {number:03d} of the day.\n"


def text(number: int) -> str:
    return f"Soak post number {number:03d} of the day."


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def told_to_resolve(path: str, outputs: list[str]) -> bool:
    """Some run named the post and said to settle it with `publish resolve`: in its summary,
    or in its plan (when the run that made it unknown was killed before its summary)."""
    for output in outputs:
        lines = output.splitlines()
        for index, line in enumerate(lines):
            said = line + (lines[index + 1] if index + 1 < len(lines) else "")
            if path in line and "publish resolve" in said:
                return True
    return False


class Soak:
    def __init__(self, tmp_path: Path, url: str) -> None:
        self.tmp_path = tmp_path
        first = {f"posts/{n:03d}.md": post(n) for n in range(1, 5)}
        seed = build_world(tmp_path / "seed", url, posts=first)
        self.control, self.tokens, self.url = seed.control, seed.tokens, url
        self.origin = tmp_path / "origin.git"
        git(tmp_path, "clone", "-q", "--bare", str(seed.root), str(self.origin))
        self.writer = self.clone("writer").root
        self.posts = len(first)
        self.checkouts = 0
        self.figures: Counter[str] = Counter()

    def clone(self, name: str) -> World:
        root = self.tmp_path / name
        git(self.tmp_path, "clone", "-q", str(self.origin), str(root))
        git(root, "config", "user.email", f"{name}@example.com")
        git(root, "config", "user.name", name)
        return World(root, self.url, self.control, dict(self.tokens))

    def write_posts(self, count: int) -> None:
        git(self.writer, "pull", "-q", "--rebase")
        new = {f"posts/{n:03d}.md": post(n) for n in range(self.posts + 1, self.posts + count + 1)}
        write_files(self.writer, new)
        commit_all(self.writer, "new posts")
        git(self.writer, "push", "-q", "origin", "main")
        self.posts += count

    def run(self, moment: datetime, disturbance: str, at: int) -> str:
        """One scheduled run on a fresh clone; its output."""
        self.checkouts += 1
        world = self.clone(f"run-{self.checkouts}")
        self.control.set_clock(moment)
        process = world.spawn("--push", now=stamp(moment), gated=True)
        self._arm(disturbance, at, process.pid)
        output, _ = process.communicate("go\n", timeout=180)
        self.control.clear_faults()
        self.figures["runs"] += 1
        if process.returncode == -9:
            self.figures["killed (SIGKILL)"] += 1
        elif "stopped by SIGTERM" in output:
            self.figures["stopped (SIGTERM)"] += 1
        else:
            assert process.returncode in (0, 1, 75), output
        return output

    def _arm(self, disturbance: str, at: int, pid: int) -> None:
        if disturbance in ("sigkill", "sigterm"):
            name = "SIGKILL" if disturbance == "sigkill" else "SIGTERM"
            self.control.add_fault("signal", pid=pid, after=at, signal=name)
        elif disturbance == "drop":
            self.control.add_fault("drop", path="/rest/*", skip=at)
        elif disturbance == "error":
            self.control.add_fault("error", path="/rest/*", status=500, skip=at)
        elif disturbance == "error_rate":
            self.control.add_fault("error_rate", path="/rest/*", status=500, rate=0.3)

    def outcome(self, outputs: list[str]) -> dict[str, int]:
        """Posts once, unknown, twice, missing (the last two must be 0)."""
        live = Counter(p["commentary"] for p in self.control.state()["posts"] if not p["deleted"])
        ledger = json.loads(git(self.origin, "show", "main:.publish/ledger.json"))["posts"]
        found = Counter[str]()
        for number in range(1, self.posts + 1):
            path, count = f"posts/{number:03d}.md", sum(
                n for commentary, n in live.items() if text(number) in commentary)
            state = ledger.get(path, {}).get("state")
            if count > 1:
                found["twice"] += 1
            elif state == "unknown" and count <= 1:
                assert told_to_resolve(path, outputs), path
                found["unknown"] += 1
            elif count == 1 and state == "published":
                found["once"] += 1
            else:
                found[f"missing ({path}: {count} live, {state})"] += 1
        return dict(found)


@pytest.mark.slow
def test_runs_on_fresh_clones_disturbed_at_random_post_nothing_twice(tmp_path: Path) -> None:
    chance = random.Random(18)
    with running_sandbox(seed=18) as url:
        soak = Soak(tmp_path, url)
        moment, outputs = START, []
        for _ in range(RUNS):
            disturbance = chance.choice(DISTURBANCES)
            soak.figures[f"disturbance {disturbance}"] += 1
            # A run makes a few calls (2 to 4 new posts since the last): disturb early.
            outputs.append(soak.run(moment, disturbance, at=chance.randint(1, 3)))
            soak.write_posts(NEW_PER_RUN)
            moment += timedelta(hours=chance.randint(1, 5))
        for _ in range(3):  # undisturbed runs settle what can be settled
            outputs.append(soak.run(moment, "none", 0))
            moment += timedelta(hours=1)
        ended = soak.outcome(outputs)

    figures = {**soak.figures, "posts": soak.posts, **ended}
    print("\nsoak figures:", json.dumps(figures, sort_keys=True))
    assert set(ended) <= {"once", "unknown"}, figures
    assert ended.get("once", 0) + ended.get("unknown", 0) == soak.posts, figures
    assert soak.figures["killed (SIGKILL)"] + soak.figures["stopped (SIGTERM)"] >= 2, figures

"""`publish demo`, the README's first command: the example posts, published on schedule."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.builders import publish
from tests.support import git

EXAMPLES = sorted(p.name for p in (Path(__file__).parent.parent / "posts").rglob("*.md"))


# The demo starts the sandbox in this process, as `publish demo` does.
pytestmark = pytest.mark.sandbox


@dataclass(frozen=True)
class Demo:
    folder: Path       # what --keep kept: content/ (the repository) and feed.html
    output: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """`publish demo --keep FOLDER`, run once for the whole module: it is the longest
    command of the suite, and the tests below only read what it printed and left."""
    folder = tmp_path_factory.mktemp("demo") / "demo"
    code, output = publish("demo", "--keep", str(folder))
    assert code == 0, output
    return Demo(folder, output)


def test_the_demo_publishes_every_ready_example_once(demo: Demo) -> None:
    repo = demo.folder / "content"
    ledger = json.loads((repo / ".publish/ledger.json").read_text(encoding="utf-8"))
    states = {Path(p).name: e["state"] for p, e in ledger["posts"].items()}
    ready = [name for name in EXAMPLES if "status: draft" not in _text(repo, name)]
    assert len(ready) >= 6
    assert states == dict.fromkeys(ready, "published")
    assert demo.output.count("  created: ") == len(ready)
    commits = git(repo, "log", "--format=%s").splitlines()
    assert sum(s.startswith("publish: 1 created") for s in commits) == len(ready)
    feed = (demo.folder / "feed.html").read_text(encoding="utf-8")
    assert feed.count("urn:li:") >= len(ready)
    assert "Feed page:" in demo.output
    # The story is the examples' own: it starts a day before the first one is due.
    assert "The sandbox's clock starts at 2026-11-30 08:00 UTC" in demo.output
    assert "== Sync at 2026-12-01 08:01 UTC (09:01 Europe/Berlin) ==" in demo.output
    assert "== Metrics on 2026-12-20 08:01 UTC" in demo.output
    # Everything the demo did is committed, the metrics too, as the workflows do.
    assert git(repo, "status", "--porcelain") == ""


def test_the_demo_ends_with_a_short_report(demo: Demo) -> None:
    tail = demo.output.split("== Metrics on ", 1)[1]
    assert "(publish stats, then publish report) ==" in tail.splitlines()[0]
    assert "  trial-hook: " in tail
    repo = demo.folder / "content"
    lines = (repo / ".publish/metrics.jsonl").read_text(encoding="utf-8").splitlines()
    book = json.loads((repo / ".publish/ledger.json").read_text(encoding="utf-8"))
    published = [p for p, e in book["posts"].items() if e["state"] == "published"]
    assert sorted(json.loads(line)["post"] for line in lines) == sorted(published)
    assert all(json.loads(line)["impressions"] > 0 for line in lines)


# About four years on and two years back: the demo and the examples must not care.
# Slow: the whole demo again, twice, each in its own process under faketime.
@pytest.mark.slow
@pytest.mark.parametrize("offset", ["+1500d", "-800d"])
def test_the_demo_tells_the_same_story_on_any_day(offset: str, tmp_path: Path) -> None:
    faketime = shutil.which("faketime")
    assert faketime, "faketime is missing: .ci/run installs Debian's faketime"
    year = _run([faketime, "-f", offset, sys.executable, "-c",
                 "import datetime; print(datetime.date.today().year)"]).stdout
    assert abs(int(year) - date.today().year) >= 2, "the process clock did not move"

    demo = _run([faketime, "-f", offset, *PUBLISH, "demo", "--keep", str(tmp_path / "demo")])
    assert demo.returncode == 0, demo.stdout + demo.stderr
    created = [line for line in demo.stdout.splitlines() if line.startswith("  created: ")]
    assert len(created) == len(_ready_examples())
    assert "Done: 8 expired" not in demo.stdout and "426" not in demo.stdout + demo.stderr

    check = _run([faketime, "-f", offset, *PUBLISH, "--repo", str(ROOT), "check"])
    assert check.returncode == 0, check.stdout + check.stderr
    assert " 0 errors" in check.stdout


ROOT = Path(__file__).parent.parent
PUBLISH = [sys.executable, "-c", "from publisher.cli import main; main()"]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, capture_output=True, text=True, check=False, env=environ,
                          cwd=ROOT, timeout=600)


def _ready_examples() -> list[Path]:
    return [p for p in (ROOT / "posts").rglob("*.md")
            if "status: draft" not in p.read_text(encoding="utf-8")]


def _text(repo: Path, name: str) -> str:
    return next((repo / "posts").rglob(name)).read_text(encoding="utf-8")

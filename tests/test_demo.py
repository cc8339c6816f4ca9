"""`publish demo`, the README's first command: the example posts, published on schedule."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from publisher.cli import cli
from tests.support import git

EXAMPLES = sorted(p.name for p in (Path(__file__).parent.parent / "posts").rglob("*.md"))


def test_the_demo_publishes_every_ready_example_once(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--keep", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    repo = tmp_path / "demo" / "content"
    ledger = json.loads((repo / ".publish/ledger.json").read_text(encoding="utf-8"))
    states = {Path(p).name: e["state"] for p, e in ledger["posts"].items()}
    ready = [name for name in EXAMPLES if "status: draft" not in _text(repo, name)]
    assert len(ready) >= 6
    assert states == dict.fromkeys(ready, "published")
    assert result.output.count("  created: ") == len(ready)
    commits = git(repo, "log", "--format=%s").splitlines()
    assert sum(s.startswith("publish: 1 created") for s in commits) == len(ready)
    feed = (tmp_path / "demo" / "feed.html").read_text(encoding="utf-8")
    assert feed.count("urn:li:") >= len(ready)
    assert "Feed page:" in result.output


def _text(repo: Path, name: str) -> str:
    return next((repo / "posts").rglob(name)).read_text(encoding="utf-8")

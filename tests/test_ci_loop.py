"""The CI loop with real git: two checkouts of one origin publish at the same moment.

What the Publish workflow's `concurrency` group prevents on GitHub, played here on
purpose: two runs of `publish --push`, as separate processes, against one sandbox. Each
post must reach LinkedIn once, what both runs pushed must be on origin's main, and the
ledger there must be valid and know every post.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from publisher.ledger import loads
from publisher.sandbox import client_environ
from publisher.sandbox.control import SandboxControl
from tests.publishing import NOW_TEXT, seed_sandbox
from tests.support import CONFIG, commit_all, git, write_files

# Text and article posts: their content is the same from either checkout, so LinkedIn's
# duplicate check (422 DUPLICATE_POST naming the first post) settles the race. Media posts
# upload a new image per run and would not be recognised: that is what the workflow's
# concurrency group is for.
POSTS = {
    f"posts/{index:02d}-note.md": f"""\
        ---
        author: {"acme" if index % 2 else "jane"}
        schedule: 2026-12-01 09:{index:02d}
        ---
        Note number {index} from the release train. #ci
        """
    for index in range(1, 5)
} | {
    "posts/05-article.md": """\
        ---
        author: acme
        schedule: 2026-12-01 08:30
        article: {url: "https://example.com/blog/ci", title: The CI loop}
        ---
        How we publish from CI.
        """,
}



SANDBOX_SEED = 23  # the sandbox_url fixture (tests/conftest.py) starts it


def clone(origin: Path, target: Path) -> Path:
    git(origin.parent, "clone", "-q", str(origin), str(target))
    git(target, "config", "user.email", f"{target.name}@example.com")
    git(target, "config", "user.name", target.name)
    return target


def spawn_publish(root: Path, url: str, tokens: dict[str, str], now: str) -> subprocess.Popen[str]:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")},
        **client_environ(url),
        "PUBLISH_TOKEN_STORE": str(root.parent / "no-token-store.json"),
        **{f"LINKEDIN_ACCESS_TOKEN_{alias.upper()}": token for alias, token in tokens.items()},
    }
    return subprocess.Popen(
        [sys.executable, "-c", "from publisher.cli.main import main; main()",
         "--repo", str(root), "--push", "--now", now],
        env=environ, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_two_checkouts_publish_at_once(tmp_path: Path, sandbox_url: str) -> None:
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    git(seed, "config", "user.email", "writer@example.com")
    git(seed, "config", "user.name", "Writer")
    write_files(seed, {"publish.toml": CONFIG, **POSTS})
    commit_all(seed, "posts")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    first, second = clone(origin, tmp_path / "first"), clone(origin, tmp_path / "second")
    control = SandboxControl(sandbox_url)
    tokens = seed_sandbox(control)

    runs = [spawn_publish(root, sandbox_url, tokens, NOW_TEXT) for root in (first, second)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]

    # Each run either publishes, or finds origin ahead of it (the other run's intents were
    # pushed first) and refuses before posting anything: never a post twice, never lost.
    for run, output in zip(runs, outputs, strict=True):
        refused = run.returncode == 2 and "behind origin/main" in output
        assert run.returncode == 0 or refused, "\n\n".join(outputs)
    assert 0 in [run.returncode for run in runs], "\n\n".join(outputs)
    live = [p for p in control.state()["posts"] if not p["deleted"]]
    texts = sorted(p["commentary"] for p in live)
    assert len(live) == len(POSTS), texts
    # What each run pushed is on origin's main. A run that only learned the other's URNs
    # (422 DUPLICATE_POST) at the same sandbox time makes the very same change: git drops
    # it as a copy when rebasing, and its HEAD is then the other's commit.
    for root in (first, second):
        head = git(root, "rev-parse", "HEAD").strip()
        git(origin, "merge-base", "--is-ancestor", head, "main")  # fails the test if not
    log = git(origin, "log", "--format=%s", "main").splitlines()
    assert any(subject.startswith("publish:") for subject in log), log
    ledger = loads(git(origin, "show", "main:.publish/ledger.json"))
    assert set(ledger.posts) == set(POSTS)
    urns = {p["urn"] for p in live}
    for path, entry in ledger.posts.items():
        assert entry.state == "published", (path, entry)
        assert entry.urn in urns
        text = git(origin, "show", f"main:{path}")
        assert f"urn: {entry.urn}" in text, text
    assert len({e.urn for e in ledger.posts.values()}) == len(POSTS)
    for root in (first, second):
        git(root, "pull", "-q", "--rebase")
        assert git(root, "status", "--porcelain") == ""
    json.loads(git(origin, "show", "main:.publish/ledger.json"))  # parses as plain JSON too

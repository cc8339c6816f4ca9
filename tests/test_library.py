"""publisher.api, the library face, and the example of docs/library.md, against the sandbox.

The oracle is the sandbox: how many live posts it has, and their text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.api import open_repository
from publisher.errors import EXIT_FAILED, EXIT_OK, PublisherError, ValidationError
from tests.publishing import NOW, World, build_world
from tests.support import git

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "from_event.py"
RELEASE = {
    "action": "published",
    "release": {"tag_name": "v2.0", "name": "Widget 2.0",
                "html_url": "https://github.com/acme/widget/releases/tag/v2.0"},
    "repository": {"full_name": "acme/widget"},
}
ANNOUNCED = "acme/widget Widget 2.0 is out."




@pytest.fixture
def world(tmp_path: Path, sandbox_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    made = build_world(tmp_path / "repo", sandbox_url, posts={})
    for name, value in made.environ.items():   # the library reads the environment as is
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LINKEDIN_ACCESS_TOKEN", raising=False)
    return made


def run_example(world: World, payload: dict[str, object]) -> subprocess.CompletedProcess[str]:
    event = world.root.parent / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    environ = {**os.environ, **world.environ}
    environ.pop("LINKEDIN_ACCESS_TOKEN", None)
    return subprocess.run([sys.executable, str(EXAMPLE), "--repo", str(world.root), str(event)],
                          env=environ, capture_output=True, text=True, timeout=120, check=False)


def test_the_example_publishes_a_release_once(world: World) -> None:
    first = run_example(world, RELEASE)
    assert first.returncode == 0, first.stdout + first.stderr
    assert world.count_of(ANNOUNCED) == 1
    assert len(world.sandbox_posts()) == 1
    post = world.root / "posts/releases/acme-widget-v2.0.md"
    assert "urn: urn:li:" in post.read_text(encoding="utf-8")    # the URN was written back
    assert "created: posts/releases/acme-widget-v2.0.md https://www.linkedin.com/feed/update/" \
        in first.stdout
    assert world.commits()[1] == "Announce v2.0"
    assert git(world.root, "status", "--porcelain") == ""          # all of it committed

    again = run_example(world, RELEASE)                           # the webhook redelivered
    assert again.returncode == 0, again.stdout + again.stderr
    assert "exists already" in again.stdout
    assert len(world.sandbox_posts()) == 1


def test_the_example_announces_only_published_releases(world: World) -> None:
    done = run_example(world, {**RELEASE, "action": "deleted"})
    assert done.returncode == 0, done.stderr
    assert world.sandbox_posts() == []


def test_an_invalid_post_is_neither_kept_nor_committed_nor_published(world: World) -> None:
    repo = open_repository(world.root)
    text = "---\nauthor: acme\n---\nThanks @nobody for the release.\n"
    with pytest.raises(ValidationError, match=r"posts/bad\.md:4: error: .*@nobody"):
        repo.add_post("posts/bad.md", text, commit="A bad post")
    assert not (world.root / "posts/bad.md").exists()
    assert world.commits() == ["posts"]
    assert repo.sync(allow_stale=True).report.outcomes == []
    assert world.sandbox_posts() == []


def test_check_plan_and_sync_return_what_the_commands_print(world: World) -> None:
    repo = open_repository(world.root)
    repo.add_post("posts/a.md", "---\nauthor: jane\n---\nA note from Jane.\n", commit="a")
    (world.root / "posts/b.md").write_text("---\nauthor: jane\nshedule: x\n---\nHi\n")

    found = repo.check(now=NOW)
    assert (found.files, found.errors, found.exit_code) == (["posts/a.md", "posts/b.md"], 1,
                                                            EXIT_FAILED)
    assert "did you mean 'schedule'" in str(found.diagnostics[0])
    assert repo.check(["posts/a.md"], NOW).exit_code == EXIT_OK

    (world.root / "posts/b.md").unlink()
    dry = repo.plan(NOW)
    assert [(c.post, c.action) for c in dry.plan.changes] == [("posts/a.md", "create")]
    assert (dry.exit_code, dry.refusals) == (EXIT_OK, [])
    assert world.sandbox_posts() == []                             # a plan changes nothing

    result = repo.sync(NOW)
    assert [(o.post, o.result) for o in result.report.outcomes] == [("posts/a.md", "created")]
    assert result.report.exit_code == EXIT_OK and result.commit is not None
    assert world.count_of("A note from Jane.") == 1


def test_a_folder_without_publish_toml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PublisherError, match=r"no publish\.toml in"):
        open_repository(tmp_path)

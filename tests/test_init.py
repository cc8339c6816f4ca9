"""`publish init` and the error of a command run where there is no publish.toml."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from publisher.init import FILES, current_version, skeleton_text
from tests.builders import Run, publish
from tests.support import git

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> Run:
    return publish(*args)


def test_init_writes_a_repository_that_checks_and_plans(tmp_path: Path) -> None:
    root = tmp_path / "content"
    code, output = run("init", str(root), "--author", "urn:li:organization:42",
                       "--action", "acme/linkedin-publish@v2")
    assert code == 0, output
    assert "Made " in output and "a git repository" in output
    assert "Posts are from urn:li:organization:42" in output
    assert "set [authors]" not in output   # --author already did
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and ".git" not in p.parts[len(root.parts):][:1]) == \
        sorted(FILES.values())
    toml = (root / "publish.toml").read_text(encoding="utf-8")
    assert f'version = "{current_version(date.today())}"' in toml
    assert 'acme = "urn:li:organization:42"' in toml
    assert "acme/linkedin-publish@v2" in (root / ".github/workflows/publish.yml").read_text()
    assert git(root, "symbolic-ref", "--short", "HEAD").strip() == "main"
    assert run("--repo", str(root), "check") == (0, "1 post checked: 0 errors, 0 warnings\n")
    code, plan = run("--repo", str(root), "--dry-run")
    assert code == 0 and "skip     posts/hello.md" in plan   # a draft: nothing goes out
    # The template init wrote is the one `publish new --template release` finds.
    code, output = run("--repo", str(root), "new", "--template", "release",
                       "--set", "version=1.0", "--set", "url=https://example.com/1.0")
    assert code == 0, output


def test_init_overwrites_nothing(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/hello.md").write_text("mine\n", encoding="utf-8")
    code, output = run("init", str(tmp_path))
    assert code == 2
    assert "already has posts/hello.md" in output and "overwrites nothing" in output
    assert (tmp_path / "posts/hello.md").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "publish.toml").exists()   # nothing written at all


def test_init_in_an_existing_repository_keeps_it(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "trunk")
    code, output = run("init", str(tmp_path))
    assert code == 0 and "Made " not in output
    assert "Next: set [authors] in publish.toml" in output   # no --author: an example to replace
    assert git(tmp_path, "symbolic-ref", "--short", "HEAD").strip() == "trunk"


@pytest.mark.parametrize("args", [
    ("check",), ("--dry-run",), ("sync",), ("new", "A title"), ("preview",), ("report",),
    ("doctor",), ("resolve", "posts/a.md", "--not-published"),
])
def test_every_command_that_reads_posts_needs_publish_toml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run(*args)
    assert code == 2, output
    assert "Error: no publish.toml in " in output and "run `publish init`" in output
    assert not list(tmp_path.rglob("*.md"))        # `new` wrote no post into this folder


def test_the_documented_repository_is_what_init_writes() -> None:
    text = (ROOT / "docs" / "github.md").read_text(encoding="utf-8")
    section = text[text.index("## A complete content repository"):]
    shown = re.findall(r"`([^`]+)`:\n\n```\w+\n(.*?)```", section, flags=re.S)
    assert [name for name, _ in shown] == [t for t in FILES.values() if t != "templates/release.md"]
    by_target = {target: source for source, target in FILES.items()}
    for name, block in shown:
        assert block == skeleton_text(by_target[name]), name
    assert skeleton_text("templates/release.md") == \
        (ROOT / "templates/release.md").read_text(encoding="utf-8")


def test_outside_git_the_plan_and_the_sync_say_the_same(tmp_path: Path) -> None:
    (tmp_path / "publish.toml").write_text(skeleton_text("publish.toml"), encoding="utf-8")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/a.md").write_text("---\nauthor: acme\n---\nHello\n", encoding="utf-8")
    plan = run("--repo", str(tmp_path), "--dry-run")
    sync = run("--repo", str(tmp_path), "sync", "--token", "AQ-not-used")
    assert plan == sync
    assert plan[0] == 2 and "is not in a git repository: run `git init`" in plan[1]


def test_a_new_post_is_not_committed_yet(tmp_path: Path) -> None:
    root = tmp_path / "content"
    assert run("init", str(root))[0] == 0
    (root / "posts/new.md").write_text("---\nauthor: acme\n---\nNew\n", encoding="utf-8")
    code, plan = run("--repo", str(root), "--dry-run")
    assert code == 0 and "posts/new.md" in plan and "is not committed yet: add and commit it" in plan
    assert "has uncommitted changes" not in plan

"""`publish new --template NAME --set key=value`: a post rendered from templates/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.errors import PublisherError
from publisher.newpost import parse_assignments, render_template
from tests.builders import Run, publish
from tests.support import commit_all

ROOT = Path(__file__).resolve().parent.parent
RELEASE = (ROOT / "templates" / "release.md").read_text(encoding="utf-8")
EVENT = """\
---
author: "{{ who }}"
schedule: 2026-12-10 09:00
---
Meet us at {{ event }} on {{day}}.
"""


def run(root: Path, *args: str) -> Run:
    return publish(*args, repo=root)


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"templates/release.md": RELEASE, "templates/event.md": EVENT})


def test_release_template_renders_a_valid_post(repo: Path) -> None:
    code, output = run(repo, "new", "--template", "release", "--set", "version=1.4.0",
                       "--set", "url=https://example.com/releases/1.4.0", "--date", "2026-12-01")
    assert code == 0, output
    assert output.startswith("Created posts/2026/12/acme-1-4-0-is-out.md from templates/release.md")
    post = (repo / "posts/2026/12/acme-1-4-0-is-out.md").read_text(encoding="utf-8")
    assert post == (
        "---\n"
        "author: acme\n"
        "article:\n"
        '  url: "https://example.com/releases/1.4.0"\n'
        '  title: "Acme 1.4.0: the release notes"\n'
        "---\n"
        "Acme 1.4.0 is out.\n"
        "\n"
        "What changed and how to upgrade: https://example.com/releases/1.4.0\n"
        "\n"
        "#release\n"
    )
    assert run(repo, "check")[0] == 0
    commit_all(repo, "announce")
    code, plan = run(repo, "--dry-run", "--now", "2026-12-01T10:00Z")
    assert code == 0 and "+ create   posts/2026/12/acme-1-4-0-is-out.md" in plan


def test_title_author_and_schedule_override_the_template(repo: Path) -> None:
    code, output = run(repo, "new", "Big day", "--template", "event", "--set", "who=acme",
                       "--set", "event=KubeCon", "--set", "day=Friday",
                       "--author", "jane", "--schedule", "2026-12-11 10:00")
    assert code == 0, output
    post = (repo / "posts/2026/12/big-day.md").read_text(encoding="utf-8")
    assert post.startswith('---\nauthor: jane\nschedule: "2026-12-11 10:00"\n---\n')
    assert post.endswith("Meet us at KubeCon on Friday.\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "version=1.4.0"],
     "Error: templates/release.md:4: no value for {{ url }}: add --set url=VALUE\n"
     "templates/release.md:9: no value for {{ url }}: add --set url=VALUE\n"),
    (["--set", "version=1", "--set", "url=https://example.com/r", "--set", "verison=2"],
     "Error: --set verison: templates/release.md has no {{ verison }} (did you mean 'version'?)\n"),
    (["--set", "version"],
     "Error: --set 'version': write it as --set name=value (name: letters, digits, _)\n"),
    (["--set", "url=a", "--set", "url=b"], "Error: --set url is given twice: keep one\n"),
])
def test_bad_values_are_named_with_the_fix(repo: Path, args: list[str], message: str) -> None:
    code, output = run(repo, "new", "--template", "release", *args)
    assert (code, output) == (2, message)
    assert not (repo / "posts").exists()


def test_unknown_template_lists_the_known_ones(repo: Path) -> None:
    code, output = run(repo, "new", "--template", "relase")
    assert (code, output) == (2, "Error: no template 'relase' in templates/ (templates: event, release)\n")
    assert run(repo, "new", "--template", "../publish.toml")[0] == 2


def test_a_value_that_breaks_the_post_leaves_no_file(repo: Path) -> None:
    code, output = run(repo, "new", "--template", "release", "--set", "version=1.5",
                       "--set", 'url=a" b: c', "--date", "2026-12-01")
    assert code == 2
    assert "the post made from templates/release.md would be invalid, so it was not written" in output
    assert "posts/2026/12/acme-1-5-is-out.md:4: error:" in output
    assert list((repo / "posts").rglob("*.md")) == []


def test_a_value_the_checks_refuse_leaves_no_file(repo: Path) -> None:
    code, output = run(repo, "new", "--template", "event", "--set", "who=bob",
                       "--set", "event=x", "--set", "day=y")
    assert code == 2 and "unknown author 'bob'" in output
    assert list((repo / "posts").rglob("*.md")) == []


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "a=b"], "--set fills a template: add --template NAME"),
    ([], "give a title"),
])
def test_usage_errors(repo: Path, args: list[str], message: str) -> None:
    code, output = run(repo, "new", *args)
    assert code == 2 and message in output


def test_render_template_is_strict_about_odd_braces() -> None:
    with pytest.raises(PublisherError, match=r"t.md:2: '\{\{ 1x \}\}' is not a placeholder"):
        render_template("t.md", "ok\n{{ 1x }}\n", {})
    assert render_template("t.md", "{{a}}-{{ a }}", {"a": "x"}) == "x-x"
    assert parse_assignments(["url=https://e.com/?a=b"]) == {"url": "https://e.com/?a=b"}


def test_the_shipped_template_fits_this_repository() -> None:
    """templates/release.md against this repository's own publish.toml and authors."""
    config = load_config(ROOT, None)
    assert config.author_urn("acme") is not None
    values = {"version": "2.0.0", "url": "https://example.com/releases/2.0.0"}
    assert "{{" not in render_template("templates/release.md", RELEASE, values)

"""`publish import` against the sandbox: a page that already posts, brought into a repository.

A first repository publishes the usual posts of every kind (the page's history); a second,
empty one imports the page. The oracle is the sandbox: its live posts, their number and
their texts, before and after; and the plan of the importing repository.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.publishing import NOW_TEXT, World, build_world
from tests.support import CONFIG, commit_all, git, write_files

PAGE = "urn:li:organization:2414183"




@pytest.fixture
def page(tmp_path: Path, sandbox_url: str) -> World:
    """The page's history: every kind of post, published by another repository."""
    history = build_world(tmp_path / "history", sandbox_url)
    assert history.publish().code == 0
    return history


def empty_repository(root: Path, page: World, config: str = CONFIG) -> World:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "Test")
    write_files(root, {"publish.toml": config, "posts/.keep": ""})
    commit_all(root, "start")
    return World(root, page.url, page.control, dict(page.tokens))


def page_posts(world: World) -> dict[str, str]:
    return {p["urn"]: p["commentary"] for p in world.sandbox_posts() if p["author"] == PAGE}


def plan(world: World) -> dict[str, object]:
    run = world.publish("--dry-run", "--format", "json")
    assert run.code == 0, run.output
    data: dict[str, object] = json.loads(run.output)
    return data


def test_import_writes_one_file_per_page_post_and_plans_nothing(page: World,
                                                                tmp_path: Path) -> None:
    before = page_posts(page)
    assert len(before) == 5  # the page's posts of tests/publishing.py
    repo = empty_repository(tmp_path / "new", page)

    run = repo.publish("import", "--author", "acme", now=None)

    assert run.code == 0, run.output
    files = sorted((repo.root / "posts").glob("*.md"))
    assert len(files) == 5
    assert "5 posts imported from acme" in run.output
    urns = {line.split(":", 1)[1].strip() for f in files
            for line in f.read_text().splitlines() if line.startswith("urn:")}
    assert urns == set(before)
    summary = plan(repo)["summary"]
    assert isinstance(summary, dict)
    assert {k: v for k, v in summary.items() if v and k != "noop"} == {}, summary
    assert summary["noop"] == 5
    assert git(repo.root, "status", "--porcelain").strip() == ""
    assert page_posts(page) == before  # nothing was posted, edited or deleted


def test_the_text_comes_back_as_markdown_with_mentions_and_media_by_urn(
        page: World, tmp_path: Path) -> None:
    repo = empty_repository(tmp_path / "new", page)
    assert repo.publish("import", "--author", "acme", now=None).code == 0
    texts = {f.name: f.read_text() for f in (repo.root / "posts").glob("*.md")}
    mention = next(t for t in texts.values() if "Plain text from the page" in t)
    assert "a mention of @jane. #launch" in mention  # the registry's handle, the hashtag
    multi = next(t for t in texts.values() if "Three images" in t)
    assert "linkedin_content:" in multi and "urn:li:image:" in multi
    assert "path:" not in multi  # no file to upload: the images stay LinkedIn's


def test_import_twice_adds_nothing(page: World, tmp_path: Path) -> None:
    repo = empty_repository(tmp_path / "new", page)
    assert repo.publish("import", "--author", "acme", now=None).code == 0
    ledger = (repo.root / ".publish/ledger.json").read_text()
    head = git(repo.root, "rev-parse", "HEAD")

    again = repo.publish("import", "--author", "acme", now=None)

    assert again.code == 0, again.output
    assert "0 posts imported" in again.output
    assert again.output.count("skipped: already tracked") == 5
    assert len(list((repo.root / "posts").glob("*.md"))) == 5
    assert (repo.root / ".publish/ledger.json").read_text() == ledger
    assert git(repo.root, "rev-parse", "HEAD") == head


def test_an_edited_import_updates_the_one_post(page: World, tmp_path: Path) -> None:
    repo = empty_repository(tmp_path / "new", page)
    assert repo.publish("import", "--author", "acme", now=None).code == 0
    path = next(f for f in (repo.root / "posts").glob("*.md")
                if "A video from the page." in f.read_text())
    path.write_text(path.read_text().replace("A video from the page.",
                                             "A video from the page, now with a caption."))
    commit_all(repo.root, "edit")
    count = len(page_posts(page))

    run = repo.publish(now=NOW_TEXT)

    assert run.code == 0, run.output
    live = page_posts(page)
    assert len(live) == count
    assert sum("now with a caption" in text for text in live.values()) == 1


def test_a_changed_imported_content_is_blocked(page: World, tmp_path: Path) -> None:
    repo = empty_repository(tmp_path / "new", page)
    assert repo.publish("import", "--author", "acme", now=None).code == 0
    path = next(f for f in (repo.root / "posts").glob("*.md")
                if "Three images" in f.read_text())
    path.write_text(path.read_text().replace("urn:li:image:", "urn:li:image:9", 1))
    commit_all(repo.root, "change an image")
    before = page_posts(page)

    run = repo.publish("--allow-replace", now=NOW_TEXT)

    assert run.code != 0
    assert "imported from LinkedIn" in run.output
    assert page_posts(page) == before


def test_since_leaves_older_posts_out(page: World, tmp_path: Path) -> None:
    repo = empty_repository(tmp_path / "new", page)
    run = repo.publish("import", "--author", "acme", "--since", "2026-12-02", now=None)
    assert run.code == 0, run.output
    assert run.output.count("skipped: before --since") == 5
    assert list((repo.root / "posts").glob("*.md")) == []


def test_a_person_is_pointed_to_adopt(page: World, tmp_path: Path) -> None:
    repo = empty_repository(tmp_path / "new", page)
    run = repo.publish("import", "--author", "jane", now=None)
    assert run.code == 2
    assert "publish adopt PATH --urn URN" in run.output
    assert list((repo.root / "posts").glob("*.md")) == []


def test_a_footer_is_not_imported_into_the_text(page: World, tmp_path: Path) -> None:
    footer = '\n[render]\nfooter = "Follow us for more."\n'
    writer = empty_repository(tmp_path / "writer", page, CONFIG + footer)
    write_files(writer.root, {"posts/x.md": "---\nauthor: acme\nschedule: 2026-12-01 09:00\n"
                                           "---\nWith a footer.\n"})
    commit_all(writer.root, "post")
    assert writer.publish(now=NOW_TEXT).code == 0
    repo = empty_repository(tmp_path / "new", page, CONFIG + footer)

    assert repo.publish("import", "--author", "acme", now=None).code == 0

    text = next(f.read_text() for f in (repo.root / "posts").glob("*.md")
                if "With a footer." in f.read_text())
    assert "Follow us" not in text
    assert plan(repo)["summary"]["noop"] == 6  # type: ignore[index]


@pytest.mark.parametrize(("front", "message"), [
    ("linkedin_content: {media: {id: 'urn:li:image:C4E'}}",
     "linkedin_content is the content of a post already on LinkedIn and needs its urn: line"),
    ("urn: urn:li:share:7000000000000000001\nlinkedin_content: {media: {id: 'urn:li:image:C'}}"
     "\nimages:\n  - {path: ../media/one.png, alt: x}",
     "linkedin_content and images together"),
    ("urn: urn:li:share:7000000000000000001\nlinkedin_content: [1, 2]",
     "linkedin_content must be LinkedIn's content object"),
])
def test_check_names_a_misused_linkedin_content(make_repo: Callable[..., Path], front: str,
                                                message: str) -> None:
    from click.testing import CliRunner

    from publisher.cli import cli

    root = make_repo({"posts/x.md": f"---\nauthor: acme\n{front}\n---\nText.\n"})
    result = CliRunner().invoke(cli, ["--repo", str(root), "check"])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "posts/x.md:3" in result.output or "posts/x.md:4" in result.output

"""`status: deleted` deletes a published post on the next sync: no flag, so a merged pull
request is enough. The sandbox's live posts are the oracle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.publishing import POSTS, TEXTS, World, build_world
from tests.support import commit_all, git

TEXT = "posts/a-text.md"
KEEP = "posts/g-comment.md"




@pytest.fixture
def world(tmp_path: Path, sandbox_url: str) -> World:
    world = build_world(tmp_path / "repo", sandbox_url, posts={p: POSTS[p] for p in (TEXT, KEEP)})
    assert world.publish().code == 0
    assert world.count_of(TEXTS[TEXT]) == 1
    return world


def mark_deleted(world: World, *, commit: bool = True) -> None:
    target = world.root / TEXT
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("author: acme\n", "author: acme\nstatus: deleted\n", 1),
                      encoding="utf-8")
    if commit:
        commit_all(world.root, "Delete the launch post")


def deletes(world: World) -> list[dict[str, object]]:
    return [c for c in world.calls() if c["method"] == "DELETE"]


def test_every_plan_format_shows_the_delete(world: World) -> None:
    urn = world.entry(TEXT)["urn"]
    mark_deleted(world)
    text = world.publish("--dry-run")
    assert text.code == 0, text.output
    assert f"  - delete   {TEXT}\n      status: deleted: delete the LinkedIn post" in text.output
    assert text.output.rstrip().endswith("1 to delete, 1 unchanged")
    change = next(c for c in json.loads(world.publish("--dry-run", "--format", "json").output)
                  ["changes"] if c["post"] == TEXT)
    assert (change["action"], change["urn"]) == ("delete", urn)
    markdown = world.publish("--dry-run", "--format", "markdown").output
    assert f"| - | **delete** | `{TEXT}` |" in markdown
    assert "| next sync after merge |" in markdown
    assert f"### `{TEXT}` — delete" in markdown and f"- 🗑 deletes `{urn}` from LinkedIn" in markdown
    assert world.count_of(TEXTS[TEXT]) == 1 and deletes(world) == [], "a plan sends nothing"


def test_a_sync_deletes_it_once_and_the_next_is_a_noop(world: World) -> None:
    urn = world.entry(TEXT)["urn"]
    mark_deleted(world)
    run = world.publish()
    assert run.code == 0, run.output
    assert world.count_of(TEXTS[TEXT]) == 0 and world.count_of(TEXTS[KEEP]) == 1
    assert [c["path"] for c in deletes(world)] == [f"/rest/posts/{urn}"]
    assert world.entry(TEXT)["state"] == "deleted"
    assert f"# urn: {urn} (deleted from LinkedIn on 2026-12-01)" in (world.root / TEXT).read_text()
    assert world.commits()[0].startswith("publish: 1 deleted"), world.commits()
    assert git(world.root, "status", "--porcelain") == ""

    calls = len(world.calls())
    again = world.publish()
    assert again.code == 0, again.output
    assert len(world.calls()) == calls and len(deletes(world)) == 1
    assert world.count_of(TEXTS[KEEP]) == 1


def test_an_uncommitted_status_deleted_deletes_nothing(world: World) -> None:
    mark_deleted(world, commit=False)
    run = world.publish()
    assert run.code == 1, run.output
    assert f"{TEXT}: has uncommitted changes: commit it first" in run.output
    assert world.count_of(TEXTS[TEXT]) == 1 and deletes(world) == []

"""Where LinkedIn is stricter than a kind emulator: little-text templates, ghost duplicates,
media readiness. The real CLI and client against the real sandbox over 127.0.0.1; the
oracle is the sandbox's state (its live posts and what a reader sees of them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from publisher import ledger
from publisher.apply import Applier
from publisher.config import load_config
from publisher.plan import PlanOptions, build_plan
from publisher.sandbox import running_sandbox
from publisher.sources import collect
from publisher.sync import Clients
from tests.publishing import NOW, World, build_world

MEMBER_SUB = "GR_0y0zfGl"  # an OpenID `sub` with an underscore, as real member ids have

TEMPLATE_POST = {
    "posts/notes.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:00
        mentions:
          gina: {urn: "urn:li:person:GR_0y0zfGl", name: Gina Rossi}
        ---
        Ship it #release_notes with @gina and more text after.
        """,
}


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with running_sandbox(seed=5) as url:
        yield url


def world_of(tmp_path: Path, url: str, posts: dict[str, str]) -> World:
    return build_world(tmp_path / "repo", url, posts)


# ----------------------------------------------------------------------------- little text


def test_an_underscore_hashtag_and_member_id_are_published_whole(
    tmp_path: Path, sandbox_url: str
) -> None:
    world = world_of(tmp_path, sandbox_url, TEMPLATE_POST)
    world.control.add_member(MEMBER_SUB, "Gina Rossi")
    run = world.publish()
    assert run.code == 0, run.output
    [post] = world.sandbox_posts()
    assert post["cut_at"] is None, post
    assert post["text"] == "Ship it #release_notes with Gina Rossi and more text after."
    assert world.entry("posts/notes.md")["state"] == "published"


def test_the_read_back_fails_a_post_the_sandbox_cut_at_a_template(
    tmp_path: Path, sandbox_url: str
) -> None:
    """The wire form the renderer used to write: a bare "_" in the template's value."""
    world = world_of(tmp_path, sandbox_url, TEMPLATE_POST)
    config = load_config(world.root, environ=world.environ)
    book = ledger.load(config.ledger_path)
    plan = build_plan(collect(config, book), book, NOW, config.defaults.timezone, PlanOptions())
    [change] = [c for c in plan.changes if c.post == "posts/notes.md"]
    assert change.source is not None
    bare = "Ship it {hashtag|\\#|release_notes} and more text after."
    raw = replace(change.source.rendered, commentary=bare)
    broken = replace(change, source=replace(change.source, rendered=raw))
    report = Applier(config, book, Clients(config, environ=world.environ)).run(
        replace(plan, changes=(broken,))
    )
    [outcome] = report.outcomes
    [post] = world.sandbox_posts()
    assert post["text"] == "Ship it "  # the sandbox cut it at the "{"
    assert outcome.result == "failed", outcome
    assert "LinkedIn shows a different text" in outcome.message

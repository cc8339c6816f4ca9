"""Hostile files on a real sync: the real CLI and client against the sandbox on 127.0.0.1.

The oracle is the sandbox: what is live there, and how many times.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publishing import POSTS, TEXTS, World, build_world
from tests.support import commit_all, git, write_files

GOOD = "---\nauthor: acme\nschedule: 2026-12-01 08:00\n---\nThe good post goes out.\n"




def world_with(tmp_path: Path, url: str, posts: dict[str, str | bytes]) -> World:
    world = build_world(tmp_path / "repo", url, posts={"posts/good.md": GOOD})
    if posts:
        write_files(world.root, posts)
        commit_all(world.root, "hostile posts")
    return world


def test_a_closing_line_the_write_back_would_miss_is_never_posted(
    tmp_path: Path, sandbox_url: str
) -> None:
    nbsp = "---\nauthor: acme\n---\u00a0\nNo-break space after the dashes.\n\n---\n\nA rule.\n"
    world = world_with(tmp_path, sandbox_url, {"posts/nbsp.md": nbsp})
    for _ in range(3):  # the schedule runs again and again
        run = world.publish()
        assert run.code == 1, run.output
        assert "posts/nbsp.md:3: error: '---' is followed by U+00A0 no-break space" in run.output
    assert world.count_of("No-break space after the dashes.") == 0
    assert world.count_of("The good post goes out.") == 1
    assert git(world.root, "status", "--porcelain") == ""


def test_a_cr_only_file_is_published_once_and_takes_its_urn(
    tmp_path: Path, sandbox_url: str
) -> None:
    world = world_with(tmp_path, sandbox_url,
                       {"posts/cr.md": b"---\rauthor: acme\r---\rA file with CR line ends.\r"})
    run = world.publish()
    assert run.code == 0, run.output
    live = [p["urn"] for p in world.sandbox_posts() if "CR line ends" in p["commentary"]]
    assert len(live) == 1
    data = (world.root / "posts/cr.md").read_bytes()
    assert f"\rurn: {live[0]}\r".encode() in data and b"\n" not in data
    assert world.publish().code == 0
    assert world.count_of("A file with CR line ends.") == 1
    assert git(world.root, "status", "--porcelain") == ""


def test_a_post_linked_to_a_file_outside_is_refused_and_nothing_of_it_is_committed(
    tmp_path: Path, sandbox_url: str
) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("---\nauthor: acme\n---\nA private file outside the repository.\n")
    world = world_with(tmp_path, sandbox_url, {})
    (world.root / "posts/link.md").symlink_to(outside)
    commit_all(world.root, "a link")
    run = world.publish()
    assert run.code == 1
    assert "posts/link.md: error: is a symbolic link" in run.output
    assert world.count_of("A private file outside") == 0
    assert world.count_of("The good post goes out.") == 1
    assert (world.root / "posts/link.md").is_symlink()
    assert "urn" not in outside.read_text()
    assert git(world.root, "ls-tree", "HEAD", "posts/link.md").startswith("120000 ")
    committed = git(world.root, "log", "-p", "--format=", "--", "*.md", ".publish")
    assert "A private file outside" not in committed


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("{token}\n", "ends with a line break, which LinkedIn refuses in every call"),
        ("{head}…{tail}", "holds '…', so it is the masked form that publish prints"),
        ("{head}*****{tail}", "holds '*****', so it is a masked form (like AQX…4f2 or "
                              "AQX***4f2), not the token: paste the whole access token"),
        ("{head}...{tail}", "holds '...', so it is a masked form"),
        ("***", "holds '***', so it is a masked form"),
    ],
    ids=["trailing-newline", "masked-form", "asterisks", "dots", "github-log"],
)
def test_a_token_that_cannot_work_is_refused_and_the_other_author_goes_on(
    tmp_path: Path, sandbox_url: str, token: str, expected: str
) -> None:
    world = build_world(tmp_path / "repo", sandbox_url)  # posts by the page and by Jane
    real = world.tokens["acme"]
    world.tokens["acme"] = token.format(token=real, head=real[:3], tail=real[-3:])
    run = world.publish()
    assert run.code != 0
    assert f"LINKEDIN_ACCESS_TOKEN_ACME {expected}" in run.output
    assert "Traceback" not in run.output and real not in run.output
    for path, text in TEXTS.items():
        by_jane = "author: jane" in POSTS[path]
        assert world.count_of(text) == (1 if by_jane else 0), path
    doctor = world.publish("doctor", now=None)
    assert expected in doctor.output and real not in doctor.output

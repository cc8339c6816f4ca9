"""The plan as Markdown, for the pull-request comment: table, exact texts, fold, media."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from publisher.cli import cli
from publisher.planview import _fence
from tests.builders import png_bytes

LONG = "A hook that makes you read on. " * 12
POSTS = {
    "posts/a-image.md": f"""\
        ---
        author: jane
        schedule: 2026-12-01 09:00
        images:
          - {{path: ../media/one.png, alt: A blue square | with a pipe}}
        ---
        {LONG}

        The rest, after the fold.
        """,
    "posts/b-now.md": (
        "---\nauthor: acme\nnot_after: 2026-12-02 09:00\n---\nNo schedule: the next sync after merge.\n"
    ),
    "posts/c-noalt.md": """\
        ---
        schedule: 2026-12-24 18:00
        images:
          - {path: ../media/one.png}
        ---
        Later, and without alt text.
        """,
    "posts/d-bad.md": "---\nshedule: 2026-12-01 09:00\n---\nHello\n",
    "posts/e-draft.md": "---\nstatus: draft\n---\nNot yet.\n",
    "media/one.png": png_bytes(),
}


def markdown(root: Path) -> str:
    result = CliRunner().invoke(
        cli, ["--repo", str(root), "--dry-run", "--format", "markdown", "--now", "2026-12-01T10:00Z"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1  # posts/d-bad.md has an error
    return result.output


def test_table_has_action_post_author_both_times_and_length(make_repo: Callable[..., Path]) -> None:
    output = markdown(make_repo(POSTS))
    lines = output.splitlines()
    assert lines[0] == "## LinkedIn publish plan"
    assert lines[2] == (
        "2 to create, 2 blocked, 1 skipped · planned at 2026-12-01 10:00 UTC "
        "(11:00 Europe/Berlin)"
    )
    assert "| | action | post | author | when (UTC and Europe/Berlin) | characters |" in lines
    assert (
        "| + | **create** | `posts/a-image.md` | `jane` (`urn:li:person:782bbtaQ`) "
        "| 2026-12-01 08:00 UTC (09:00 Europe/Berlin) | 398 / 3000 |"
    ) in lines
    assert (
        "| + | **create** | `posts/b-now.md` | `acme` (`urn:li:organization:2414183`) "
        "| next sync after merge | 39 / 3000 |"
    ) in lines
    assert "| ! | **blocked** | `posts/d-bad.md` |  |  |  |" in lines
    assert (
        "| · | **skip** | `posts/e-draft.md` | `acme` (`urn:li:organization:2414183`) |  "
        "| 8 / 3000 |"
    ) in lines


def test_each_post_shows_its_exact_text_with_the_fold(make_repo: Callable[..., Path]) -> None:
    output = markdown(make_repo(POSTS))
    section = output.split("### `posts/a-image.md` — create")[1].split("### ")[0]
    assert "\n```text\nA hook that makes you read on." in section
    assert "\n┈┈┈┈ …see more ┈┈┈┈\n" in section
    before, after = section.split("┈┈┈┈ …see more ┈┈┈┈")
    assert "The rest, after the fold.\n```\n" in after
    assert len(before.split("```text\n")[1].rstrip("\n")) <= 220
    assert "- 🖼 `media/one.png` — alt: `A blue square | with a pipe`" in section


def test_a_short_post_says_nothing_is_folded(make_repo: Callable[..., Path]) -> None:
    output = markdown(make_repo(POSTS))
    section = output.split("### `posts/b-now.md` — create")[1].split("### ")[0]
    assert "```text\nNo schedule: the next sync after merge.\n```\n<sub>All of it shows" in section


def test_a_fence_is_longer_than_any_backticks_in_the_text() -> None:
    assert _fence("plain") == "```"
    assert _fence("a ``` b `````` c") == "```````"


def test_warnings_and_errors_are_listed_under_their_post(make_repo: Callable[..., Path]) -> None:
    output = markdown(make_repo(POSTS))
    now = output.split("### `posts/b-now.md` — create")[1].split("### ")[0]
    assert "- ⚠️ `posts/b-now.md:3: warning: not_after has no effect without schedule`" in now
    no_alt = output.split("### `posts/c-noalt.md` — blocked")[1].split("### ")[0]
    assert "- ❌ `posts/c-noalt.md:4: error: images[0] has no alt text" in no_alt
    blocked = output.split("### `posts/d-bad.md` — blocked")[1]
    assert (
        "- ❌ `posts/d-bad.md:2: error: unknown key 'shedule' (did you mean 'schedule'?)`"
    ) in blocked
    assert "### `posts/e-draft.md`" not in output  # a draft is in the table only


def test_unchanged_posts_are_counted_not_listed(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/b-now.md": POSTS["posts/b-now.md"]})
    ledger = root / ".publish/ledger.json"
    # Publishing is not needed to make a post unchanged: adopt records it as published.
    result = CliRunner().invoke(cli, ["--repo", str(root), "adopt", "posts/b-now.md",
                                      "--urn", "urn:li:share:7"], catch_exceptions=False)
    assert result.exit_code == 0 and ledger.exists()
    result = CliRunner().invoke(cli, ["--repo", str(root), "--dry-run", "--format", "markdown"],
                                catch_exceptions=False)
    assert "1 unchanged post not listed." in result.output
    assert "`posts/b-now.md`" not in result.output
    assert "| action |" not in result.output


"""A refused request is reported on the post that sent it, naming its file, author and call.

Two authors post in one run; one author's token is invalid in the sandbox. The sandbox's
live posts are the oracle for what went out; each failure line must name its own post.
"""

from __future__ import annotations

from pathlib import Path

from tests.publishing import POSTS, TEXTS, World, build_world

EXIT_AUTH = 3
PAGE_POST, JANE_IMAGE, JANE_DOCUMENT = "posts/a-text.md", "posts/b-image.md", "posts/e-document.md"




def failure_lines(output: str) -> dict[str, str]:
    """The progress line of each failed post, by the post its `[i/n]` header names."""
    lines, found, current = output.splitlines(), {}, ""
    for line in lines:
        if line.startswith("["):
            current = line.split()[-1]
        elif line.startswith("  failed: ") and "(why: above)" not in line:
            found[current] = line.removeprefix("  failed: ")
    return found


def world_with(tmp_path: Path, url: str, paths: tuple[str, ...]) -> World:
    return build_world(tmp_path / "repo", url, posts={p: POSTS[p] for p in paths})


def test_an_invalid_token_fails_its_own_post_by_name(tmp_path: Path, sandbox_url: str) -> None:
    world = world_with(tmp_path, sandbox_url, (PAGE_POST, JANE_IMAGE))
    world.tokens["jane"] = "AQVinvalid-token-for-jane"
    run = world.publish()
    assert run.code == EXIT_AUTH, run.output
    assert world.count_of(TEXTS[PAGE_POST]) == 1 and world.count_of(TEXTS[JANE_IMAGE]) == 0
    failed = failure_lines(run.output)
    assert list(failed) == [JANE_IMAGE], run.output
    message = failed[JANE_IMAGE]
    assert message.startswith(f"{JANE_IMAGE}, as jane (urn:li:person:782bbtaQ): "), message
    assert "401" in message and "POST /rest/images" in message
    assert PAGE_POST not in message and "AQVinvalid" not in run.output


def test_a_later_post_of_a_stopped_author_names_the_request_that_stopped_it(
        tmp_path: Path, sandbox_url: str) -> None:
    world = world_with(tmp_path, sandbox_url, (PAGE_POST, JANE_IMAGE, JANE_DOCUMENT))
    world.tokens["jane"] = "AQVinvalid-token-for-jane"
    run = world.publish()
    assert run.code == EXIT_AUTH, run.output
    assert world.count_of(TEXTS[JANE_DOCUMENT]) == 0 and world.count_of(TEXTS[PAGE_POST]) == 1
    failed = failure_lines(run.output)
    assert sorted(failed) == [JANE_IMAGE, JANE_DOCUMENT], run.output
    later = failed[JANE_DOCUMENT]
    assert later.startswith(f"{JANE_DOCUMENT}, as jane (urn:li:person:782bbtaQ): not sent, "
                            f"the author was stopped at {JANE_IMAGE}: "), later
    # The call it quotes is the image post's; the document post sent nothing.
    assert "POST /rest/images" in later
    assert not any(c["path"].startswith("/rest/documents") for c in world.calls())


def test_a_page_token_without_the_role_names_the_page_post(tmp_path: Path,
                                                          sandbox_url: str) -> None:
    world = world_with(tmp_path, sandbox_url, (PAGE_POST, JANE_IMAGE))
    world.tokens["acme"] = world.control.token("782bbtaQ", ["w_member_social"])
    run = world.publish()
    assert world.count_of(TEXTS[JANE_IMAGE]) == 1 and world.count_of(TEXTS[PAGE_POST]) == 0
    failed = failure_lines(run.output)
    assert list(failed) == [PAGE_POST], run.output
    assert failed[PAGE_POST].startswith(
        f"{PAGE_POST}, as acme (urn:li:organization:2414183): LinkedIn answered 403"), failed
    assert "POST /rest/posts" in failed[PAGE_POST] and JANE_IMAGE not in failed[PAGE_POST]


def test_an_author_without_a_token_is_named_once_on_its_own_post(tmp_path: Path,
                                                                 sandbox_url: str) -> None:
    world = world_with(tmp_path, sandbox_url, (PAGE_POST, JANE_IMAGE))
    del world.tokens["jane"]
    run = world.publish()
    assert run.code == EXIT_AUTH, run.output
    assert world.count_of(TEXTS[PAGE_POST]) == 1 and world.count_of(TEXTS[JANE_IMAGE]) == 0
    failed = failure_lines(run.output)
    assert list(failed) == [JANE_IMAGE], run.output
    message = failed[JANE_IMAGE]
    assert message.startswith(f"{JANE_IMAGE}: no LinkedIn token for author 'jane' "
                              "(urn:li:person:782bbtaQ)"), message
    assert message.count("urn:li:person:782bbtaQ") == 1

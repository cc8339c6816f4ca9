"""Polls and reshares on the sandbox: the limits of content.poll, and reshareContext.parent
(the parent must exist, be live, and let others reshare it)."""

from __future__ import annotations

from typing import Any

import pytest

from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import ACME, ALICE, BOB, Api, key


def poll(question: str = "Which day suits the launch?", options: tuple[str, ...] = ("Monday",
         "Friday"), duration: str = "THREE_DAYS") -> dict[str, Any]:
    return {"poll": {"question": question, "options": [{"text": o} for o in options],
                     "settings": {"duration": duration}}}


def test_a_poll_is_kept_on_the_post_and_shown_in_the_feed(control: SandboxControl,
                                                          alice: Api) -> None:
    urn = alice.created_urn(commentary="Help us pick", content=poll())
    stored = alice.get_post(urn).json()
    assert stored["content"] == poll()
    assert urn.startswith("urn:li:ugcPost:")
    [state] = control.state()["posts"]
    assert state["content_kind"] == "poll" and state["content"] == poll()
    feed = control.feed_html()
    assert "Which day suits the launch?" in feed
    assert '<li class="poll-option">Monday</li>' in feed and "open for 3 days" in feed


@pytest.mark.parametrize(("content", "field", "code"), [
    (poll(question="Q" * 141), "/content/poll/question", "FIELD_LENGTH_TOO_LONG"),
    (poll(options=("a" * 31, "b")), "/content/poll/options/0/text", "FIELD_LENGTH_TOO_LONG"),
    (poll(options=("a", "😀" * 16)), "/content/poll/options/1/text", "FIELD_LENGTH_TOO_LONG"),
    (poll(options=("a", " ")), "/content/poll/options/1/text", "INVALID_VALUE_BLANK_FIELD"),
    (poll(options=("a", "b", "c", "d", "e")), "/content/poll/options", "INVALID_VALUE_FOR_FIELD"),
])
def test_a_poll_over_a_limit_is_refused(alice: Api, content: dict[str, Any], field: str,
                                        code: str) -> None:
    answer = alice.create_post(content=content)
    assert answer.status_code == 400, answer.text
    [detail] = answer.json()["errorDetails"]["inputErrors"]
    assert (detail["code"], detail["input"]["inputPath"]["fieldPath"]) == (code, field)


def test_a_poll_at_its_limits_is_taken(alice: Api) -> None:
    answer = alice.create_post(content=poll(question="Q" * 140,
                                            options=("a" * 30, "b", "c", "d")))
    assert answer.status_code == 201, answer.text


def test_a_poll_cannot_be_edited(alice: Api) -> None:
    urn = alice.created_urn(content=poll())
    answer = alice.update(urn, {"patch": {"$set": {"content": poll(question="Other?")}}})
    assert answer.status_code == 422
    assert alice.get_post(urn).json()["content"] == poll()


def test_a_reshare_names_its_parent_and_may_say_nothing(control: SandboxControl, alice: Api,
                                                        bob: Api) -> None:
    parent = alice.created_urn(author=ACME, commentary="We launched today")
    reshare = bob.created_urn(author=BOB, commentary="",
                              reshareContext={"parent": parent})
    assert bob.get_post(reshare).json()["reshareContext"] == {"parent": parent}
    states = {p["urn"]: p for p in control.state()["posts"]}
    assert states[reshare]["parent"] == parent and "parent" not in states[parent]
    # Inside the reshare's card, the page's post.
    feed = control.feed_html()
    inner = feed.split(f'data-urn="{reshare}"', 1)[1]
    assert 'class="reshared"' in inner and f'data-urn="{parent}"' in inner
    assert "We launched today" in inner


def test_a_post_that_is_no_reshare_still_needs_text(alice: Api) -> None:
    answer = alice.create_post(commentary="")
    assert answer.status_code == 400
    assert answer.json()["errorDetails"]["inputErrors"][0]["code"] == "INVALID_VALUE_BLANK_FIELD"


def test_two_silent_reshares_of_two_posts_are_no_duplicates(alice: Api, bob: Api) -> None:
    first = alice.created_urn(author=ACME, commentary="First")
    second = alice.created_urn(author=ACME, commentary="Second")
    for parent in (first, second):
        assert bob.create_post(author=BOB, commentary="",
                               reshareContext={"parent": parent}).status_code == 201
    again = bob.create_post(author=BOB, commentary="", reshareContext={"parent": first})
    assert again.status_code == 422 and "DUPLICATE_POST" in again.text


@pytest.mark.parametrize("setup", ["missing", "deleted", "disabled", "connections", "content"])
def test_a_parent_that_cannot_be_reshared_is_refused(alice: Api, bob: Api, setup: str) -> None:
    fields: dict[str, Any] = {}
    if setup == "missing":
        parent = "urn:li:share:999999"
    else:
        parent = alice.created_urn(
            author=ALICE, commentary="Mine",
            isReshareDisabledByAuthor=setup == "disabled",
            visibility="CONNECTIONS" if setup == "connections" else "PUBLIC")
    if setup == "deleted":
        assert alice.delete(f"/rest/posts/{key(parent)}").status_code == 204
    if setup == "content":
        fields["content"] = poll()
    answer = bob.create_post(author=BOB, commentary="Look", reshareContext={"parent": parent},
                             **fields)
    assert answer.status_code == 422, answer.text
    assert parent in answer.json()["message"]


def test_the_author_may_reshare_a_post_others_may_not(alice: Api) -> None:
    parent = alice.created_urn(author=ALICE, commentary="Mine", isReshareDisabledByAuthor=True)
    answer = alice.create_post(author=ALICE, commentary="Again",
                               reshareContext={"parent": parent})
    assert answer.status_code == 201, answer.text


def test_a_reshare_outlives_its_parent_and_says_so(control: SandboxControl, alice: Api,
                                                   bob: Api) -> None:
    parent = alice.created_urn(author=ACME, commentary="Soon gone")
    reshare = bob.created_urn(author=BOB, commentary="Worth a read",
                              reshareContext={"parent": parent})
    assert alice.delete(f"/rest/posts/{key(parent)}").status_code == 204
    assert bob.get_post(reshare).status_code == 200
    feed = control.feed_html()
    assert "Soon gone" not in feed and "it was deleted by its author" in feed


def test_a_reshares_words_may_be_taken_back(alice: Api, bob: Api) -> None:
    parent = alice.created_urn(author=ACME, commentary="News")
    reshare = bob.created_urn(author=BOB, commentary="Great news",
                              reshareContext={"parent": parent})
    assert bob.update(reshare, {"patch": {"$set": {"commentary": ""}}}).status_code == 204
    assert bob.get_post(reshare).json()["commentary"] == ""
    assert alice.update(parent, {"patch": {"$set": {"commentary": " "}}}).status_code == 400

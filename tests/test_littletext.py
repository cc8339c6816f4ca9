"""The little-text parser: what LinkedIn shows for a commentary, and where it cuts."""

from __future__ import annotations

import pytest

from publisher.littletext import Hashtag, Mention, Text, parse, utf16_length


@pytest.mark.parametrize(("commentary", "shown", "cut_at"), [
    ("Plain text, with commas; and 100% emoji 🎉!", "Plain text, with commas; and 100% emoji 🎉!",
     None),
    ("Hello (world)", "Hello ", 6),
    ("Hello \\(world\\)", "Hello (world)", None),
    ("Price: 5*3", "Price: 5", 8),
    ("snake_case", "snake", 5),
    ("a \\\\ backslash", "a \\ backslash", None),
    ("lone \\ backslash", "lone ", 5),
    ("trailing \\", "trailing ", 9),
    ("Ship it #release now", "Ship it #release now", None),
    ("C# rocks", "C", 1),
    ("{hashtag|\\#|Tech} news", "#Tech news", None),
    ("{hashtag|#|Tech}", "#Tech", None),
    ("{notatemplate}", "", 0),
    ("Thanks @[Acme Corp](urn:li:organization:2414183)!", "Thanks Acme Corp!", None),
    ("Mail me @ home", "Mail me ", 8),
    ("@[Eve](urn:li:share:1)", "", 0),
    ("\\* Point 1\n\\* Point 2", "* Point 1\n* Point 2", None),
    ("a < b", "a ", 2),
    ("tilde~", "tilde", 5),
    ("pipe | here", "pipe ", 5),
])
def test_shown_text_is_cut_at_the_first_unescaped_reserved_character(
        commentary: str, shown: str, cut_at: int | None) -> None:
    parsed = parse(commentary)
    assert parsed.shown() == shown
    assert parsed.cut_at == cut_at


def test_segments_keep_mentions_and_hashtags_apart() -> None:
    parsed = parse("Hi @[Alice \\(AM\\)](urn:li:person:alice) #launch!")
    assert parsed.segments == (
        Text("Hi ", "Hi "),
        Mention("Alice (AM)", "urn:li:person:alice", "@[Alice \\(AM\\)](urn:li:person:alice)"),
        Text(" ", " "),
        Hashtag("launch", "#launch"),
        Text("!", "!"),
    )


@pytest.mark.parametrize(("commentary", "read_form"), [
    ("Go #team", "Go {hashtag|\\#|team}"),
    ("{hashtag|#|team}", "{hashtag|\\#|team}"),
    ("cut (here) #later", "cut (here) #later"),
    ("Hey @[Bob](urn:li:person:bob)", "Hey @[Bob](urn:li:person:bob)"),
])
def test_read_form_templates_hashtags_and_keeps_the_rest(commentary: str, read_form: str) -> None:
    assert parse(commentary).read_form() == read_form


@pytest.mark.parametrize(("text", "units"), [
    ("abc", 3), ("é", 1), ("🎉", 2), ("👩‍💻", 5), ("", 0),
])
def test_utf16_length_counts_code_units(text: str, units: int) -> None:
    assert utf16_length(text) == units

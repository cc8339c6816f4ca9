"""Markdown body -> LinkedIn commentary.

Golden files in tests/golden/render/: NAME.md is the input (NAME.json, when present, holds
the RenderOptions), NAME.out the exact commentary and NAME.report the rest of the result
(lengths, fold, links, issues, and the visible text when it differs). Regenerate them with
``UPDATE_GOLDEN=1 pytest tests/test_render.py`` and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from publisher.render import (
    LIMIT,
    RESERVED,
    Mention,
    Rendered,
    RenderOptions,
    escape_little,
    fold_index,
    render,
    utf16_len,
)
from tests.test_render_properties import assert_wire_sound

GOLDEN = Path(__file__).parent / "golden" / "render"
CASES = sorted(path.stem for path in GOLDEN.glob("*.md"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

JANE = Mention("urn:li:person:abc123", "Jane Doe")
ACME = Mention("urn:li:organization:42", "Acme (Europe) Ltd.")
REGISTRY = {"jane": JANE, "acme": ACME, "jane.doe": Mention("urn:li:person:jd", "Jane D.")}


# ----------------------------------------------------------------------------- golden files


def golden_options(name: str) -> RenderOptions:
    path = GOLDEN / f"{name}.json"
    if not path.exists():
        return RenderOptions()
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    mentions = {h: Mention(**m) for h, m in data.pop("mentions", {}).items()}
    return RenderOptions(mentions=mentions, **data)


def golden_report(rendered: Rendered) -> str:
    lines = [
        f"length: {rendered.length}",
        f"visible_length: {rendered.visible_length}",
        f"fold: {_fold_note(rendered)}",
        "links:", *(f"  {link}" for link in rendered.links),
        "issues:", *(f"  line {i.line}: {i.severity}: {i.message}" for i in rendered.issues),
    ]
    if rendered.visible != rendered.commentary:
        lines += ["visible:", rendered.visible]
    return "\n".join(lines) + "\n"


def _fold_note(rendered: Rendered) -> str:
    if rendered.fold is None:
        return "none (the whole text shows)"
    tail = rendered.visible[max(0, rendered.fold - 30) : rendered.fold]
    return f"{rendered.fold} (shown up to ...{tail!r})"


def read_exact(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # keeps a BOM and CRLF exactly as committed


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    rendered = render(read_exact(GOLDEN / f"{name}.md"), golden_options(name))
    expected = {".out": rendered.commentary, ".report": golden_report(rendered)}
    for suffix, text in expected.items():
        path = GOLDEN / f"{name}{suffix}"
        if UPDATE:
            path.write_bytes(text.encode("utf-8"))
        assert read_exact(path) == text, f"{path.name} differs; UPDATE_GOLDEN=1 regenerates it"
    assert_wire_sound(rendered)


def test_there_are_enough_golden_cases_and_no_strays() -> None:
    assert len(CASES) >= 40
    for suffix in ("out", "report"):
        assert {path.stem for path in GOLDEN.glob(f"*.{suffix}")} == set(CASES)
    assert {path.stem for path in GOLDEN.glob("*.json")} <= set(CASES)


# ----------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("char", list(RESERVED))
def test_escape_little_escapes_each_reserved_character(char: str) -> None:
    assert escape_little(f"a{char}b") == f"a\\{char}b"


@pytest.mark.parametrize("text", ["%&!'\".,:;?/=+-$^`", "emoji 😀 and ÜÑÎ", "a\nb\tc"])
def test_escape_little_leaves_other_characters_alone(text: str) -> None:
    assert escape_little(text) == text


@pytest.mark.parametrize("text", ["\\", "\\#", "#\\", "\\\\@@", "a(b)[c]{d}<e>", "_*~|", "\\\\"])
def test_escape_little_escapes_each_character_once_backslashes_too(text: str) -> None:
    assert escape_little(text) == "".join("\\" + c if c in RESERVED else c for c in text)


def test_the_reserved_set_is_little_texts_fifteen() -> None:
    assert sorted(RESERVED) == sorted("|{}@[]()<>#\\*_~")


# A reserved character alone is still Markdown: "#" is an empty heading, "*" an empty
# bullet item, ">" an empty quote; the rest are text.
@pytest.mark.parametrize(("markdown", "commentary"), [
    ("|", "\\|"), ("{", "\\{"), ("}", "\\}"), ("@", "\\@"), ("[", "\\["), ("]", "\\]"),
    ("(", "\\("), (")", "\\)"), ("<", "\\<"), (">", ""), ("#", ""), ("\\", "\\\\"),
    ("*", "•"), ("_", "\\_"), ("~", "\\~"),
])
def test_each_reserved_character_alone(markdown: str, commentary: str) -> None:
    assert render(markdown).commentary == commentary


@pytest.mark.parametrize(("markdown", "commentary"), [
    ("Hello (world)", "Hello \\(world\\)"),
    ("a | b", "a \\| b"),
    ("{x}", "\\{x\\}"),
    ("[x]", "\\[x\\]"),
    ("x < y > z", "x \\< y \\> z"),
    ("C:\\dir", "C:\\\\dir"),
    ("2 * 3 * 4", "2 \\* 3 \\* 4"),
    ("snake_case_name", "snake\\_case\\_name"),
    ("~approx~", "\\~approx\\~"),
    ("\\*not emphasis\\*", "\\*not emphasis\\*"),
])
def test_reserved_characters_in_context(markdown: str, commentary: str) -> None:
    assert render(markdown).commentary == commentary


# ----------------------------------------------------------------------------- lengths


@pytest.mark.parametrize(("text", "units"), [
    ("", 0), ("abc", 3), ("é", 1), ("日本", 2), ("😀", 2), ("👩‍👩‍👧", 8), ("🇩🇪", 4), ("𝗯", 2),
])
def test_utf16_len(text: str, units: int) -> None:
    assert utf16_len(text) == units


@pytest.mark.parametrize(("markdown", "length", "visible_length"), [
    ("(a)", 5, 3),
    ("😀 (x)", 8, 6),
    ("**b**", 1, 1),
])
def test_length_counts_escapes_and_surrogates(markdown: str, length: int, visible_length: int,
                                              ) -> None:
    rendered = render(markdown)
    assert (rendered.length, rendered.visible_length) == (length, visible_length)


@pytest.mark.parametrize(("markdown", "errors"), [
    ("a" * LIMIT, []),
    ("a" * (LIMIT + 1), ["commentary is 3001 characters of LinkedIn's 3000 (counted after "
                         "escaping); shorten by 1"]),
    ("(" * 1500, []),
    ("(" * 1501, ["commentary is 3002 characters of LinkedIn's 3000 (counted after "
                  "escaping); shorten by 2"]),
    ("😀" * 1500, []),
    ("😀" * 1500 + "a", ["commentary is 3001 characters of LinkedIn's 3000 (counted after "
                         "escaping); shorten by 1"]),
])
def test_length_limit(markdown: str, errors: list[str]) -> None:
    issues = render(markdown).issues
    assert [i.message for i in issues if i.severity == "error"] == errors


@pytest.mark.parametrize("markdown", ["", "   \n\n  ", "[x]: https://example.com", "#"])
def test_empty_text_is_a_warning(markdown: str) -> None:
    rendered = render(markdown)
    assert rendered.commentary == ""
    assert [(i.severity, i.message.startswith("the text is empty")) for i in rendered.issues] == [
        ("warning", True)
    ]


# ----------------------------------------------------------------------------- mentions


@pytest.mark.parametrize(("markdown", "commentary", "unknown"), [
    ("Thanks @jane!", "Thanks @[Jane Doe](urn:li:person:abc123)!", []),
    ("(@jane)", "\\(@[Jane Doe](urn:li:person:abc123)\\)", []),
    ("@jane, @jane. @jane's", "@[Jane Doe](urn:li:person:abc123), "
     "@[Jane Doe](urn:li:person:abc123). @[Jane Doe](urn:li:person:abc123)'s", []),
    ("@acme", "@[Acme \\(Europe\\) Ltd.](urn:li:organization:42)", []),
    ("@jane.doe", "@[Jane D.](urn:li:person:jd)", []),
    ("@jane-", "@[Jane Doe](urn:li:person:abc123)-", []),
    ("mail a@b.com or jane@acme.com", "mail a\\@b.com or jane\\@acme.com", []),
    ("@bob and @bob_x", "\\@bob and \\@bob\\_x", ["bob", "bob_x"]),
    ("@ jane", "\\@ jane", []),
    ("see you @2pm, room @10", "see you \\@2pm, room \\@10", []),
    ("\\@jane", "\\@jane", []),
    ("`@jane`", "\\@jane", []),
    ("[@jane](https://example.com)", "\\@jane \\(https://example.com\\)", []),
])
def test_mentions(markdown: str, commentary: str, unknown: list[str]) -> None:
    rendered = render(markdown, RenderOptions(mentions=REGISTRY))
    assert rendered.commentary == commentary
    assert [i.message.split("'")[1] for i in rendered.issues] == [f"@{h}" for h in unknown]
    assert all(i.severity == "error" for i in rendered.issues)


def test_unknown_mention_names_the_handle_the_line_and_the_fix() -> None:
    rendered = render("Hello\n\n- one\n- two @bob\n", RenderOptions(mentions=REGISTRY))
    assert [(i.line, i.severity, i.message) for i in rendered.issues] == [(
        4, "error", "unknown mention '@bob': add it under mentions: in the front matter "
        "or [mentions] in publish.toml",
    )]


@pytest.mark.parametrize(("markdown", "line"), [
    ("@bob", 1),
    ("a\nb\nc @bob", 3),
    ("a  \nb\\\n@bob", 3),
    ("# Title\n\n> quote\n> more @bob", 4),
    ("1. x\n\n   y\n   z @bob", 4),
    ("Title\n=====\n\nx\n*y\nz* @bob", 6),
])
def test_issue_lines_count_from_the_body_start(markdown: str, line: int) -> None:
    assert [i.line for i in render(markdown).issues] == [line]


@pytest.mark.parametrize("urn", [
    "urn:li:person:GR_0y0zfGl", "urn:li:person:tcOHKMvv_5", "urn:li:person:a-b_c",
])
def test_member_ids_with_underscores_and_dashes_are_mentions(urn: str) -> None:
    # OpenID `sub` values hold "_" and "-"; the URN in "(...)" is not Text: no escaping.
    rendered = render("Thanks @gr", RenderOptions(mentions={"gr": Mention(urn, "Gina R")}))
    assert rendered.commentary == f"Thanks @[Gina R]({urn})"
    assert rendered.issues == ()


@pytest.mark.parametrize("urn", ["urn:li:person:a)b", "urn:li:organization:acme",
                                 "urn:li:person:a b", "urn:li:group:1"])
def test_bad_mention_urns_are_refused(urn: str) -> None:
    rendered = render("@x", RenderOptions(mentions={"x": Mention(urn, "X")}))
    assert rendered.commentary == "\\@x"
    assert [i.severity for i in rendered.issues] == ["error"]


def test_bad_mention_urn_is_an_error_and_stays_text() -> None:
    options = RenderOptions(mentions={"x": Mention("urn:li:person:a)b", "X")})
    rendered = render("@x", options)
    assert rendered.commentary == "\\@x"
    assert [i.severity for i in rendered.issues] == ["error"]


# ----------------------------------------------------------------------------- hashtags


@pytest.mark.parametrize(("markdown", "commentary"), [
    ("#launch", "#launch"),
    ("go #Launch2026 now", "go #Launch2026 now"),
    ("#été #日本", "#été #日本"),
    ("#1 and #2024", "\\#1 and \\#2024"),
    ("C# and F#", "C\\# and F\\#"),
    ("a ## b", "a \\#\\# b"),
    ("##tag", "\\#\\#tag"),
    ("#tag_with_underscore", "{hashtag|\\#|tag\\_with\\_underscore}"),
    ("#a_b_c2", "{hashtag|\\#|a\\_b\\_c2}"),
    ("(#tag)", "\\(#tag\\)"),
    ("#tag.", "#tag."),
    ("\\#tag", "\\#tag"),
    ("&#35;tag", "\\#tag"),
    ("`#tag`", "\\#tag"),
    ("# Heading #tag", "Heading #tag"),
    ("x#tag", "x\\#tag"),
])
def test_hashtags(markdown: str, commentary: str) -> None:
    assert render(markdown).commentary == commentary


# ----------------------------------------------------------------------------- links and UTM

UTM = RenderOptions(utm={"utm_source": "linkedin", "utm_medium": "social"},
                    utm_domains=["example.com"])


@pytest.mark.parametrize(("markdown", "commentary"), [
    # Whether "#" starts a hashtag depends on what LinkedIn reads before it: here the link's
    # added query, though in the Markdown a ")" and an emphasis stood before it.
    ("https://example.com/a_(b)*#tag*",
     "https://example.com/a\\_\\(b\\)?utm\\_source=linkedin&utm\\_medium=social\\#tag"),
    ("https://example.com/x #tag", "https://example.com/x?utm\\_source=linkedin&utm\\_medium=social #tag"),
])
def test_a_hashtag_after_a_link_is_judged_by_the_rendered_link(markdown: str,
                                                               commentary: str) -> None:
    assert render(markdown, UTM).commentary == commentary


@pytest.mark.parametrize(("url", "linked"), [
    ("https://example.com", "https://example.com?utm_source=linkedin&utm_medium=social"),
    ("https://example.com/a", "https://example.com/a?utm_source=linkedin&utm_medium=social"),
    ("http://blog.example.com/a?x=1#top",
     "http://blog.example.com/a?x=1&utm_source=linkedin&utm_medium=social#top"),
    ("https://EXAMPLE.com/a?utm_source=news",
     "https://EXAMPLE.com/a?utm_source=news&utm_medium=social"),
    ("https://example.com/a?utm_source=x&utm_medium=y", "https://example.com/a?utm_source=x&utm_medium=y"),
    ("https://notexample.com/a", "https://notexample.com/a"),
    ("https://example.com.evil.org/a", "https://example.com.evil.org/a"),
    ("https://other.org/a", "https://other.org/a"),
])
def test_utm_parameters_go_on_configured_domains_only(url: str, linked: str) -> None:
    assert render(f"<{url}>", UTM).links == (linked,)
    assert render(f"see {url} now", UTM).links == (linked,)


@pytest.mark.parametrize(("markdown", "visible"), [
    ("[docs](https://x.org/docs)", "docs (https://x.org/docs)"),
    ("[https://x.org](https://x.org)", "https://x.org"),
    ("<https://x.org/a_b>", "https://x.org/a_b"),
    ("<jane@example.com>", "jane@example.com"),
    ('[docs](https://x.org "The docs")', 'docs (https://x.org "The docs")'),
    ("[docs]()", "docs"),
    ("see https://x.org/a_(b).", "see https://x.org/a_(b)."),
    ("(https://x.org/a)", "(https://x.org/a)"),
    ("https://x.org, then", "https://x.org, then"),
    ("[ü](https://x.org/ü)", "ü (https://x.org/ü)"),
])
def test_links(markdown: str, visible: str) -> None:
    assert render(markdown).visible == visible


def test_links_lists_each_http_url_once_in_order() -> None:
    rendered = render("<https://b.org> [x](https://a.org) https://b.org [m](mailto:a@b.c) [r](/r)")
    assert rendered.links == ("https://b.org", "https://a.org")


@pytest.mark.parametrize(("markdown", "warned"), [
    ("[r](/relative)", True),
    ("[r](ftp://x.org)", True),
    ("[m](mailto:a@b.org)", False),
    ("[w](https://x.org)", False),
])
def test_links_readers_cannot_open_are_warnings(markdown: str, warned: bool) -> None:
    issues = render(markdown).issues
    assert [(i.severity, "not a full http(s) URL" in i.message) for i in issues] == (
        [("warning", True)] if warned else []
    )


def test_body_images_show_their_alt_text_and_warn() -> None:
    rendered = render("Look:\n![The *new* dashboard](media/x.png)")
    assert rendered.visible == "Look:\nThe new dashboard"
    assert [(i.line, i.severity) for i in rendered.issues] == [(2, "warning")]
    assert "images:" in rendered.issues[0].message


# ----------------------------------------------------------------------------- emphasis


@pytest.mark.parametrize(("markdown", "names"), [
    ("**a**", ["MATHEMATICAL SANS-SERIF BOLD SMALL A"]),
    ("**Z9**", ["MATHEMATICAL SANS-SERIF BOLD CAPITAL Z",
                "MATHEMATICAL SANS-SERIF BOLD DIGIT NINE"]),
    ("*a*", ["MATHEMATICAL SANS-SERIF ITALIC SMALL A"]),
    ("*9*", ["DIGIT NINE"]),
    ("***a***", ["MATHEMATICAL SANS-SERIF BOLD ITALIC SMALL A"]),
    ("**é**", ["LATIN SMALL LETTER E WITH ACUTE"]),
    ("~~a~~", ["LATIN SMALL LETTER A", "COMBINING LONG STROKE OVERLAY"]),
])
def test_unicode_emphasis_letters(markdown: str, names: list[str]) -> None:
    visible = render(markdown, RenderOptions(emphasis="unicode")).visible
    assert [unicodedata.name(char) for char in visible] == names


@pytest.mark.parametrize("markdown", ["**#tag**", "*@jane*", "**https://x.org**", "**`code`**"])
def test_unicode_emphasis_never_draws_elements_urls_or_code(markdown: str) -> None:
    options = RenderOptions(emphasis="unicode", mentions=REGISTRY)
    assert render(markdown, options).commentary == render(markdown, RenderOptions(
        mentions=REGISTRY)).commentary


# ----------------------------------------------------------------------------- fold


@pytest.mark.parametrize(("visible", "fold"), [
    ("short", None),
    ("a\nb\nc", None),
    ("a\nb\nc\nd", 5),
    ("a\n\nb\n\nc", 4),
    ("x" * 210, None),
    ("x" * 211, 210),
    ("x" * 208 + "😀", None),
    ("x" * 209 + "😀", 209),
    ("x" * 208 + "👍🏽y", 208),
    ("x" * 205 + "👩‍👩‍👧y", 205),
    ("x" * 209 + "🇩🇪🇫🇷", 209),
    ("x" * 208 + "🇩🇪🇫🇷", 208),
    ("x" * 206 + "🇩🇪🇫🇷", 208),
    ("x" * 209 + "e\u0301" + "y", 209),
    ("a\n" + "x" * 300, 210),
    ("x" * 300 + "\na\nb\nc", 210),
])
def test_fold_index(visible: str, fold: int | None) -> None:
    assert fold_index(visible) == fold


def test_fold_is_reported_on_the_visible_text() -> None:
    rendered = render("@jane one\n\ntwo\n\nthree", RenderOptions(mentions=REGISTRY))
    assert rendered.visible[: rendered.fold] == "Jane Doe one\n\ntwo"


# ----------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(("markdown", "warned"), [
    (">" * 19 + " deep", False),
    (">" * 20 + " deep", True),
    ("- " * 30 + "deep", True),
    ("1. " * 30 + "deep", True),
    ("*" * 3000 + "deep" + "*" * 3000, False),
    ("[" * 3000 + "deep", False),
])
def test_deep_nesting_neither_raises_nor_drops_text(markdown: str, warned: bool) -> None:
    rendered = render(markdown)
    assert "deep" in rendered.visible
    assert any("nested too deep" in i.message for i in rendered.issues) == warned
    assert_wire_sound(rendered)


# ----------------------------------------------------------------------------- footer and input


def test_footer_follows_a_blank_line_and_its_issues_say_footer() -> None:
    options = RenderOptions(footer="Follow @acme — **#news** @nobody")
    rendered = render("Body", options)
    assert rendered.commentary == "Body\n\nFollow \\@acme — #news \\@nobody"
    assert [(i.line, i.message.split(":")[0]) for i in rendered.issues] == [
        (None, "in [render].footer"), (None, "in [render].footer"),
    ]


def test_footer_alone_when_the_body_is_empty() -> None:
    assert render("", RenderOptions(footer="#news")).commentary == "#news"


@pytest.mark.parametrize("markdown", [
    "a\r\nb\r\n\r\nc\r\n", "\ufeffa\nb\n\nc", "a\rb\r\rc", "\n\n a\nb  \n\n\nc \n\n",
])
def test_line_endings_bom_and_outer_whitespace_are_normalized(markdown: str) -> None:
    assert render(markdown).commentary == "a\nb\n\nc"

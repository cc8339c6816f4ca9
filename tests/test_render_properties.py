"""Properties of the renderer over generated Markdown.

The checks use a Little Text tokenizer written here from linkedin-api.md section 5, not
from the renderer: a wire string is well formed when every reserved character is escaped
or opens an element (a mention, a hashtag, a hashtag template), and what a reader sees is
that string with the escapes removed, mentions shown by name and templates as ``#tag``.

"No user text is lost" is stated three ways:

- source letters: for text drawn from letters, digits, spaces, newlines, the 15 reserved
  characters and Markdown punctuation, every letter and digit of the source appears in
  ``visible`` in the same order. A few Markdown constructs legitimately hide or rewrite
  source characters, so the strategy never builds them (the assertion is not weakened):
  entities (``&``: ``&copy;`` shows as one symbol), images (``![``: the file name is not
  text), link reference definitions (``]:``: a definition is invisible), inline links
  (``](``: a destination equal to its label shows once), code fences (their info string
  is markup) and ordered-list numbers (``1.``/``1)``: lists are renumbered from their start).
- the same in unicode mode, after undoing the drawing (NFKC maps the Mathematical
  Sans-Serif letters back to ASCII; the strikethrough stroke is removed).
- reader-visible letters: for any text, every letter and digit that a reader of the
  rendered Markdown sees (the text content of markdown-it's own HTML rendering, tags
  stripped and entities decoded) appears in ``visible`` in the same order.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from publisher.render import Emphasis, Mention, Rendered, RenderOptions, render, utf16_len

PROPERTY = settings(max_examples=300, deadline=None)

# ----------------------------------------------------------------------------- Little Text

LITTLE_RESERVED = "|{}@[]()<>#\\*_~"
_NOT_RESERVED = r"[^|{}@\[\]()<>#\\*_~]"
_ESCAPED = r"\\[|{}@\[\]()<>#\\*_~]"
MENTION_ELEMENT = re.compile(
    rf"@\[(?P<name>(?:{_NOT_RESERVED}|{_ESCAPED})+)\]"
    r"\((?P<urn>urn:li:(?:person|organization):[A-Za-z0-9:._-]+)\)"
)
HASHTAG_ELEMENT = re.compile(r"#(?P<tag>[^\W_]+)")
# The template's value is Text: reserved characters in it are escaped like anywhere else.
HASHTAG_TEMPLATE = re.compile(
    rf"\{{hashtag\|(?:\\#|#|＃)\|(?P<tag>(?:{_NOT_RESERVED}|{_ESCAPED})+)\}}"
)


class LittleTextError(AssertionError):
    """The wire string would be cut short or misread by LinkedIn."""


def little_visible(wire: str) -> str:
    """What LinkedIn shows for `wire`; raises LittleTextError at a stray reserved character."""
    out: list[str] = []
    pos = 0
    while pos < len(wire):
        shown, pos = _little_token(wire, pos, out[-1][-1:] if out else "")
        out.append(shown)
    return "".join(out)


def _little_token(wire: str, pos: int, before: str) -> tuple[str, int]:
    char = wire[pos]
    if char not in LITTLE_RESERVED:
        return char, pos + 1
    if char == "\\":
        if wire[pos + 1 : pos + 2] in tuple(LITTLE_RESERVED):
            return wire[pos + 1], pos + 2
        raise LittleTextError(f"lone backslash at {pos}: {wire[pos : pos + 20]!r}")
    for pattern, show in ((MENTION_ELEMENT, _mention_name), (HASHTAG_TEMPLATE, _hashtag),
                          (HASHTAG_ELEMENT, _hashtag)):
        match = pattern.match(wire, pos)
        if match:
            if pattern is HASHTAG_ELEMENT and not _is_tag(match, before):
                break
            return show(match), match.end()
    raise LittleTextError(f"unescaped {char!r} at {pos}: {wire[max(0, pos - 10) : pos + 20]!r}")


def _is_tag(match: re.Match[str], before: str) -> bool:
    """A hashtag element has a letter and does not hang off a word ("C#" is not one)."""
    has_letter = any(c.isalpha() for c in match.group("tag"))
    return has_letter and not (before.isalnum() or before == "_")


def _mention_name(match: re.Match[str]) -> str:
    return re.sub(r"\\(.)", r"\1", match.group("name"))


def _hashtag(match: re.Match[str]) -> str:
    return "#" + re.sub(r"\\(.)", r"\1", match.group("tag"))


def mention_urns(wire: str) -> list[tuple[str, str]]:
    """(name, urn) of every mention element, names unescaped."""
    return [(_mention_name(m), m.group("urn")) for m in MENTION_ELEMENT.finditer(wire)]


def assert_wire_sound(rendered: Rendered) -> None:
    """The invariants every rendering keeps, whatever its input."""
    assert little_visible(rendered.commentary) == rendered.visible
    assert rendered.length == len(rendered.commentary.encode("utf-16-le")) // 2
    assert rendered.visible_length == len(rendered.visible.encode("utf-16-le")) // 2
    assert not rendered.commentary.endswith(("\n", " "))
    assert rendered.commentary == rendered.commentary.strip("\n")
    assert_fold_sound(rendered.visible, rendered.fold)


def assert_fold_sound(visible: str, fold: int | None) -> None:
    if fold is None:
        assert visible.count("\n") < 3 and utf16_len(visible) <= 210
        return
    assert 0 < fold < len(visible)
    assert visible[:fold].count("\n") < 3
    assert utf16_len(visible[:fold]) <= 210
    assert "\u200d" not in (visible[fold], visible[fold - 1])


# ----------------------------------------------------------------------------- text oracles


def alnum(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def undrawn(text: str) -> str:
    """Text with unicode-mode emphasis undone: styled letters mapped back, strokes removed."""
    return unicodedata.normalize("NFKC", text).replace("\u0336", "")


def is_subsequence(needle: str, haystack: str) -> bool:
    chars = iter(haystack)
    return all(char in chars for char in needle)


class _TextContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_HTML = MarkdownIt("commonmark").enable("strikethrough")


def reader_text(markdown: str) -> str:
    """What a reader of the rendered Markdown sees: the HTML's text content."""
    parser = _TextContent()
    parser.feed(_HTML.render(markdown))
    parser.close()
    return "".join(parser.parts)


# ----------------------------------------------------------------------------- strategies

LETTERS = "abcXYZéßЖ日"
MARKDOWN = "`-+.!:=\"'&;/"
ANY_TEXT = st.text(
    alphabet=st.sampled_from(list(LETTERS + "0123456789 \n\r\t" + LITTLE_RESERVED + MARKDOWN)),
    max_size=80,
)
TRICKY = st.text(max_size=40)  # all of Unicode: controls, surrogates excluded by Python

# Constructs that hide or rewrite source characters; see the module docstring.
HIDING = re.compile(r"&|!\[|\]:|\]\(|```|~~~|\d[.)]")
SAFE_TEXT = ANY_TEXT.filter(lambda text: not HIDING.search(text))

REGISTRY = {
    "jane": Mention("urn:li:person:abc123", "Jane Doe"),
    "acme": Mention("urn:li:organization:42", "Acme (Europe) Ltd_"),
}
FRAGMENTS = st.sampled_from([
    "@jane", "@acme", "@bob", "a@b.com", "(@jane)", "@jane.", "@jane,", "@", "#tag", "#1",
    "C#", "##", "#tag_x", "#été", "*", "**", "_", "~~", "[", "]", "(", ")", "<b>", " ",
    "\n", "\n\n", "- ", "1. ", "> ", "# ", "`", "\\", "|", "{", "}", "https://example.com/a_(b)",
    "<https://example.com>", "[x](https://example.com/y)", "😀", "👩‍👩‍👧", "🇩🇪",
])
POSTS = st.lists(FRAGMENTS, max_size=30).map("".join)
EMPHASES: list[Emphasis] = ["plain", "unicode"]


# ----------------------------------------------------------------------------- properties


@PROPERTY
@given(ANY_TEXT)
def test_any_markdown_renders_to_well_formed_little_text(text: str) -> None:
    assert_wire_sound(render(text))


@PROPERTY
@given(TRICKY, st.sampled_from(EMPHASES))
def test_any_unicode_renders_to_well_formed_little_text(text: str, emphasis: Emphasis) -> None:
    assert_wire_sound(render(text, RenderOptions(emphasis=emphasis)))


@PROPERTY
@given(POSTS, st.sampled_from(EMPHASES))
def test_mentions_and_hashtags_are_the_only_elements(text: str, emphasis: Emphasis) -> None:
    options = RenderOptions(
        mentions=REGISTRY, emphasis=emphasis,
        footer="#news @acme", utm={"utm_source": "linkedin"}, utm_domains=["example.com"],
    )
    rendered = render(text, options)
    assert_wire_sound(rendered)
    known = {(m.name, m.urn) for m in REGISTRY.values()}
    assert set(mention_urns(rendered.commentary)) <= known
    if any(i.message.startswith("unknown mention '@bob'") for i in rendered.issues):
        assert "@bob" in undrawn(rendered.visible)  # kept as text, never silently dropped


@PROPERTY
@given(SAFE_TEXT)
def test_every_source_letter_and_digit_is_visible_in_order(text: str) -> None:
    rendered = render(text)
    assert is_subsequence(alnum(text), alnum(rendered.visible)), rendered.visible


@PROPERTY
@given(SAFE_TEXT)
def test_unicode_emphasis_keeps_every_letter_under_compatibility_mapping(text: str) -> None:
    rendered = render(text, RenderOptions(emphasis="unicode"))
    source = alnum(unicodedata.normalize("NFKC", text))
    assert is_subsequence(source, alnum(undrawn(rendered.visible))), rendered.visible


@PROPERTY
@given(ANY_TEXT)
def test_every_letter_a_markdown_reader_sees_is_visible_in_order(text: str) -> None:
    rendered = render(text)
    assert is_subsequence(alnum(reader_text(text)), alnum(rendered.visible)), rendered.visible



@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60),
       st.integers(min_value=0, max_value=70))
def test_utf16_counts_are_those_of_the_definition(text: str, units: int) -> None:
    from publisher.render import _utf16_prefix, utf16_len

    def units_of(char: str) -> int:
        return 2 if ord(char) > 0xFFFF else 1

    assert utf16_len(text) == sum(units_of(c) for c in text)
    prefix = _utf16_prefix(text, units)
    assert sum(units_of(c) for c in text[:prefix]) <= units
    assert prefix == len(text) or sum(units_of(c) for c in text[:prefix + 1]) > units

"""Little Text back to Markdown: the inverse of the renderer on everything it produces.

The oracle is the renderer itself: Markdown is rendered, the wire string converted back,
and the result rendered again must give the same wire string, byte for byte, in both
emphasis modes, with mentions, hashtags, links with UTM parameters and a footer-free
configuration. For text LinkedIn wrote itself (no escapes, a bare reserved character)
the promise is weaker and stated as such: a reader sees the same text.

One construct of the renderer's has no inverse and is left out of the generated Markdown
(``GLUED``): a mention written right behind a web address that gets UTM parameters, with
no space between. The renderer decides the mention by the address's last character as
written; the wire string shows the parameters there, so the mention comes back as the
name a reader sees. Control characters other than tab and newline are left out too: a
line made of one (U+000B, U+000C) is blank to Markdown and has no entity that stands for it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.render import Mention, RenderOptions, render
from publisher.unrender import unrender
from tests.test_render_properties import ANY_TEXT, EMPHASES, POSTS, REGISTRY, TRICKY

GLUED = re.compile(r"(?i:https?)://[^\s<>]*[>)*_~]*@")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PROPERTY = settings(max_examples=int(__import__("os").environ.get("UNRENDER_EXAMPLES", "400")), deadline=None)
UTM = {"utm_source": "linkedin", "utm_medium": "social"}


def options(emphasis: str = "plain", mentions: dict[str, Mention] | None = None) -> RenderOptions:
    return RenderOptions(mentions=mentions if mentions is not None else REGISTRY,
                         emphasis=emphasis,  # type: ignore[arg-type]
                         utm=UTM, utm_domains=("example.com",))


def round_trip(markdown: str, emphasis: str = "plain") -> tuple[str, str, str]:
    first = render(markdown, options(emphasis)).commentary
    back = unrender(first, options(emphasis))
    again = render(back.markdown, options(emphasis, REGISTRY | back.mentions)).commentary
    return first, back.markdown, again


@PROPERTY
@given(st.one_of(POSTS, ANY_TEXT, TRICKY).filter(lambda text: not GLUED.search(text) and not CONTROL.search(text)),
       st.sampled_from(EMPHASES))
def test_render_unrender_render_gives_the_same_wire(markdown: str, emphasis: str) -> None:
    first, back, again = round_trip(markdown, emphasis)
    assert again == first, back


@PROPERTY
@given(st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", "    ", "-", "1.", "2)", "=", "`",
                                 "&amp;", "&#32;", "a", " ", "@jane", "#tag", "x_y", "•"]),
                max_size=25).map("".join))
def test_structure_markdown_would_read_is_kept_literal(markdown: str) -> None:
    first, back, again = round_trip(markdown)
    assert again == first, back


def test_mentions_keep_registry_handles_and_get_new_unique_ones() -> None:
    wire = ("Thanks @[Jane Doe](urn:li:person:abc123), @[Jane Doe](urn:li:person:zzz9) "
            "and @[Bob \\(Ops\\)](urn:li:person:b0b) @[Bob \\(Ops\\)](urn:li:person:b0b)")
    back = unrender(wire, options())
    assert back.markdown == "Thanks @jane, @jane-doe and @bob-ops @bob-ops"
    assert back.mentions == {"jane-doe": Mention("urn:li:person:zzz9", "Jane Doe"),
                             "bob-ops": Mention("urn:li:person:b0b", "Bob (Ops)")}
    again = render(back.markdown, options(mentions=REGISTRY | back.mentions))
    assert again.commentary == wire


def test_a_taken_handle_gets_a_number() -> None:
    registry = {"jane-doe": Mention("urn:li:person:other", "Someone Else")}
    back = unrender("@[Jane Doe](urn:li:person:abc123)", options(mentions=registry))
    assert back.markdown == "@jane-doe-2"
    assert back.mentions == {"jane-doe-2": Mention("urn:li:person:abc123", "Jane Doe")}


@pytest.mark.parametrize(("wire", "markdown"), [
    ("\\#1 in sales \\(again\\)", "\\#1 in sales \\(again\\)"),
    ("#launch {hashtag|\\#|dev\\_ops}", "#launch #dev_ops"),
    ("• faster sync\n• zero double posts", "• faster sync\n• zero double posts"),
    ("1. first\n2. second", "1\\. first\n2\\. second"),
    ("- not a list\n+ nor this\n=== nor a heading", "\\- not a list\n\\+ nor this\n\\=== nor a heading"),
    ("  indented\n\n\n\nthree blank lines", "&#32; indented\n&#32;\n&#32;\n&#32;\nthree blank lines"),
    ("R&D costs &amp; more `code`", "R&D costs \\&amp; more \\`code\\`"),
    ("Read https://example.com/a\\_b?utm\\_source=linkedin&utm\\_medium=social now",
     "Read https://example.com/a_b?utm_source=linkedin&utm_medium=social now"),
])
def test_each_construct_comes_back_as_readable_markdown(wire: str, markdown: str) -> None:
    back = unrender(wire, options())
    assert back.markdown == markdown
    assert render(back.markdown, options()).commentary == wire


@pytest.mark.parametrize(("wire", "visible"), [
    # LinkedIn's own editor: reserved characters a reader typed, not escaped.
    ("Q3 (record) #growth!", "Q3 (record) #growth!"),
    ("a_b *c* ~d~ <e> [f] {g} | h \\ i", "a_b *c* ~d~ <e> [f] {g} | h \\ i"),
    ("trailing spaces   \nnext", "trailing spaces\nnext"),
    ("x@[Jane Doe](urn:li:person:abc123)", "xJane Doe"),
    ("C#sharp and #2024", "C#sharp and #2024"),
    # Hashtags as LinkedIn returns them: always the template.
    ("{hashtag|\\#|launch} and {hashtag|\\#|dev\\_ops}", "#launch and #dev_ops"),
])
def test_text_linkedin_wrote_reads_the_same(wire: str, visible: str) -> None:
    back = unrender(wire, options())
    assert render(back.markdown, options(mentions=REGISTRY | back.mentions)).visible == visible

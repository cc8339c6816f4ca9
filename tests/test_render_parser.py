"""The renderer's markdown-it is the stock CommonMark parser (with strikethrough, without
text_join), made faster: it gives the same tokens for every input.

Its text rule stops only at the characters that start an enabled inline rule or end a
link label (publisher.render_walk); these tests compare its tokens with the stock
parser's over the whole CommonMark spec, the golden cases and generated text.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from publisher.render_walk import _INLINE_STARTS, _PARSER
from tests.test_render import CASES, GOLDEN, read_exact
from tests.test_render_commonmark import EXAMPLES
from tests.test_render_properties import FRAGMENTS

STOCK = MarkdownIt("commonmark").enable("strikethrough").disable("text_join")


def tokens(parser: MarkdownIt, markdown: str) -> list[dict[str, object]]:
    return [token.as_dict() for token in parser.parse(markdown)]


def test_every_enabled_inline_rule_has_its_start_characters() -> None:
    # A rule enabled later (linkify, say) must add the characters it starts at.
    assert _PARSER.inline.ruler.get_active_rules() == ["text", *_INLINE_STARTS]
    assert _PARSER.block.ruler.get_active_rules() == STOCK.block.ruler.get_active_rules()
    assert _PARSER.core.ruler.get_active_rules() == STOCK.core.ruler.get_active_rules()


def test_the_spec_examples_parse_as_the_stock_parser_parses_them() -> None:
    for example in EXAMPLES:
        markdown = example["markdown"]
        assert tokens(_PARSER, markdown) == tokens(STOCK, markdown), example["example"]


@pytest.mark.parametrize("name", CASES)
def test_the_golden_cases_parse_as_the_stock_parser_parses_them(name: str) -> None:
    markdown = read_exact(GOLDEN / f"{name}.md")
    assert tokens(_PARSER, markdown) == tokens(STOCK, markdown)


# Every ASCII punctuation character (each starts or ends something in some Markdown
# dialect), letters, spaces and line breaks, and a few characters beyond ASCII.
PUNCTUATED = st.text(
    alphabet=st.sampled_from(list(string.punctuation + "ab1 \n\t\r" + "é日😀\u00a0")),
    max_size=120,
)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(PUNCTUATED, st.lists(FRAGMENTS, max_size=30).map("".join)))
def test_generated_markdown_parses_as_the_stock_parser_parses_it(markdown: str) -> None:
    assert tokens(_PARSER, markdown) == tokens(STOCK, markdown)

"""Markdown body -> LinkedIn ``commentary`` in Little Text Format. Pure: values in, values out.

LinkedIn parses ``commentary`` as Little Text: 15 characters are reserved and an unescaped
one that does not start a valid element silently cuts the published post short (see
linkedin-api.md section 5). So the renderer escapes every reserved character of the text,
and the only unescaped reserved characters in the output belong to elements it makes:

- mentions ``@[Exact Name](urn:li:person:...)`` from the mention registry;
- hashtags ``#word`` (letters and digits), or the template
  ``{hashtag|\\#|word\\_with\\_underscore}`` when the tag holds an underscore: ``_`` is
  reserved, so the plain element would end at it and only part of the tag would be
  clickable, while the template carries the whole tag.
  The template's value is ``Text`` in LinkedIn's grammar, where every reserved character is
  escaped like anywhere else: a bare ``_`` there cuts the post at the ``{``.

Markdown structure becomes plain text LinkedIn shows well: blank-line separated
paragraphs, ``•`` / ``1.`` list lines, ``text (url)`` links, headings on their own line,
emphasis dropped or drawn with Unicode letters. Nothing the author wrote is dropped: raw
HTML, code and unknown syntax all stay as literal text.

The walk goes over markdown-it-py's token stream. Blocks render to lines of ``_Piece``;
each piece carries its wire form (escaped) and what a reader sees, so ``commentary`` and
``visible`` are built side by side and always agree. The parser is markdown-it's
CommonMark one, configured once, whose text rule stops only where an enabled rule can
start: the same tokens as the stock parser (tests/test_render_parser.py), a fifth faster.
"""


from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from publisher.render_options import (
    FOLD_LINES,
    FOLD_UNITS,
    LIMIT,
    RESERVED,
    Emphasis,
    Mention,
    RenderIssue,
    RenderOptions,
    Severity,
    escape_little,
    utf16_len,
)
from publisher.render_walk import _Renderer, _seen

__all__ = [
    "FOLD_LINES", "FOLD_UNITS", "LIMIT", "RESERVED", "Emphasis", "Mention", "RenderIssue",
    "RenderOptions", "Rendered", "Severity", "escape_little", "fold_index", "render",
    "utf16_len",
]


@dataclass(frozen=True)
class Rendered:
    commentary: str  # the wire string sent to LinkedIn
    visible: str  # what a reader sees: escapes removed, mentions shown as their names
    length: int  # UTF-16 code units of commentary
    visible_length: int  # UTF-16 code units of visible
    fold: int | None  # index into visible where "...see more" cuts; None when all shows
    issues: tuple[RenderIssue, ...]
    links: tuple[str, ...]  # http(s) URLs in the output, after UTM


_NO_OPTIONS = RenderOptions()


def render(markdown: str, options: RenderOptions = _NO_OPTIONS) -> Rendered:
    """The exact commentary for a Markdown body, what readers see, and every problem found."""
    issues: list[RenderIssue] = []
    links: list[str] = []
    lines = _Renderer(options, issues, links, in_footer=False).document(markdown)
    if options.footer.strip():
        footer = _Renderer(options, issues, links, in_footer=True).document(options.footer)
        lines += [[], *footer] if lines and footer else footer
    commentary = "\n".join(["".join([piece.wire for piece in line]) for line in lines])
    visible = _seen(lines)
    issues.extend(_text_issues(commentary))
    return Rendered(
        commentary=commentary,
        visible=visible,
        length=utf16_len(commentary),
        visible_length=utf16_len(visible),
        fold=fold_index(visible),
        issues=tuple(issues),
        links=tuple(dict.fromkeys(links)),
    )


def _text_issues(commentary: str) -> list[RenderIssue]:
    length = utf16_len(commentary)
    if length > LIMIT:
        return [RenderIssue(None, "error", (
            f"commentary is {length} characters of LinkedIn's {LIMIT} (counted after "
            f"escaping); shorten by {length - LIMIT}"
        ))]
    if not commentary.strip():
        # The message prefix is what callers match on to tell this warning apart.
        return [RenderIssue(None, "warning", "the text is empty: LinkedIn would show no words")]
    return []


# ----------------------------------------------------------------------------- the fold


def fold_index(visible: str) -> int | None:
    """Where LinkedIn's "...see more" cuts `visible`: after 3 lines or about 210 characters."""
    cut = _utf16_prefix(visible, FOLD_UNITS)
    newline = _nth_newline(visible, FOLD_LINES)
    fold = cut if newline is None else min(cut, newline)
    if fold >= len(visible):
        return None
    return _grapheme_start(visible, fold)


def _utf16_prefix(text: str, units: int) -> int:
    """The longest prefix of `text` (as a str index) that fits in `units` UTF-16 code units."""
    if utf16_len(text[:units]) == min(units, len(text)):    # no astral character before it
        return min(units, len(text))
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return index
    return len(text)


def _nth_newline(text: str, count: int) -> int | None:
    index = -1
    for _ in range(count):
        index = text.find("\n", index + 1)
        if index < 0:
            return None
    return index


_ZWJ = "\u200d"


def _continues_grapheme(text: str, index: int) -> bool:
    """True when text[index] belongs to the grapheme that starts before it."""
    char = text[index]
    return (
        char == _ZWJ
        or text[index - 1] == _ZWJ
        or unicodedata.category(char) in ("Mn", "Mc", "Me")  # combining marks
        or 0xFE00 <= ord(char) <= 0xFE0F  # variation selectors (emoji presentation)
        or 0x1F3FB <= ord(char) <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= ord(char) <= 0xE007F  # tag characters (subdivision flags)
    )


def _grapheme_start(text: str, index: int) -> int:
    """Move a cut back so it does not split an emoji sequence, a flag or an accented letter."""
    while index > 0 and _continues_grapheme(text, index):
        index -= 1
    indicators = 0
    while index - indicators > 0 and _is_regional_indicator(text[index - indicators - 1]):
        indicators += 1
    if indicators % 2 and index < len(text) and _is_regional_indicator(text[index]):
        index -= 1  # a flag is a pair of regional indicators: keep the pair together
    return index


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF

"""A parser of LinkedIn's little text format: what the feed shows for a commentary.

linkedin-api.md section 5. Fifteen characters are reserved and must be escaped with a
backslash unless they start a valid element (a mention ``@[Name](urn:li:person:x)``, a hashtag
``#word`` or a hashtag template ``{hashtag|\\#|word}``). LinkedIn accepts a commentary with an
unescaped reserved character but shows the text cut at that character, silently; ``parse``
reports where that cut happens so the sandbox can do the same.

Whether a mention shows as a link depends on the name of the mentioned entity, which this
module does not know: it returns ``Mention`` segments and the caller decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RESERVED = frozenset("|{}@[]()<>#\\*_~")

_NAME_CHAR = r"(?:\\[|{}@\[\]()<>#\\*_~]|[^|{}@\[\]()<>#\\*_~])"
_MENTION = re.compile(
    rf"@\[(?P<name>{_NAME_CHAR}+)\]\((?P<urn>urn:li:(?:person|organization):[A-Za-z0-9_-]+)\)")
# A hashtag word: letters and digits only, since "_" is itself reserved.
_WORD = r"[^\W_]+"
_HASHTAG = re.compile(rf"#(?P<tag>{_WORD})")
# The grammar: HashtagTemplate ::= '{hashtag|' ( # | ＃ ) '|' Text '}', and Text is any run of
# unreserved characters and escaped reserved ones; a bare reserved character ends it.
_TEMPLATE = re.compile(rf"\{{hashtag\|(?:\\#|#|＃)\|(?P<tag>{_NAME_CHAR}+)\}}")
_ESCAPED = re.compile(r"\\([|{}@\[\]()<>#\\*_~])")


@dataclass(frozen=True)
class Text:
    value: str          # as shown: escapes removed
    raw: str            # as written in the commentary


@dataclass(frozen=True)
class Mention:
    name: str           # the bracketed fallback text, unescaped
    urn: str
    raw: str


@dataclass(frozen=True)
class Hashtag:
    tag: str
    raw: str


Segment = Text | Mention | Hashtag


@dataclass(frozen=True)
class Parsed:
    """A commentary split into elements, up to the first character LinkedIn cuts at."""

    commentary: str
    segments: tuple[Segment, ...]
    cut_at: int | None              # index of the offending character, None when none

    @property
    def cut_char(self) -> str | None:
        return None if self.cut_at is None else self.commentary[self.cut_at]

    def shown(self) -> str:
        """The plain text a reader sees (mentions by name, hashtags with '#')."""
        return "".join(_shown(segment) for segment in self.segments)

    def read_form(self, *, with_cut_tail: bool = True) -> str:
        """The commentary as the API returns it: hashtags in template form, rest as written.

        Without the cut tail it is the part a reader sees, still in little text.
        """
        parts = [f"{{hashtag|\\#|{escape(s.tag)}}}" if isinstance(s, Hashtag) else s.raw
                 for s in self.segments]
        if self.cut_at is not None and with_cut_tail:
            parts.append(self.commentary[self.cut_at:])
        return "".join(parts)


def _shown(segment: Segment) -> str:
    if isinstance(segment, Text):
        return segment.value
    if isinstance(segment, Mention):
        return segment.name
    return f"#{segment.tag}"


def unescape(raw: str) -> str:
    return _ESCAPED.sub(r"\1", raw)


def escape(text: str) -> str:
    return "".join("\\" + char if char in RESERVED else char for char in text)


def parse(commentary: str) -> Parsed:
    segments: list[Segment] = []
    text_start = 0
    position = 0
    end = len(commentary)

    def flush_text(upto: int) -> None:
        if upto > text_start:
            raw = commentary[text_start:upto]
            segments.append(Text(unescape(raw), raw))

    while position < end:
        char = commentary[position]
        if char not in RESERVED:
            position += 1
            continue
        if char == "\\":
            if position + 1 < end and commentary[position + 1] in RESERVED:
                position += 2
                continue
            flush_text(position)
            return Parsed(commentary, tuple(segments), position)
        element = _element_at(commentary, position)
        flush_text(position)
        if element is None:
            return Parsed(commentary, tuple(segments), position)
        segments.append(element)
        position += len(element.raw)
        text_start = position
    flush_text(end)
    return Parsed(commentary, tuple(segments), None)


def _element_at(commentary: str, position: int) -> Mention | Hashtag | None:
    char = commentary[position]
    if char == "@":
        mention = _MENTION.match(commentary, position)
        if mention:
            return Mention(unescape(mention["name"]), mention["urn"], mention.group(0))
    elif char == "#":
        hashtag = _HASHTAG.match(commentary, position)
        if hashtag:
            return Hashtag(hashtag["tag"], hashtag.group(0))
    elif char == "{":
        template = _TEMPLATE.match(commentary, position)
        if template:
            return Hashtag(unescape(template["tag"]), template.group(0))
    return None


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit the sandbox counts the 3000 limit in."""
    return len(text.encode("utf-16-le")) // 2

"""What the renderer is given and what it reports: options, mentions, issues, LinkedIn's limits.

Shared by ``publisher.render`` (the entry point) and ``publisher.render_walk`` (the walk
over markdown-it's tokens), so that neither imports the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

LIMIT = 3000
RESERVED = "|{}@[]()<>#\\*_~"

FOLD_UNITS = 210  # LinkedIn's web client counts JavaScript string length: UTF-16 units
FOLD_LINES = 3

Severity = Literal["error", "warning"]
Emphasis = Literal["plain", "unicode"]


@dataclass(frozen=True)
class Mention:
    urn: str  # urn:li:person:... or urn:li:organization:...
    name: str  # exact name LinkedIn knows the entity by


@dataclass(frozen=True)
class RenderOptions:
    mentions: Mapping[str, Mention] = field(default_factory=dict)  # handle -> Mention
    emphasis: Emphasis = "plain"
    footer: str = ""  # Markdown, appended after a blank line when non-empty
    utm: Mapping[str, str] = field(default_factory=dict)  # query params added to links
    utm_domains: Sequence[str] = ()  # domains (and their subdomains) that get utm params


@dataclass(frozen=True)
class RenderIssue:
    line: int | None  # 1-based line within the Markdown body, when known
    severity: Severity
    message: str  # what was found and how to fix it


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: characters outside the BMP (most emoji) count 2.

    Counted by the codec, not by a loop over characters: this runs three times per post
    and was most of a cold plan's time. A lone surrogate counts one unit, as before.
    """
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# The backslash first: the backslashes put before the others are not escaped again.
_ESCAPE_ORDER = "\\" + RESERVED.replace("\\", "")


def escape_little(text: str) -> str:
    """Backslash-escape all 15 reserved characters so LinkedIn shows them as text.

    One `in` test per character, and a replace for those present: several times faster
    than str.translate with a table, which looks up every character of the text (this
    runs on every run of text of every post).
    """
    for char in _ESCAPE_ORDER:
        if char in text:
            text = text.replace(char, "\\" + char)
    return text

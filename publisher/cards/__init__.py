"""Feed cards: the view of one post as a LinkedIn feed item, and the templates that draw it.

One template set draws every card: the sandbox's feed page (from what the sandbox stored)
and ``publish preview`` (from the post files, before anything is sent). Both fill a
``Card`` and render ``card.html.j2`` (in ``templates/`` here, with ``base.html.j2``, the
page both wrap their cards in); this package belongs to neither and imports nothing of
``publisher`` but ``littletext``, so the emulator stays independent of the product.

The text of a card is the commentary as little text shows it (``littletext.parse``): text,
mentions and hashtags, up to the character where LinkedIn would cut a post short. The card
splits it at the fold, where the feed shows "...see more".

A video's captions come as SubRip (what LinkedIn takes) and play as WebVTT (what a browser's
``<track>`` reads): ``srt_to_vtt`` converts them for both pages.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from publisher import littletext

TEMPLATES = Path(__file__).parent / "templates"
LIMIT = 3000
FOLD_UNITS = 210  # the feed counts JavaScript string length, i.e. UTF-16 code units
FOLD_LINES = 3
IMAGE_TILES = 5  # LinkedIn lays out at most 5 images; the last tile says how many more


@dataclass(frozen=True)
class Piece:
    kind: str  # "text", "mention" or "hashtag"
    text: str
    href: str = ""


@dataclass(frozen=True)
class Image:
    src: str  # a relative path, or a data: URI; "" draws a placeholder
    alt: str | None  # None: the author gave none, and the card shows a warning badge
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Attachment:
    """A document, video, article (link card) or poll under the text."""

    kind: str
    title: str
    detail: str = ""  # "PDF · 3 pages", the article's domain, the poll's options
    href: str = ""  # the file (document, video) or the article's URL
    description: str = ""
    thumbnail: Image | None = None  # an article's image; a video's poster
    captions: str = ""  # a video's WebVTT captions track (a path or a data: URI); "" for none


@dataclass
class Card:
    id: str
    author_name: str
    author_kind: str  # "person" or "page"
    when: str  # absolute time, as a reader would read it
    when_iso: str  # for <time datetime>
    when_relative: str = ""
    visibility: str = "PUBLIC"
    edited: bool = False
    hook: list[Piece] = field(default_factory=list)  # what shows above "...see more"
    more: list[Piece] = field(default_factory=list)  # behind it; empty when all shows
    images: list[Image] = field(default_factory=list)
    attachment: Attachment | None = None
    length: int | None = None  # UTF-16 units of the commentary; None hides the counter
    notes: list[str] = field(default_factory=list)  # warnings shown on the card
    errors: list[str] = field(default_factory=list)  # what stops the post, shown above notes
    comment: str = ""  # the author's first comment
    href: str = ""  # a page with more about this post

    @property
    def over_limit(self) -> bool:
        return self.length is not None and self.length > LIMIT

    @property
    def limit(self) -> int:
        return LIMIT

    @property
    def tiles(self) -> list[Image]:
        return self.images[:IMAGE_TILES]

    @property
    def hidden_images(self) -> int:
        return max(0, len(self.images) - IMAGE_TILES)

    @property
    def layout(self) -> str:
        """The CSS class of LinkedIn's grid for this many images: n1 to n4, or n5."""
        return f"n{min(len(self.images), IMAGE_TILES)}"

    @property
    def missing_alt(self) -> int:
        return sum(1 for image in self.images if not image.alt)


def environment(*first: Path) -> Environment:
    """The card templates, with folders in `first` searched before them (for page layouts)."""
    return Environment(
        loader=FileSystemLoader([*first, TEMPLATES]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


MentionHref = Callable[[littletext.Mention], str | None]


@dataclass(frozen=True)
class Text:
    """A commentary as a reader sees it: pieces, the plain text, and any cut."""

    pieces: tuple[Piece, ...]
    shown: str
    cut_at: int | None
    cut_char: str | None


def read_commentary(commentary: str, mention_href: MentionHref) -> Text:
    """Split a commentary into pieces; a mention is a link only when `mention_href` says so."""
    parsed = littletext.parse(commentary)
    pieces = tuple(_piece(segment, mention_href) for segment in parsed.segments)
    return Text(pieces, "".join(p.text for p in pieces), parsed.cut_at, parsed.cut_char)


def _piece(segment: littletext.Segment, mention_href: MentionHref) -> Piece:
    if isinstance(segment, littletext.Hashtag):
        return Piece("hashtag", f"#{segment.tag}", hashtag_href(segment.tag))
    if isinstance(segment, littletext.Mention):
        href = mention_href(segment)
        return Piece("mention", segment.name, href) if href else Piece("text", segment.name)
    return Piece("text", segment.value)


def hashtag_href(tag: str) -> str:
    return f"https://www.linkedin.com/feed/hashtag/{tag.lower()}"


def entity_href(urn: str) -> str:
    """The profile or page URL of a person or organization URN."""
    kind, entity_id = [*urn.split(":"), "", "", "", ""][2:4]
    return f"https://www.linkedin.com/{'company' if kind == 'organization' else 'in'}/{entity_id}"


def split_at(pieces: Sequence[Piece], index: int | None) -> tuple[list[Piece], list[Piece]]:
    """The pieces before and after character `index` of their joined text (None: no split)."""
    if index is None:
        return list(pieces), []
    before: list[Piece] = []
    after: list[Piece] = []
    position = 0
    for piece in pieces:
        end = position + len(piece.text)
        if end <= index:
            before.append(piece)
        elif position >= index:
            after.append(piece)
        else:  # the fold falls inside this piece: each side keeps its kind and link
            cut = index - position
            before.append(Piece(piece.kind, piece.text[:cut], piece.href))
            after.append(Piece(piece.kind, piece.text[cut:], piece.href))
        position = end
    return before, after


def feed_fold(shown: str) -> int | None:
    """Where the feed's "...see more" falls: after 3 lines or 210 UTF-16 units, if sooner."""
    used = 0
    lines = 1
    for index, char in enumerate(shown):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > FOLD_UNITS:
            return index
        if char == "\n":
            if lines == FOLD_LINES:
                return index
            lines += 1
    return None


def cut_note(text: Text, commentary: str) -> str:
    """The warning for a commentary LinkedIn shows cut short, or "" when it shows whole."""
    if text.cut_at is None:
        return ""
    hidden = len(commentary) - text.cut_at
    return (f"LinkedIn cuts this text at character {text.cut_at} (an unescaped "
            f"{text.cut_char!r}): the last {hidden} characters are not shown.")


def domain(url: str) -> str:
    """The host a link card shows under its title."""
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.")


def utf16_length(text: str) -> int:
    return littletext.utf16_length(text)


_SRT_TIMING = re.compile(
    r"\s*([0-9]+):([0-9]{2}):([0-9]{2})[,.]([0-9]{3})\s*-->\s*"
    r"([0-9]+):([0-9]{2}):([0-9]{2})[,.]([0-9]{3})")
_NOT_A_TAG = re.compile(r"<(?!/?[A-Za-z][^<>]*>)")


def srt_to_vtt(text: str) -> str:
    """SubRip captions as WebVTT: the header, dots before the milliseconds, and the text
    escaped where WebVTT reads it differently. Cue numbers stay, as cue identifiers."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line)
        elif block:
            cues.append(_vtt_cue(block))
            block = []
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n" if cues else "WEBVTT\n"


def _vtt_cue(block: list[str]) -> str:
    timing = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
    if timing is None:  # not a cue: escaped, WebVTT skips it as SubRip players do
        return "\n".join(_vtt_text(line) for line in block)
    head = [line.strip() for line in block[:timing]]
    text = [_vtt_text(line) for line in block[timing + 1:]]
    return "\n".join([*head, _vtt_timing(block[timing]), *text])


def _vtt_timing(line: str) -> str:
    """`00:00:01,000 --> 00:00:02,500` as `00:00:01.000 --> 00:00:02.500`. SubRip's position
    settings (X1:... Y2:...) are dropped: WebVTT has settings of its own under other names."""
    match = _SRT_TIMING.match(line)
    if match is None:
        return line.strip().replace(",", ".")
    h1, m1, s1, ms1, h2, m2, s2, ms2 = match.groups()
    return f"{int(h1):02d}:{m1}:{s1}.{ms1} --> {int(h2):02d}:{m2}:{s2}.{ms2}"


def _vtt_text(line: str) -> str:
    """SubRip text shows `&` and a `<` that starts no tag as they are; WebVTT reads them as
    the start of an escape or a tag, and "-->" as the start of a cue."""
    line = _NOT_A_TAG.sub("&lt;", line.replace("&", "&amp;"))
    return line.replace("-->", "--&gt;")


def vtt_data_uri(vtt: str) -> str:
    """A WebVTT track as a data: URI, for a page that must stand on its own."""
    return "data:text/vtt;charset=utf-8;base64," + base64.b64encode(vtt.encode()).decode("ascii")

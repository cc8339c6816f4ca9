"""HTML pages: the feed as LinkedIn would show the posts, and the OAuth consent page.

The feed shows what a reader sees, not what was sent: text cut where little text cuts it,
mentions as links only when the name matches the entity, hashtags as links, media as
placeholders. Jinja's autoescaping escapes every piece of text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from publisher.sandbox import littletext
from publisher.sandbox.backend import iso

if TYPE_CHECKING:
    from publisher.sandbox.backend import Backend, Member, Post

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


@dataclass(frozen=True)
class Piece:
    kind: str           # "text", "mention" or "hashtag"
    text: str
    href: str = ""


@dataclass
class FeedPost:
    urn: str
    author_name: str
    created: str
    visibility: str
    edited: bool
    pieces: list[Piece] = field(default_factory=list)
    media: list[Piece] = field(default_factory=list)
    cut_note: str = ""


def render_feed(backend: Backend) -> str:
    live = [p for p in backend.posts.values() if not p.deleted]
    live.sort(key=lambda p: p.created_ms, reverse=True)
    return _TEMPLATES.get_template("feed.html.j2").render(
        posts=[feed_post(backend, post) for post in live])


def feed_post(backend: Backend, post: Post) -> FeedPost:
    parsed = littletext.parse(post.commentary)
    shown = FeedPost(post.urn, backend.display_name(post.author), iso(post.created_ms / 1000),
                     post.visibility, post.edited)
    shown.pieces = [_piece(backend, segment) for segment in parsed.segments]
    shown.media = _media_blocks(post.content)
    if parsed.cut_at is not None:
        shown.cut_note = (f"Sandbox: the commentary was cut at character {parsed.cut_at} "
                          f"(an unescaped {parsed.cut_char!r}); "
                          f"{len(post.commentary) - parsed.cut_at} characters are not shown.")
    return shown


def _piece(backend: Backend, segment: littletext.Segment) -> Piece:
    if isinstance(segment, littletext.Hashtag):
        return Piece("hashtag", f"#{segment.tag}",
                     f"https://www.linkedin.com/feed/hashtag/{segment.tag.lower()}")
    if isinstance(segment, littletext.Mention):
        if backend.mention_shows_as_link(segment.name, segment.urn):
            kind, entity_id = segment.urn.split(":")[2:4]
            path = "company" if kind == "organization" else "in"
            return Piece("mention", segment.name, f"https://www.linkedin.com/{path}/{entity_id}")
        return Piece("text", segment.name)
    return Piece("text", segment.value)


def _media_blocks(content: Mapping[str, Any] | None) -> list[Piece]:
    if not content:
        return []
    kind, value = next(iter(content.items()))
    if kind == "media":
        media_kind = str(value.get("id", "")).split(":")[2:3] or ["media"]
        label = value.get("altText") or value.get("title") or ""
        return [Piece(media_kind[0], f"[{media_kind[0].capitalize()}] {label}".strip())]
    if kind == "multiImage":
        return [Piece("image", f"[Image] {image.get('altText', '')}".strip())
                for image in value.get("images", [])]
    if kind == "article":
        return [Piece("article", f"[Article] {value.get('title', '')} - {value.get('source', '')}")]
    if kind == "poll":
        options = " / ".join(str(o.get("text", "")) for o in value.get("options", []))
        return [Piece("poll", f"[Poll] {value.get('question', '')}: {options}")]
    return [Piece(kind, f"[{kind}]")]


def render_consent(params: Mapping[str, str], scopes: Iterable[str],
                   members: Iterable[Member]) -> str:
    hidden = {k: v for k, v in params.items()
              if k in ("response_type", "client_id", "redirect_uri", "scope", "state")}
    return _TEMPLATES.get_template("consent.html.j2").render(
        client_id=params.get("client_id", ""), scopes=list(scopes), hidden=hidden,
        members=list(members))


def render_page_error(status: int, message: str) -> str:
    return _TEMPLATES.get_template("error.html.j2").render(status=status, message=message)

"""HTML pages: the feed as LinkedIn would show the posts, and the OAuth consent page.

The feed shows what a reader sees, not what was sent: text cut where little text cuts it,
folded at "...see more", mentions as links only when the name matches the entity, hashtags
as links, images from their uploaded bytes, a video's thumbnail as its poster and its
SubRip captions as a WebVTT track. Each post is a ``cards.Card`` drawn by the card
template that ``publish preview`` shares. Jinja's autoescaping escapes every piece of text.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher import cards
from publisher.utc import format_utc_ms

if TYPE_CHECKING:
    from publisher.sandbox.backend import Backend, Member, Post

_TEMPLATES = cards.environment(Path(__file__).parent / "templates")
_INLINE_LIMIT = 2_000_000  # bytes: bigger images show as placeholders to keep the page light
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def render_feed(backend: Backend) -> str:
    live = [p for p in backend.posts.values() if not p.deleted]
    live.sort(key=lambda p: p.created_ms, reverse=True)
    return _TEMPLATES.get_template("feed.html.j2").render(
        posts=[feed_post(backend, post) for post in live])


def feed_post(backend: Backend, post: Post) -> cards.Card:
    def mention_href(mention: Any) -> str | None:
        if backend.mention_shows_as_link(mention.name, mention.urn):
            return cards.entity_href(mention.urn)
        return None

    text = cards.read_commentary(post.commentary, mention_href)
    hook, more = cards.split_at(text.pieces, cards.feed_fold(text.shown))
    created = format_utc_ms(post.created_ms / 1000)
    card = cards.Card(
        id=post.urn, author_name=backend.display_name(post.author),
        author_kind="page" if ":organization:" in post.author else "person",
        when=for_people(post.created_ms), when_iso=created, visibility=post.visibility,
        edited=post.edited,
        hook=hook, more=more, length=cards.utf16_length(post.commentary))
    _add_content(backend, card, post.content)
    note = cards.cut_note(text, post.commentary)
    if note:
        card.notes.append(f"Sandbox: {note}")
    return card


def for_people(moment_ms: int) -> str:
    """When a post was made, as a person reads it: 'Tue 01 Dec 2026, 08:00 UTC'. The
    sandbox knows no team's zone, so it says UTC, and says that it does."""
    moment = datetime.fromtimestamp(moment_ms / 1000, UTC)
    return f"{moment:%a %d %b %Y, %H:%M} UTC"


def _add_content(backend: Backend, card: cards.Card, content: Mapping[str, Any] | None) -> None:
    if not content:
        return
    kind, value = next(iter(content.items()))
    if kind == "media":
        media_kind = (str(value.get("id", "")).split(":")[2:3] or ["media"])[0]
        if media_kind == "image":
            card.images = [_image(backend, value.get("id", ""), value.get("altText"))]
        elif media_kind == "video":
            card.attachment = _video(backend, str(value.get("id", "")),
                                     str(value.get("title") or ""))
        else:
            card.attachment = cards.Attachment(media_kind, str(value.get("title") or ""),
                                               media_kind.capitalize())
    elif kind == "multiImage":
        card.images = [_image(backend, image.get("id", ""), image.get("altText"))
                       for image in value.get("images", [])]
    elif kind == "article":
        source = str(value.get("source", ""))
        card.attachment = cards.Attachment(
            "article", str(value.get("title", "")), cards.domain(source), source,
            str(value.get("description") or ""))
    elif kind == "poll":
        options = " / ".join(str(o.get("text", "")) for o in value.get("options", []))
        card.attachment = cards.Attachment("poll", str(value.get("question", "")), options)
    else:
        card.attachment = cards.Attachment(kind, kind)


def _image(backend: Backend, urn: object, alt: object) -> cards.Image:
    media = backend.media.get(str(urn))
    return cards.Image(_image_src(backend.blobs.get(str(urn), b"")), str(alt) if alt else None,
                       media.width if media else None, media.height if media else None)


def _image_src(data: bytes) -> str:
    mime = next((t for magic, t in _IMAGE_TYPES.items() if data.startswith(magic)), None)
    if not mime or len(data) > _INLINE_LIMIT:
        return ""
    # A data: URI keeps the saved feed page whole on its own, with no server behind it.
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _video(backend: Backend, urn: str, title: str) -> cards.Attachment:
    """The video card: no video bytes are kept after finalizeUpload, its extras are."""
    poster = _image_src(backend.thumbnails.get(urn, b""))
    srt = backend.captions.get(urn, b"")
    track = ""
    if srt and len(srt) <= _INLINE_LIMIT:
        track = cards.vtt_data_uri(cards.srt_to_vtt(srt.decode("utf-8-sig")))
    return cards.Attachment("video", title, "Video",
                            thumbnail=cards.Image(poster, None) if poster else None,
                            captions=track)


def render_consent(params: Mapping[str, str], scopes: Iterable[str],
                   members: Iterable[Member]) -> str:
    hidden = {k: v for k, v in params.items()
              if k in ("response_type", "client_id", "redirect_uri", "scope", "state")}
    return _TEMPLATES.get_template("consent.html.j2").render(
        client_id=params.get("client_id", ""), scopes=list(scopes), hidden=hidden,
        members=list(members))


def render_page_error(status: int, message: str) -> str:
    return _TEMPLATES.get_template("error.html.j2").render(status=status, message=message)

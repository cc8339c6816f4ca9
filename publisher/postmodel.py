"""A post as publishing needs it: the Post, its media and article, the front-matter keys
and LinkedIn's limits on them. Values only: ``publisher.post`` reads files into these, and
``publisher.postcheck`` checks them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Literal
from urllib.parse import urlsplit

from publisher.errors import spelling
from publisher.formats.common import MediaKind
from publisher.mediarules import MediaInfo
from publisher.poll import Poll
from publisher.render import Rendered

KEYS = (
    "author",
    "schedule",
    "not_after",
    "status",
    "visibility",
    "images",
    "video",
    "document",
    "article",
    "mentions",
    "first_comment",
    "reshare",
    "experiment",
    "urn",
    "published_at",
    "publish_when",
    "linkedin_content",
    "poll",
    "reshare_of",
)
QUEUE = "queue"  # `schedule: queue`: the next free slot of the author's queue
CONTENT_KEYS = ("images", "video", "document", "article", "poll")
STATUSES = ("ready", "draft", "deleted")
MEDIA_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # key -> (required, optional)
    "images": (frozenset({"path"}), frozenset({"alt"})),
    "video": (frozenset({"path", "title"}), frozenset({"thumbnail", "captions"})),
    "document": (frozenset({"path", "title"}), frozenset()),
    "article": (frozenset({"url", "title"}), frozenset({"description", "thumbnail"})),
}
POST_URN = re.compile(r"^urn:li:(share|ugcPost):[0-9]+$")
# What LinkedIn's reshareContext.parent takes ("Allowed URN types are groupPost, share,
# ugcPost"): not the activity URN of a post's web address.
PARENT_URN = re.compile(r"^urn:li:(share|ugcPost|groupPost):[0-9]+$")
MAX_ALT = 4086
MAX_IMAGES = 20
MAX_TITLE = 400
MAX_COMMENT = 1250
VIDEO_THUMBNAIL_FORMATS = ("JPEG", "PNG")
# Far above any real post (20 images with LinkedIn's longest alt text fit in a quarter of
# it), and small enough that checking a file of this size takes well under a second.
MAX_POST_BYTES = 512 * 1024
MAX_URL = 2048
# Ten times what LinkedIn shows: no Markdown loses that much when rendered, and rendering
# a longer text only to report it too long would cost seconds.
MAX_BODY_CHARACTERS = 30_000
# What the write-back will write after publishing, in the shape it will have: a file that
# cannot take these cannot take the real ones.
TRIAL_WRITE_BACK = {"urn": "urn:li:share:7000000000000000000",
                    "published_at": "2026-01-01T00:00:00Z"}

ContentKind = Literal["text", "image", "multi_image", "video", "document", "article", "poll",
                      "reshare"]


EXPERIMENT_FORM = "experiment must be {name: <experiment>, variant: <A, B, ...>}"


def experiment_of(value: object) -> tuple[str, str] | None:
    """(name, variant) of an ``experiment:`` value, or None when it is not of that form.

    The one reading of the key: ``publish check`` refuses what this refuses, and the
    report leaves out of its experiments exactly the posts that check would refuse.
    """
    if not isinstance(value, dict) or set(value) != {"name", "variant"}:
        return None
    if not all(isinstance(v, (str, int)) and str(v).strip() for v in value.values()):
        return None
    return str(value["name"]), str(value["variant"])


@dataclass(frozen=True)
class MediaFile:
    """A file a post uploads: path from the repo root, its checks and its digest."""

    path: str
    kind: MediaKind
    sha256: str
    info: MediaInfo
    alt: str | None = None
    title: str | None = None
    # A video's extras, sent with it in one upload (LinkedIn keeps them on the video).
    thumbnail: MediaFile | None = None
    captions: MediaFile | None = None

    @property
    def extras(self) -> tuple[MediaFile, ...]:
        return tuple(f for f in (self.thumbnail, self.captions) if f)

    @property
    def upload_key(self) -> str:
        """What identifies this upload: the file's digest, with its extras' when it has any
        (the same video with another thumbnail is another upload)."""
        if not self.extras:
            return self.sha256
        parts = [self.sha256, *(f"{f.kind}={f.sha256}" for f in self.extras)]
        return "sha256:" + hashlib.sha256("|".join(parts).encode()).hexdigest()

    def fingerprint(self) -> list[str | None]:
        extras = [f.sha256 for f in self.extras]
        # Extras only when present, so that posts published before they existed keep
        # their content hash.
        return [self.sha256, self.alt, self.title, *extras]


@dataclass(frozen=True)
class Article:
    url: str
    title: str
    description: str | None = None
    thumbnail: MediaFile | None = None


@dataclass(frozen=True)
class Post:
    """A valid post: everything publishing needs, already resolved."""

    path: str
    author: str
    author_alias: str | None
    status: str
    visibility: str
    schedule: datetime | None
    not_after: datetime | None
    zone: str
    rendered: Rendered
    kind: ContentKind = "text"
    images: tuple[MediaFile, ...] = ()
    video: MediaFile | None = None
    document: MediaFile | None = None
    article: Article | None = None
    poll: Poll | None = None
    # The post this one reshares: a post URN, or the path (from the repository's root) of
    # another post file, whose URN it takes once that post is published.
    reshare_of: str | None = None
    first_comment: str | None = None
    reshare: bool = True
    experiment: dict[str, str] | None = None
    urn: str | None = None
    published_at: datetime | None = None
    publish_when_url: str | None = None
    queued: bool = False  # `schedule: queue`: the author's next free slot (publisher.queue)
    # The content of a post imported from LinkedIn, as LinkedIn returned it (media by URN):
    # what the post already shows; never uploaded or sent again.
    linkedin_content: dict[str, Any] | None = None

    @property
    def commentary(self) -> str:
        return self.rendered.commentary

    @property
    def media(self) -> tuple[MediaFile, ...]:
        """Every file this post uploads, in upload order."""
        files = list(self.images)
        files += [f for f in (self.video, self.document) if f]
        if self.article and self.article.thumbnail:
            files.append(self.article.thumbnail)
        return tuple(files)

    @property
    def files(self) -> tuple[str, ...]:
        """Every file this post sends, by path: its media, and a video's extras."""
        return tuple(f.path for media in self.media for f in (media, *media.extras))

    @property
    def commentary_hash(self) -> str:
        return "sha256:" + hashlib.sha256(self.commentary.encode("utf-8")).hexdigest()

    @property
    def content_hash(self) -> str:
        """A digest of what LinkedIn cannot edit after posting (author, media, article...)."""
        return (
            "sha256:"
            + hashlib.sha256(
                json.dumps(self.content_fingerprint(), sort_keys=True).encode("utf-8")
            ).hexdigest()
        )

    def content_fingerprint(self) -> dict[str, Any]:
        article = None
        if self.article:
            thumb = self.article.thumbnail.sha256 if self.article.thumbnail else None
            article = [self.article.url, self.article.title, self.article.description, thumb]
        fingerprint: dict[str, Any] = {
            "author": self.author,
            "visibility": self.visibility,
            "reshare": self.reshare,
            "kind": self.kind,
            "media": [m.fingerprint() for m in self.media],
            "article": article,
        }
        if self.linkedin_content is not None:  # only then: other posts keep their hashes
            fingerprint["linkedin_content"] = self.linkedin_content
        # Only when present too; LinkedIn can edit neither, so a change to one is a replace.
        if self.poll:
            fingerprint["poll"] = self.poll.fingerprint()
        if self.reshare_of:
            fingerprint["reshare_of"] = self.reshare_of
        return fingerprint


# ----------------------------------------------------------------------------- values in messages

def _name(key: tuple[str | int, ...]) -> str:
    head, *rest = key
    return f"{head}[{rest[0]}]" if rest and isinstance(rest[0], int) else str(head)


def _shown(text: str, limit: int = 120) -> str:
    """User text quoted in a message: control characters spelled out, and cut short (a
    5,000-character name helps no one)."""
    visible = _escaped(text[:limit])
    return visible if len(text) <= limit else f"{visible}… ({len(text):,} characters)"


def _escaped(text: str) -> str:
    """Every character that does not print spelled out (errors.spelling), not only the
    control characters: a quoted value stays one line, whatever invisible mark it holds."""
    return "".join(c if c.isprintable() else spelling(c) for c in text)


@cache
def _url_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """RFC 3986 characters (with '%' escapes): anything else, spaces, quotes, angle
    brackets and backticks included, has no place in a URL; letters beyond ASCII are
    allowed (IRIs). And a host name. Compiled at the first URL: their ranges up to
    U+10FFFF take milliseconds to compile, and most runs check no URL."""
    text = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%\u00a0-\U0010ffff]+")
    host = re.compile(r"(?:[A-Za-z0-9\u00a1-\U0010ffff](?:[A-Za-z0-9\-\u00a1-\U0010ffff]*"
                      r"[A-Za-z0-9\u00a1-\U0010ffff])?\.?)+")
    return text, host


def _is_http(value: object) -> bool:
    """An absolute http(s) URL with a host name, made only of characters URLs have."""
    url_text, host_name = _url_patterns()
    if not isinstance(value, str) or len(value) > MAX_URL or not url_text.fullmatch(value):
        return False
    if any(c.isspace() or not c.isprintable() for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and bool(host_name.fullmatch(host)) and not (
        parts.username or parts.password
    )


def is_organization(urn: str) -> bool:
    return urn.startswith("urn:li:organization:")

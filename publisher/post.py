"""One Markdown file -> Post, with a strict front-matter schema; discovery of post files.

`load_post` reads a file, checks every key, resolves the author, the times, the media and
the mentions, renders the body, and returns the Post together with every diagnostic as
`path:line: severity: message`. A post with any error is returned without a Post, so
nothing invalid can reach the publishing step.

Post files come from pull requests and are read as hostile: a file that is a symbolic
link, or that lies outside the repository, is refused unread; so is one over
MAX_POST_BYTES; a file whose URN could not be written back after publishing is refused
before it is published; and no file, however broken, stops the other posts from being
checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from publisher.config import (
    VISIBILITIES,
    Config,
    MentionTarget,
    mention_target,
)
from publisher.errors import Diagnostic, Severity, did_you_mean
from publisher.frontmatter_yaml import FrontMatter, FrontMatterError, split
from publisher.media import MediaInfo, MediaKind, inspect_media, sha256_file
from publisher.render import LIMIT, Mention, Rendered, RenderOptions, render, utf16_len
from publisher.schedule import TimeError, format_utc, parse_time, parse_utc
from publisher.writeback import WriteBackError, updated_source

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
)
QUEUE = "queue"  # `schedule: queue`: the next free slot of the author's queue
CONTENT_KEYS = ("images", "video", "document", "article")
STATUSES = ("ready", "draft", "deleted")
MEDIA_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # key -> (required, optional)
    "images": (frozenset({"path"}), frozenset({"alt"})),
    "video": (frozenset({"path", "title"}), frozenset({"thumbnail", "captions"})),
    "document": (frozenset({"path", "title"}), frozenset()),
    "article": (frozenset({"url", "title"}), frozenset({"description", "thumbnail"})),
}
POST_URN = re.compile(r"^urn:li:(share|ugcPost):[0-9]+$")
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

ContentKind = Literal["text", "image", "multi_image", "video", "document", "article"]


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
    first_comment: str | None = None
    reshare: bool = True
    experiment: dict[str, str] | None = None
    urn: str | None = None
    published_at: datetime | None = None
    publish_when_url: str | None = None
    queued: bool = False  # `schedule: queue`: the author's next free slot (publisher.queue)

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
        return {
            "author": self.author,
            "visibility": self.visibility,
            "reshare": self.reshare,
            "kind": self.kind,
            "media": [m.fingerprint() for m in self.media],
            "article": article,
        }


@dataclass
class LoadedPost:
    """The result of reading one file: a Post when valid, and every diagnostic."""

    path: str
    post: Post | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def discover(config: Config) -> list[str]:
    """Post files (`*.md`, recursive) under posts_dir, as sorted paths from the repo root."""
    base = config.posts_path
    if not base.is_dir():
        return []
    # os.walk with string joins: pathlib costs several times more over thousands of posts.
    prefix = base.relative_to(config.root).as_posix()
    found = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        relative = os.path.relpath(folder, base).replace(os.sep, "/")
        where = prefix if relative == "." else f"{prefix}/{relative}"
        found += [f"{where}/{name}".removeprefix("./") for name in files
                  if name.endswith(".md") and not name.startswith(".")
                  and os.path.isfile(os.path.join(folder, name))]
    return sorted(found)


def read_text(data: bytes) -> str:
    """Decode a post file; raise UnicodeDecodeError for non-UTF-8. BOM and CRLF removed."""
    text = data.decode("utf-8")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def load_post(config: Config, path: str, *, keep_invalid: bool = False,
              now: datetime | None = None) -> LoadedPost:
    """Read and validate one post file (`path` from the repo root).

    `keep_invalid` keeps the Post of a file with errors when one could be built, for views
    such as the preview that show a broken post with its problems; never for publishing.
    With `now` (for `publish check`), an unpublished post scheduled before it is warned of.
    """
    result = LoadedPost(path=path, post=None)
    try:
        data = read_post_file(config, path)
    except PostFileError as error:
        result.diagnostics.append(Diagnostic(path, None, "error", str(error)))
        return result
    try:
        text = read_text(data)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        result.diagnostics.append(
            Diagnostic(
                path,
                line,
                "error",
                f"not UTF-8 (byte 0x{data[error.start]:02x}): save the file as UTF-8",
            )
        )
        return result
    try:
        front = split(text)
    except FrontMatterError as error:
        result.diagnostics.append(Diagnostic(path, error.line, "error", error.message))
        return result
    result.diagnostics += _write_back_problems(path, data, front.data)
    checker = _PostChecker(config, path, front)
    try:
        result.post = checker.build()
    except Exception as error:  # one broken file must not stop the others
        result.post = None
        checker.diagnostics.append(Diagnostic(
            path, None, "error",
            f"could not be checked ({type(error).__name__}: {error}); "
            "this is a bug in publish, please report it with the file",
        ))
    if now is not None and result.post is not None:
        checker.warn_if_late(result.post, now)
    result.diagnostics = sorted(
        (_one_line(d) for d in result.diagnostics + checker.diagnostics),
        key=lambda d: (d.line or 0, d.message),
    )
    if result.errors and not keep_invalid:
        result.post = None
    return result


def _one_line(diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with any control character of a quoted value spelled out: one
    diagnostic is one line, whatever the file held."""
    if diagnostic.message.isprintable():
        return diagnostic
    return replace(diagnostic, message=_escaped(diagnostic.message))


class PostFileError(Exception):
    """A post file that is not read at all; the message says why and what to do."""


def read_post_file(config: Config, path: str) -> bytes:
    """The bytes of a post file: a regular file inside the repository, of a sane size.

    The last component is opened with O_NOFOLLOW, so a link swapped in after the checks
    is not followed either.
    """
    full = config.root / path
    if full.is_symlink():
        raise PostFileError(
            "is a symbolic link; a post must be a file of its own in the repository: "
            "replace the link with the file it points to"
        )
    try:
        inside = full.resolve().is_relative_to(config.root.resolve())
    except (OSError, RuntimeError):  # a loop of links on the way
        inside = False
    if not inside:
        raise PostFileError(
            "lies outside the repository (a folder on its path is a link): "
            "move the post into the repository"
        )
    try:
        # Non-blocking: a named pipe in place of a post must not hang the check.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(full, flags)
    except OSError as error:
        raise PostFileError(f"cannot read: {error.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PostFileError("is not a regular file")
        data = handle.read(MAX_POST_BYTES + 1) if info.st_size <= MAX_POST_BYTES else b""
    size = max(info.st_size, len(data))
    if size > MAX_POST_BYTES:
        raise PostFileError(
            f"is {size:,} bytes; a post file may have at most {MAX_POST_BYTES:,} "
            f"(LinkedIn shows {LIMIT:,} characters): shorten it"
        )
    return data


def _write_back_problems(path: str, data: bytes, front: dict[str, Any]) -> list[Diagnostic]:
    """An error when publishing could not write the URN back into this file: found now,
    before the post goes out, rather than after, when the file would be left without it."""
    try:
        updated_source(data, TRIAL_WRITE_BACK, before=front)
    except WriteBackError as error:
        return [Diagnostic(
            path, 1, "error",
            f"publish could not write the post's URN into this file after publishing "
            f"({error}): fix the front matter so it can",
        )]
    return []


class _PostChecker:
    """Checks one post's front matter key by key, collecting diagnostics."""

    def __init__(self, config: Config, path: str, front: FrontMatter) -> None:
        self.config = config
        self.path = path
        self.front = front
        self.data = front.data
        self.diagnostics: list[Diagnostic] = []
        self.folder = (config.root / path).parent

    def report(self, severity: Severity, key: tuple[str | int, ...], message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, self.front.line(*key), severity, message))

    def error(self, key: tuple[str | int, ...], message: str) -> None:
        self.report("error", key, message)

    def build(self) -> Post | None:
        self._check_keys()
        author, alias = self._author()
        status = self._choice("status", STATUSES, "ready")
        visibility = self._visibility(author)
        schedule, not_after, zone = self._times()
        mentions = self._mentions()
        rendered = self._render(mentions)
        content = self._content()
        urn = self._post_urn()
        published_at = self._published_at()
        optional = self._optional_fields()
        if author is None or content is None:
            return None
        return Post(
            path=self.path,
            author=author,
            author_alias=alias,
            status=status,
            visibility=visibility,
            schedule=schedule,
            not_after=not_after,
            zone=zone,
            rendered=rendered,
            queued=self._queued(),
            urn=urn,
            published_at=published_at,
            **content,
            **optional,
        )

    def _check_keys(self) -> None:
        for key in self.data:
            if key not in KEYS:
                self.error((str(key),), f"unknown key '{key}'{did_you_mean(str(key), KEYS)}")
        for dup, line in self.front.duplicates:
            self.diagnostics.append(
                Diagnostic(self.path, line, "error", f"'{'.'.join(map(str, dup))}' is set twice")
            )
        present = [k for k in CONTENT_KEYS if self.data.get(k) is not None]
        if len(present) > 1:
            self.error(
                (present[1],),
                f"a post has at most one of images, video, document, article; "
                f"found {' and '.join(present)}",
            )

    def _string(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.error((key,), f"'{key}' is required")
            return None
        if isinstance(value, (dict, list)):
            self.error((key,), f"'{key}' must be text, found a {type(value).__name__}")
            return None
        return str(self.front.raw.get((key,), value))

    def _choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self._string(key)
        if value is None:
            return default
        if value not in choices:
            self.error(
                (key,),
                f"{key} '{value}' is not one of {', '.join(choices)}{did_you_mean(value, choices)}",
            )
            return default
        return value

    def warn_if_late(self, post: Post, now: datetime) -> None:
        """A post not yet published whose schedule has passed goes out late, or never."""
        if post.status != "ready" or post.urn or post.schedule is None or post.schedule > now:
            return
        when = format_utc(post.schedule)
        if post.not_after is not None and post.not_after < now:
            self.report("warning", ("schedule",),
                        f"schedule {when} and not_after {format_utc(post.not_after)} have "
                        "passed: this post will expire, not be posted; move the schedule "
                        "to post it")
        else:
            self.report("warning", ("schedule",),
                        f"schedule {when} has passed: the next sync posts it at once")

    def _author(self) -> tuple[str | None, str | None]:
        name = self._string("author") or self.config.defaults.author
        if name is None:
            self.error(
                ("author",),
                "no author: set 'author:' to an alias from [authors] in publish.toml or a URN, "
                "or set [defaults].author",
            )
            return None, None
        urn = self.config.author_urn(name)
        if urn is None:
            if name.startswith("urn:"):
                hint = (
                    "a person URN is urn:li:person:<id>, an organization URN is "
                    "urn:li:organization:<number>"
                )
            else:
                known = ", ".join(sorted(self.config.authors)) or "none"
                hint = (
                    f"add it under [authors] in publish.toml (known: {known})"
                    f"{did_you_mean(name, list(self.config.authors))}"
                )
            self.error(("author",), f"unknown author '{name}': {hint}")
            return None, None
        alias = name if name in self.config.authors else self.config.author_alias(urn)
        return urn, alias

    def _visibility(self, author: str | None) -> str:
        visibility = self._choice("visibility", VISIBILITIES, self.config.defaults.visibility)
        if visibility == "CONNECTIONS" and author and author.startswith("urn:li:organization:"):
            self.error(
                ("visibility",),
                "CONNECTIONS is for person authors only; an organization posts PUBLIC or LOGGED_IN",
            )
        return visibility

    def _queued(self) -> bool:
        return self.data.get("schedule") == QUEUE

    def _times(self) -> tuple[datetime | None, datetime | None, str]:
        zone = self.config.defaults.timezone
        if self._queued():
            if self.data.get("not_after") is not None:
                self.report("warning", ("not_after",), "not_after has no effect with "
                            "schedule: queue (a queued post waits for its slot, however late)")
            return None, None, zone
        schedule = self._time("schedule", zone)
        not_after = self._time("not_after", zone)
        if schedule and not not_after:
            try:
                not_after = schedule + self.config.defaults.max_delay
            except OverflowError:
                self.error(("schedule",), "schedule plus [defaults].max_delay is past the "
                           "year 9999: write a real date")
                return None, None, zone
        if schedule and not_after and not_after <= schedule:
            self.error(("not_after",), "not_after must be later than schedule")
        if not_after and not schedule and "not_after" in self.data:
            self.report("warning", ("not_after",), "not_after has no effect without schedule")
        return schedule, not_after, zone

    def _time(self, key: str, zone: str) -> datetime | None:
        if self.data.get(key) is None:
            return None
        raw = self.front.raw.get((key,))
        also = " or 'queue' (the author's next free slot)" if key == "schedule" else ""
        if raw is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
            self.error(
                (key,),
                f"{key} needs a date and a time, like '2026-12-01 09:00'{also} "
                f"(found {raw or self.data[key]!r})",
            )
            return None
        try:
            parsed = parse_time(raw, zone)
        except TimeError as error:
            self.error((key,), f"{key}: {error}{also}")
            return None
        if parsed.warning:
            self.report("warning", (key,), f"{key}: {parsed.warning}")
        return parsed.utc

    def _mentions(self) -> dict[str, MentionTarget]:
        mentions = dict(self.config.mentions)
        local = self.data.get("mentions")
        if local is None:
            return mentions
        if not isinstance(local, dict):
            self.error(("mentions",), "mentions must map handles to {urn, name}")
            return mentions
        for handle, value in local.items():
            target = mention_target(value)
            if isinstance(target, str):
                self.error(("mentions", str(handle)), f"mentions.{handle}: {target}")
            else:
                mentions[str(handle)] = target
        return mentions

    def _render(self, mentions: dict[str, MentionTarget]) -> Rendered:
        options = RenderOptions(
            mentions={h: Mention(urn=m.urn, name=m.name) for h, m in mentions.items()},
            emphasis=self.config.emphasis,  # type: ignore[arg-type]
            footer=self.config.footer,
            utm=self.config.utm,
            utm_domains=self.config.utm_domains,
        )
        body = self.front.body
        if len(body) > MAX_BODY_CHARACTERS:
            self.diagnostics.append(Diagnostic(
                self.path, self.front.body_line, "error",
                f"the text is {len(body):,} characters long; LinkedIn shows at most "
                f"{LIMIT:,}: shorten it",
            ))
            body = ""
        rendered = render(body, options)
        if not self.front.body.strip():
            self.diagnostics.append(
                Diagnostic(
                    self.path,
                    self.front.body_line,
                    "error",
                    "the post has no text: write it below the closing '---'",
                )
            )
        for issue in rendered.issues:
            if issue.message.startswith("the text is empty"):
                continue
            line = self.front.body_line + issue.line - 1 if issue.line else self.front.body_line
            self.diagnostics.append(Diagnostic(self.path, line, issue.severity, issue.message))
        return rendered

    def _post_urn(self) -> str | None:
        urn = self._string("urn")
        if urn is not None and not POST_URN.match(urn):
            self.error(
                ("urn",), f"urn '{urn}' is not a post URN (urn:li:share:… or urn:li:ugcPost:…)"
            )
            return None
        return urn

    def _published_at(self) -> datetime | None:
        text = self._string("published_at")
        if text is None:
            return None
        try:
            return parse_utc(text)
        except (ValueError, OverflowError):
            self.error(("published_at",), f"published_at '{text}' is not an ISO 8601 time")
            return None

    def _optional_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        comment = self._string("first_comment")
        if comment is not None:
            if not comment.strip():
                self.error(("first_comment",), "first_comment is empty: remove it or write it")
            elif utf16_len(comment) > MAX_COMMENT:
                # Counted like the commentary, in UTF-16 units: an emoji counts 2, the
                # stricter reading of LinkedIn's 1,250 characters.
                self.error(
                    ("first_comment",),
                    f"first_comment is {utf16_len(comment)} characters; LinkedIn allows "
                    f"{MAX_COMMENT}: shorten it by {utf16_len(comment) - MAX_COMMENT}",
                )
            fields["first_comment"] = comment
        reshare = self.data.get("reshare", True)
        if not isinstance(reshare, bool):
            self.error(("reshare",), f"reshare must be true or false, found {reshare!r}")
        else:
            fields["reshare"] = reshare
        fields["experiment"] = self._experiment()
        fields["publish_when_url"] = self._publish_when()
        return fields

    def _experiment(self) -> dict[str, str] | None:
        value = self.data.get("experiment")
        if value is None:
            return None
        if (
            not isinstance(value, dict)
            or set(value) != {"name", "variant"}
            or not all(isinstance(v, (str, int)) and str(v).strip() for v in value.values())
        ):
            self.error(
                ("experiment",), "experiment must be {name: <experiment>, variant: <A, B, ...>}"
            )
            return None
        return {"name": str(value["name"]), "variant": str(value["variant"])}

    def _publish_when(self) -> str | None:
        value = self.data.get("publish_when")
        if value is None:
            return None
        url = value.get("url_ok") if isinstance(value, dict) else None
        if not isinstance(value, dict) or set(value) != {"url_ok"} or not _is_http(url):
            self.error(
                ("publish_when",),
                "publish_when must be {url_ok: https://…}, a web address with a host name "
                "and no spaces, quotes, angle brackets or backticks: "
                "the post waits until that URL answers 2xx",
            )
            return None
        return str(url)

    # --- content -------------------------------------------------------------------------

    def _content(self) -> dict[str, Any] | None:
        """The content fields of Post, or None when the content is invalid."""
        errors_before = self._error_count()
        content: dict[str, Any] = {"kind": "text"}
        if self.data.get("images") is not None:
            images = self._images()
            content["images"] = images
            content["kind"] = "image" if len(images) == 1 else "multi_image"
        elif self.data.get("video") is not None:
            content["video"] = self._media_block("video", "video")
            content["kind"] = "video"
        elif self.data.get("document") is not None:
            content["document"] = self._media_block("document", "document")
            content["kind"] = "document"
        elif self.data.get("article") is not None:
            content["article"] = self._article()
            content["kind"] = "article"
        return None if self._error_count() > errors_before else content

    def _error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    def _images(self) -> tuple[MediaFile, ...]:
        value = self.data["images"]
        if not isinstance(value, list) or not value:
            self.error(("images",), "images must be a list of {path, alt} entries")
            return ()
        if len(value) > MAX_IMAGES:
            self.error(("images",), f"{len(value)} images; LinkedIn takes at most {MAX_IMAGES}")
        files = []
        for index, entry in enumerate(value):
            media = self._media_entry(("images", index), entry, "image")
            if media:
                files.append(media)
        return tuple(files)

    def _media_block(self, key: str, kind: MediaKind) -> MediaFile | None:
        return self._media_entry((key,), self.data[key], kind)

    def _media_entry(
        self, key: tuple[str | int, ...], entry: object, kind: MediaKind
    ) -> MediaFile | None:
        schema = MEDIA_KEYS[str(key[0])]
        if isinstance(entry, str) and kind == "image":
            entry = {"path": entry}
        if not isinstance(entry, dict):
            self.error(key, f"{_name(key)} must be a mapping with {', '.join(sorted(schema[0]))}")
            return None
        if not self._entry_keys(key, entry, schema):
            return None
        alt = self._alt_text(key, entry) if kind == "image" else None
        title = self._title(key, entry)
        media = self._media_file(key, str(entry["path"]), kind, alt=alt, title=title)
        if media is None or kind != "video":
            return media
        thumbnail, captions = self._video_extra(key, entry, "thumbnail", "image"), None
        if thumbnail is not None and thumbnail.info.format not in VIDEO_THUMBNAIL_FORMATS:
            self.error((*key, "thumbnail"), f"{thumbnail.path}: a video thumbnail must be "
                       "a JPEG or PNG image: convert it")
        captions = self._video_extra(key, entry, "captions", "captions")
        return replace(media, thumbnail=thumbnail, captions=captions)

    def _video_extra(
        self, key: tuple[str | int, ...], entry: dict[str, Any], name: str, kind: MediaKind
    ) -> MediaFile | None:
        value = entry.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error((*key, name), f"video {name} must be a path to a file")
            return None
        return self._media_file((*key, name), value, kind)

    def _entry_keys(
        self,
        key: tuple[str | int, ...],
        entry: dict[str, Any],
        schema: tuple[frozenset[str], frozenset[str]],
    ) -> bool:
        required, optional = schema
        ok = True
        for name in entry:
            if name not in required | optional:
                self.error(
                    (*key, name),
                    f"unknown key '{name}' in {_name(key)}"
                    f"{did_you_mean(str(name), required | optional)}",
                )
                ok = False
        for name in sorted(required - set(entry)):
            self.error(key, f"{_name(key)} needs '{name}'")
            ok = False
        return ok

    def _alt_text(self, key: tuple[str | int, ...], entry: dict[str, Any]) -> str | None:
        alt = entry.get("alt")
        if alt is None or not str(alt).strip():
            if self.config.defaults.require_alt_text:
                self.error(
                    key,
                    f"{_name(key)} has no alt text: add 'alt:' describing the image "
                    "for people who cannot see it ([defaults].require_alt_text)",
                )
            else:
                self.report("warning", key, f"{_name(key)} has no alt text")
            return None
        if len(str(alt)) > MAX_ALT:
            self.error(
                (*key, "alt"), f"alt text is {len(str(alt))} characters; LinkedIn allows {MAX_ALT}"
            )
        return str(alt)

    def _title(self, key: tuple[str | int, ...], entry: dict[str, Any]) -> str | None:
        title = entry.get("title")
        if title is None:
            return None
        if not str(title).strip() or len(str(title)) > MAX_TITLE:
            self.error((*key, "title"), f"title must be 1 to {MAX_TITLE} characters")
        return str(title)

    def _media_file(
        self,
        key: tuple[str | int, ...],
        relative: str,
        kind: MediaKind,
        alt: str | None = None,
        title: str | None = None,
    ) -> MediaFile | None:
        resolved = self._resolve(key, relative)
        if resolved is None:
            return None
        info, problems = inspect_media(resolved, kind)
        for problem in problems:
            self.error((*key, "path"), f"{relative}: {problem}")
        if info is None or problems:
            return None
        return MediaFile(
            path=resolved.relative_to(self.config.root.resolve()).as_posix(),
            kind=kind,
            sha256=sha256_file(resolved),
            info=info,
            alt=alt,
            title=title,
        )

    def _resolve(self, key: tuple[str | int, ...], relative: str) -> Path | None:
        """The file a media path names, refusing anything outside the repository."""
        where = (*key, "path") if (*key, "path") in self.front.lines else key
        shown = _shown(relative)
        if "\x00" in relative:
            self.error(where, f"'{shown}' holds a NUL character, which no file name can: "
                       "write the path to the file")
            return None
        if Path(relative).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", relative):
            self.error(where, f"'{shown}' is absolute; write it relative to the post file")
            return None
        root = self.config.root.resolve()
        try:
            target = (self.folder / relative).resolve()
            if not target.is_relative_to(root):
                self.error(where, f"'{shown}' points outside the repository; "
                           "keep media inside it")
                return None
            found = target.is_file()
        except (OSError, ValueError) as error:  # a name too long for the file system
            reason = getattr(error, "strerror", None) or str(error)
            self.error(where, f"'{shown}' is not a usable path ({reason}): "
                       "write the path to the file")
            return None
        if not found:
            self.error(
                where,
                f"'{shown}' does not exist "
                f"(looked for {_shown(target.relative_to(root).as_posix())})",
            )
            return None
        return target

    def _article(self) -> Article | None:
        entry = self.data["article"]
        key: tuple[str | int, ...] = ("article",)
        if not isinstance(entry, dict):
            self.error(key, "article must be {url, title, description?, thumbnail?}")
            return None
        if not self._entry_keys(key, entry, MEDIA_KEYS["article"]):
            return None
        if not _is_http(entry["url"]):
            self.error(
                (*key, "url"),
                "article url must start with http:// or https:// and be a web address: a host "
                "name, and no spaces, quotes, angle brackets or backticks; "
                f"found {_shown(repr(entry['url']))}",
            )
        title = self._title(key, entry)
        thumbnail = None
        if entry.get("thumbnail") is not None:
            thumbnail = self._media_file((*key, "thumbnail"), str(entry["thumbnail"]), "image")
        description = entry.get("description")
        return Article(
            url=str(entry["url"]),
            title=title or "",
            description=None if description is None else str(description),
            thumbnail=thumbnail,
        )


def _name(key: tuple[str | int, ...]) -> str:
    head, *rest = key
    return f"{head}[{rest[0]}]" if rest and isinstance(rest[0], int) else str(head)


def _shown(text: str, limit: int = 120) -> str:
    """User text quoted in a message: control characters spelled out, and cut short (a
    5,000-character name helps no one)."""
    visible = _escaped(text[:limit])
    return visible if len(text) <= limit else f"{visible}… ({len(text):,} characters)"


def _escaped(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256
                   else f"\\u{ord(c):04x}" for c in text)


# RFC 3986 characters (with '%' escapes); anything else, spaces, quotes, angle brackets and
# backticks included, has no place in a URL. Letters beyond ASCII are allowed (IRIs).
_URL_TEXT = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%\u00a0-\U0010ffff]+")
_HOST = re.compile(r"(?:[A-Za-z0-9\u00a1-\U0010ffff](?:[A-Za-z0-9\-\u00a1-\U0010ffff]*"
                   r"[A-Za-z0-9\u00a1-\U0010ffff])?\.?)+")


def _is_http(value: object) -> bool:
    """An absolute http(s) URL with a host name, made only of characters URLs have."""
    if not isinstance(value, str) or len(value) > MAX_URL or not _URL_TEXT.fullmatch(value):
        return False
    if any(c.isspace() or not c.isprintable() for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and bool(_HOST.fullmatch(host)) and not (
        parts.username or parts.password
    )


def is_organization(urn: str) -> bool:
    return urn.startswith("urn:li:organization:")

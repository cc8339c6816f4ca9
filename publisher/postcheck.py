"""The check of one post's front matter, key by key: author, times, status, media, article,
mentions, first comment, experiment; every problem a diagnostic on its line.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from publisher.config import (
    VISIBILITIES,
    Config,
    MentionTarget,
    mention_target,
)
from publisher.errors import Diagnostic, did_you_mean
from publisher.frontmatter_yaml import FrontMatter
from publisher.poll import check_poll
from publisher.postcheck_media import MediaChecks
from publisher.postmodel import (
    CONTENT_KEYS,
    EXPERIMENT_FORM,
    KEYS,
    MAX_BODY_CHARACTERS,
    MAX_COMMENT,
    PARENT_URN,
    POST_URN,
    QUEUE,
    STATUSES,
    Post,
    _is_http,
    _shown,
    experiment_of,
)
from publisher.render import LIMIT, Rendered, render, utf16_len
from publisher.schedule import TimeError, parse_time, parse_utc
from publisher.utc import format_utc


class _PostChecker(MediaChecks):
    """Checks one post's front matter key by key, collecting diagnostics."""

    def __init__(self, config: Config, path: str, front: FrontMatter) -> None:
        self.config = config
        self.path = path
        self.front = front
        self.data = front.data
        self.diagnostics: list[Diagnostic] = []
        self.folder = (config.root / path).parent



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
        imported = self._linkedin_content(urn)
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
            linkedin_content=imported,
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
                f"a post has at most one of images, video, document, article, poll; "
                f"found {' and '.join(present)}"
                + (": a poll carries no media, make it two posts" if "poll" in present else ""),
            )
        if present and self.data.get("reshare_of") is not None:
            self.error(
                (present[0],),
                f"a reshare shows the post it reshares and carries no {present[0]} of its "
                "own: remove it, or remove reshare_of",
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
        elif post.reshare_of and not post.reshare_of.startswith("urn:li:"):
            self.report("warning", ("schedule",),
                        f"schedule {when} has passed: the next sync posts it as soon as "
                        f"{post.reshare_of} is on LinkedIn")
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
        options = self.config.render_options(mentions)
        body = self.front.body
        if len(body) > MAX_BODY_CHARACTERS:
            self.diagnostics.append(Diagnostic(
                self.path, self.front.body_line, "error",
                f"the text is {len(body):,} characters long; LinkedIn shows at most "
                f"{LIMIT:,}: shorten it",
            ))
            body = ""
        rendered = render(body, options)
        if not self.front.body.strip() and self.data.get("reshare_of") is None:
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

    def _linkedin_content(self, urn: str | None) -> dict[str, Any] | None:
        """The content of an imported post: only next to its urn:, and alone."""
        value = self.data.get("linkedin_content")
        if value is None:
            return None
        if not isinstance(value, dict) or not value:
            self.error(("linkedin_content",), "linkedin_content must be LinkedIn's content "
                       "object as `publish import` wrote it (media, multiImage, article…)")
            return None
        if urn is None and self.data.get("urn") is None:
            self.error(("linkedin_content",), (
                "linkedin_content is the content of a post already on LinkedIn and needs "
                "its urn: line; a new post attaches files with images:, video: or document:"))
        present = [k for k in CONTENT_KEYS if self.data.get(k) is not None]
        if present:
            self.error(("linkedin_content",), (
                f"linkedin_content and {present[0]} together: a post has one content; "
                "LinkedIn cannot change an imported post's content, so make a new post"))
        return dict(value)

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
        fields["reshare_of"] = self._reshare_of()
        return fields

    def _reshare_of(self) -> str | None:
        """The parent of a reshare: a post URN as written, or a post file's path from the
        repository's root (written relative to this file, as media paths are). Whether
        that post is published, or ever will be, is known only with the other posts and
        the ledger: `publish check` and the plan say so."""
        value = self._string("reshare_of")
        if value is None:
            return None
        key = ("reshare_of",)
        if value.startswith("urn:"):
            if PARENT_URN.match(value):
                return value
            hint = (" (the activity URN of a post's address is not one: use the post's "
                    "urn:li:share:… or urn:li:ugcPost:…)" if value.startswith("urn:li:activity:")
                    else "")
            self.error(key, f"reshare_of '{_shown(value)}' is not a post URN: LinkedIn "
                       f"reshares urn:li:share:…, urn:li:ugcPost:… or urn:li:groupPost:…{hint}")
            return None
        return self._parent_path(value)

    def _parent_path(self, relative: str) -> str | None:
        key = ("reshare_of",)
        shown = _shown(relative)
        if not relative.endswith(".md") or "\x00" in relative or Path(relative).is_absolute():
            self.error(key, f"reshare_of '{shown}' is neither a post URN nor the path of a "
                       "post file (…/name.md, relative to this file)")
            return None
        root = self.config.root.resolve()
        try:
            target = (self.folder.resolve() / relative).resolve()
        except (OSError, ValueError) as error:  # a name too long for the file system
            self.error(key, f"reshare_of '{shown}' is not a usable path ({error})")
            return None
        if not target.is_relative_to(self.config.posts_path.resolve()):
            self.error(key, f"reshare_of '{shown}' is not under {self.config.posts_dir}/: "
                       "name a post file of this repository, relative to this file")
            return None
        path = target.relative_to(root).as_posix()
        if path == self.path:
            self.error(key, "reshare_of names this post itself: name the post to reshare")
            return None
        return path

    def _experiment(self) -> dict[str, str] | None:
        value = self.data.get("experiment")
        if value is None:
            return None
        found = experiment_of(value)
        if found is None:
            self.error(("experiment",), EXPERIMENT_FORM)
            return None
        name, variant = found
        return {"name": name, "variant": variant}

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
        elif self.data.get("poll") is not None:
            content["poll"] = check_poll(self.data["poll"], self.front.raw, self.error)
            content["kind"] = "poll"
        elif self.data.get("reshare_of") is not None:
            content["kind"] = "reshare"
        return None if self._error_count() > errors_before else content

    def _error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")










